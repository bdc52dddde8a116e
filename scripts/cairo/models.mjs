import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// The AIRs generated into verifier-cairo/src/airs/ (gen_airs.mjs), each with its verifier contract
// class (build.mjs) and its tests (test.mjs): one per example model, and <model>_zk, the model's
// AIR for zero-knowledge proofs (cairo-gen --zk).
export const MODELS = ['fashion_mlp', 'pinn', 'fashion_lenet', 'tiny_mlp', 'fashion_mlp_zk'];

// The example an AIR is generated from (examples/<model>/), and whether it reads zero-knowledge
// proofs.
export const airSource = (air) => ({ model: air.replace(/_zk$/, ''), zk: air.endsWith('_zk') });

// Every AIR module verifier-cairo declares (src/airs.cairo): the examples' and any a user added
// (add_model.mjs). A program that compiles one AIR leaves all the others out.
export const AIR_MODULES = readFileSync(path.resolve(path.dirname(fileURLToPath(import.meta.url)),
  '../../verifier-cairo/src/airs.cairo'), 'utf8').match(/^pub mod \w+;$/gm)
  .map((line) => line.slice('pub mod '.length, -1));

// The modules of final proofs (the final AIR every model shares and its verifier contract): a
// program for a model's AIR leaves them out, as one for final proofs leaves out the models'.
export const FINAL_MODULES = ['final_air', 'contracts::final_verifier'];

// The example consumers of facts (src/examples/: the lending contract): only their own tests and
// class compile them, so that no verification's program grows by them (the runner's memory).
export const EXAMPLE_MODULES = ['examples'];
