// The AIRs generated into verifier-cairo/src/airs/ (gen_airs.mjs), each with its verifier contract
// class (build.mjs) and its tests (test.mjs): one per example model, and <model>_zk, the model's
// AIR for zero-knowledge proofs (cairo-gen --zk).
export const MODELS = ['fashion_mlp', 'pinn', 'fashion_lenet', 'tiny_mlp', 'fashion_mlp_zk'];

// The example an AIR is generated from (examples/<model>/), and whether it reads zero-knowledge
// proofs.
export const airSource = (air) => ({ model: air.replace(/_zk$/, ''), zk: air.endsWith('_zk') });
