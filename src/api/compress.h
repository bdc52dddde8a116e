// Compressing proofs of models and verifying compressed proofs (docs/recursion.md), as functions
// of values in memory: the outer proof that the verifier accepts each inner proof, or with the
// onchain profile the final proof of that outer proof, the one Starknet's verifier reads. The
// `compress` and `verify` commands and the Python module are their front ends.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "air/profiles.h"
#include "air/proof.h"
#include "api/verify_options.h"
#include "field/m31.h"
#include "frontend/model_air.h"
#include "frontend/quantized_model.h"
#include "pipeline/compressed_proof_file.h"
#include "pipeline/model_recursion.h"
#include "pipeline/starknet_fact.h"
#include "recursion/recursion_air.h"

namespace tensorstark::api {

// The models as the functions below take them (the caller keeps them).
inline std::vector<const frontend::QuantizedModel*> ModelPointers(
    const std::vector<frontend::QuantizedModel>& models) {
  std::vector<const frontend::QuantizedModel*> pointers;
  for (const frontend::QuantizedModel& model : models) pointers.push_back(&model);
  return pointers;
}

// An inner proof to compress: a proof file's bytes (profile recursive), of model `model` among
// those given; `name` (its path) names it in errors.
struct InnerProofInput {
  size_t model = 0;
  std::span<const uint8_t> proof;
  std::string name;
};

// The inner proof `bytes` hold, or a FrontendError naming `name` and what it is instead.
pipeline::InnerProof ParseInnerProof(std::string_view name, std::span<const uint8_t> bytes);

struct CompressRequest {
  // The outer proof's profile; onchain makes the final proof (an outer proof at the recursive
  // profile, then its verifier's proof hashed with poseidon252).
  air::Profile profile = air::Profile::kFast;
  air::HashId hash = air::HashId::kBlake2s;  // the profile's; a final proof's is poseidon252
  pipeline::OuterShape shape = pipeline::OuterShape::kStandard;
  // As each phase ends: its name and milliseconds (a final proof's prefixed "outer: ", "final: ").
  std::function<void(std::string_view phase, double ms)> on_phase;
  // A warning: the key cache's folder refused (api/verify_options.h).
  std::function<void(std::string_view warning)> on_warning;
};

// What a compressed or final proof states of one of its inferences (an inner proof, or a sliced
// model's proof).
struct StatedInference {
  size_t model = 0;             // its model's index among those given
  bool zero_knowledge = false;  // its inner proofs were
  // With private weights: their digest, one per slice.
  std::vector<std::array<field::M31, 8>> weights_digests;
};

// What a compressed or final proof states, and what identifies its verifying key.
struct CompressedStatement {
  // One per model given, of the whole model (it refers to the model, which the caller keeps).
  std::vector<std::unique_ptr<frontend::StatementLayout>> layouts;
  std::vector<StatedInference> inferences;  // in order
  pipeline::OuterKeyIdentity identity;
  pipeline::CompressedIds ids;
  std::vector<field::M31> statement;  // the proof's public inputs: the inferences' one after another
  air::ProofConfig config;            // the outer (or final) proof's
  // The least security of the proofs the statement rests on (its inner proofs', the outer
  // proof's, a final proof's own): what a fact is worth.
  uint32_t security_bits = 0;
  bool final = false;
  bool keys_from_cache = false;

  // Inference i's statement within `statement`, and its model's layout.
  std::vector<std::span<const field::M31>> Statements() const {
    return pipeline::SplitStatement(identity.members, statement);
  }
  const frontend::StatementLayout& LayoutOf(size_t i) const {
    return *layouts[inferences[i].model];
  }
  // Each inference's facts on Starknet (meaningful for a final proof).
  std::vector<pipeline::StarknetStatement> StarknetStatements() const {
    return pipeline::StarknetStatements(identity.members, ids.models, statement);
  }
};

struct CompressedModelProof {
  std::vector<uint8_t> file;  // the compressed proof file's bytes
  CompressedStatement stated;
  // The AIR proved (the outer proof's recursion AIR, or the final one's), with its circuit.
  std::unique_ptr<recursion::RecursionAir> recursion;
  size_t outer_circuit_gates = 0;  // a final proof's outer circuit's
  double grind_ms = 0;             // every prover's
};

// The compressed proof of `inners`, each of models[inner.model]; every model has one at least.
// Throws FrontendError with a one-line reason: an inner proof that is not of the recursive
// profile or that its verifier rejects, a hash the profile does not take.
CompressedModelProof CompressProofs(const std::vector<const frontend::QuantizedModel*>& models,
                                    std::span<const InnerProofInput> inners,
                                    const CompressRequest& request);

struct VerifiedCompressed {
  // Why the proof is invalid (one line), or nothing for a valid proof.
  std::optional<std::string> rejection;
  CompressedStatement stated;  // in full for a valid proof
  double parse_ms = 0, setup_ms = 0, check_ms = 0;
};

// Checks a compressed proof file against the models (or verifying models) its inner proofs are of,
// given in the order compress was (`model_names` name them in rejections), with the keys from the
// key cache or derived (and filed there, as `options` say). What the file states that would set
// the keys' size (its members, its configuration, its security, its statement's length) is
// checked before any key is derived. Throws FrontendError only for a model that cannot be
// lowered.
VerifiedCompressed VerifyCompressed(const std::vector<const frontend::QuantizedModel*>& models,
                                    const std::vector<std::string>& model_names,
                                    std::span<const uint8_t> file,
                                    const VerifyOptions& options = {});

// Why the models (named in this order) are not those a compressed proof file's inner proofs are
// of: one it names is missing, or one is of none of them.
std::optional<std::string> CheckFileModels(const pipeline::CompressedProofFile& file,
                                           const std::vector<std::string>& model_names);

// The models lowered for verifying, and a member spec per inner proof the file lists, in order
// (the models checked by CheckFileModels).
struct FileSpecs {
  std::vector<std::unique_ptr<frontend::ModelAir>> airs;  // one per model
  std::vector<pipeline::InnerSpec> specs;
};
FileSpecs SpecsOfFile(const std::vector<const frontend::QuantizedModel*>& models,
                      const pipeline::CompressedProofFile& file);

}  // namespace tensorstark::api
