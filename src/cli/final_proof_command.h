// `compress --profile onchain`: the final proof of the inner proofs (frontend/final_proof.h), the
// one a Starknet contract verifies: an outer proof at the recursive profile (Poseidon2-M31), then
// the final circuit's proof in the narrow AIR at the onchain profile (Poseidon252). And its
// verification, which `verify` hands a compressed proof file marked final to.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cli/compress_command.h"
#include "field/felt252.h"
#include "frontend/compressed_proof_file.h"

namespace tensorstark::cli {

// Proves and writes the final proof of `in` (options: --output, --fit, --json) with `choice`'s
// threads; its hash must be poseidon252. Throws FrontendError with a one-line reason.
int CompressFinalAndWrite(const CompressInputs& in, const ProofChoice& choice,
                          const Options& options);

// Prints "valid", the statements and the facts Starknet's registry records for them (with
// `verifier_class`, the facts themselves) (exit 0), or "invalid" and the reason (exit 1).
int VerifyFinalProofFile(const std::vector<frontend::QuantizedModel>& models,
                         const std::vector<std::string>& model_paths,
                         const frontend::CompressedProofFile& file, uint32_t min_security_bits,
                         bool json, const std::optional<field::Felt252>& verifier_class);

}  // namespace tensorstark::cli
