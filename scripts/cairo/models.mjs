// The example models whose AIRs are generated into verifier-cairo/src/airs/ (gen_airs.mjs), each
// with its verifier contract class (build.mjs) and its tests (test.mjs).
export const MODELS = ['fashion_mlp', 'pinn', 'fashion_lenet', 'tiny_mlp'];
