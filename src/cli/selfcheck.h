// `tensorstark selfcheck`: an end-to-end check of the foundation layers on this machine (field,
// circle FFT, hashes, Merkle trees, channels with proof of work), with timings. It is what
// `make demo` runs until the prover can prove a model.
#pragma once

namespace tensorstark::cli {

// Prints one line per check; returns the process exit code (0 when every check passed).
int RunSelfcheck();

}  // namespace tensorstark::cli
