// The modules of verifier-cairo that programs leave out when they do not need them (bundle.mjs),
// for smaller programs: the test runner's memory and the class compiler's take one contract each.

// The final AIR every model shares and its verifier contract.
export const FINAL_MODULES = ['final_air', 'contracts::final_verifier'];

// The example consumers of facts (src/examples/: the lending contract): only their own tests and
// class compile them, so that no verification's program grows by them (the runner's memory).
export const EXAMPLE_MODULES = ['examples'];
