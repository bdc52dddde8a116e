// `compress` (compiled models and inner proofs -> a compressed proof: the recursion AIR's proof
// that the verifier accepts each inner proof), and the verification of compressed proofs, which
// `verify` hands them to.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "api/compress.h"
#include "api/verify_options.h"
#include "cli/hash_family.h"
#include "cli/options.h"
#include "field/felt252.h"
#include "frontend/quantized_model.h"
#include "pipeline/model_recursion.h"

namespace tensorstark::cli {

int RunCompressCommand(std::span<char* const> args);

// The models and inner proofs to compress, in order: each proof's bytes, path and model.
struct CompressInputs {
  std::vector<frontend::QuantizedModel> models;
  std::vector<std::string> model_paths;
  std::vector<std::vector<uint8_t>> proofs;
  std::vector<std::string> proof_paths;
  std::vector<size_t> proof_models;

  std::vector<api::InnerProofInput> Inners() const;  // referring to these bytes
};

// The models and proofs of a command line, each proof after its model (a file that is a proof or a
// sliced proof is a proof, any other a compiled model), or a one-line usage error. Throws
// FrontendError for a file that cannot be read or is neither.
std::variant<CompressInputs, std::string> ReadModelsAndProofs(std::span<const std::string> paths);

// Proves the outer proof of `in` with the outer profile, hash and threads of `outer` (onchain: the
// final proof), writes the compressed proof to options' --output, and prints as compress does
// (--json, --fit honoured). Throws FrontendError with a one-line reason.
int CompressAndWrite(const CompressInputs& in, const ProofChoice& outer, const Options& options);

// `verify` of a compressed proof file against the models its inner proofs are of (in the order
// compress was given them): prints "valid" and the statements, and for a final proof the facts
// Starknet's registry records for them (with `verifier_class`, the facts themselves) (exit 0), or
// "invalid" and the reason (exit 1).
int VerifyCompressedProofFile(const std::vector<frontend::QuantizedModel>& models,
                              const std::vector<std::string>& model_paths,
                              std::span<const uint8_t> bytes, api::VerifyOptions options, bool json,
                              const std::optional<field::Felt252>& verifier_class);

}  // namespace tensorstark::cli
