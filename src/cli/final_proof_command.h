// `compress --profile onchain`: the final proof of the inner proofs (frontend/final_proof.h), the
// one a Starknet contract verifies: an outer proof at the recursive profile (Poseidon2-M31), then
// the final circuit's proof in the narrow AIR at the onchain profile (Poseidon252). And its
// verification, which `verify` hands a compressed proof file marked final to.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "cli/compress_command.h"
#include "frontend/compressed_proof_file.h"

namespace tensorstark::cli {

// Proves and writes the final proof of `in` (options: --output, --fit, --json) with `choice`'s
// threads; its hash must be poseidon252. Throws FrontendError with a one-line reason.
int CompressFinalAndWrite(const CompressInputs& in, const ProofChoice& choice,
                          const Options& options);

// Prints "valid" and the statements (exit 0) or "invalid" and the reason (exit 1).
int VerifyFinalProofFile(const std::vector<frontend::QuantizedModel>& models,
                         const std::vector<std::string>& model_paths,
                         const frontend::CompressedProofFile& file, uint32_t min_security_bits,
                         bool json);

}  // namespace tensorstark::cli
