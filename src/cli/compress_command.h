// `compress` (compiled models and inner proofs -> a compressed proof: the recursion AIR's proof
// that the verifier accepts each inner proof), and the verification of compressed proofs, which
// `verify` hands them to.
#pragma once

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "cli/hash_family.h"
#include "cli/options.h"
#include "field/felt252.h"
#include "frontend/compressed_proof_file.h"
#include "frontend/model_recursion.h"
#include "frontend/quantized_model.h"

namespace tensorstark::cli {

int RunCompressCommand(std::span<char* const> args);

// The models and inner proofs to compress, in order: each proof of the model spec.model.
struct CompressInputs {
  std::vector<frontend::QuantizedModel> models;
  std::vector<std::string> model_paths;
  std::vector<std::unique_ptr<frontend::ModelAir>> airs;  // one per model
  std::vector<frontend::InnerSpec> specs;                 // one per inner proof
  std::vector<frontend::InnerProof> inners;
  size_t inner_bytes = 0;
};

// Why the models (given in this order) are not those a compressed proof file's inner proofs are
// of: one it names is missing, or one is of none of them.
std::optional<std::string> CheckFileModels(const frontend::CompressedProofFile& file,
                                           const std::vector<std::string>& model_paths);

// The models' AIRs (lowered for verifying) and a spec per inner proof a compressed proof file
// lists, in order (the models checked by CheckFileModels).
struct FileSpecs {
  std::vector<std::unique_ptr<frontend::ModelAir>> airs;  // one per model
  std::vector<frontend::InnerSpec> specs;
};
FileSpecs SpecsOfFile(const std::vector<frontend::QuantizedModel>& models,
                      const frontend::CompressedProofFile& file);

// For --json: a recursion AIR's components (each one's name, log rows and rows holding gates), and
// a circuit's gates of each kind.
nlohmann::json ComponentsJson(const recursion::RecursionAir& air);
nlohmann::json GatesByKindJson(const recursion::Circuit& circuit);

// Proves the outer proof of `in` with the outer profile, hash and threads of `outer`, writes the
// compressed proof to options' --output, and prints as compress does (--json, --fit honoured).
// Throws FrontendError with a one-line reason.
int CompressAndWrite(const CompressInputs& in, const ProofChoice& outer, const Options& options);

// `verify` of a compressed proof file against the models its inner proofs are of (in the order
// compress was given them): prints "valid" and the statements (exit 0) or "invalid" and the
// reason (exit 1).
int VerifyCompressedProofFile(const std::vector<frontend::QuantizedModel>& models,
                              const std::vector<std::string>& model_paths,
                              std::span<const uint8_t> bytes, uint32_t min_security_bits, bool json,
                              const std::optional<field::Felt252>& verifier_class);

}  // namespace tensorstark::cli
