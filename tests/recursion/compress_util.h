// Shared pieces of the compression tests: an example model compiled and proved with the recursive
// profile (the inner proof compress takes), and a fitted outer key at the test profile, with the
// outer proof and its verdict.
#pragma once

#include <doctest/doctest.h>

#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "frontend/compile.h"
#include "frontend/input_file.h"
#include "frontend/quantized_eval.h"
#include "hash/blake2s_channel.h"
#include "hash/blake2s_merkle_hasher.h"
#include "pipeline/model_recursion.h"

namespace tensorstark::pipeline::testing {

using frontend::CompileOnnxModel;
using frontend::FloatGraphOf;
using frontend::ModelAir;
using frontend::ModelKey;
using frontend::QuantizedModel;
using frontend::QuantizedRun;
using frontend::ReadInput;
using frontend::RunQuantized;
using frontend::SetupModel;
using frontend::Tensor;
using frontend::Visibility;

using OuterChannel = hash::Blake2sChannel;
using OuterHasher = hash::Blake2sMerkleHasher;
using OuterProof = air::StarkProof<OuterHasher>;

inline const air::ProofConfig kOuterConfig = air::ProfileConfig(air::Profile::kTest);

// An example model compiled with compile's defaults (private weights and input, zero knowledge)
// or everything public, and its inner proof on its example input (changed by `change_input`). The
// model the proof is of may be changed after the run (`change_model`), and the statement proved
// (`change_statement`: the words no constraint reads, the commitment and the context), as a
// prover that does not check the statement would. A model with a context states the felts
// 2^28 + i.
struct Example {
  QuantizedModel model;
  std::unique_ptr<ModelAir> air;
  InnerProof inner;

  Example(
      const std::string& name, Visibility visibility,
      const std::function<void(std::vector<Tensor>&)>& change_input = {},
      const std::function<void(QuantizedModel&)>& change_model = {},
      const std::function<void(const ModelAir&, std::vector<field::M31>&)>& change_statement = {}) {
    const std::string dir = std::string(TENSORSTARK_EXAMPLES) + "/" + name;
    model = CompileOnnxModel(dir + "/model.onnx", dir + "/calibration.json");
    model.input_visibility = model.weights_visibility = visibility;
    std::vector<Tensor> input = ReadInput(dir + "/input.json", FloatGraphOf(model));
    if (change_input) change_input(input);
    const QuantizedRun run = RunQuantized(model, input);
    if (change_model) change_model(model);
    air = std::make_unique<ModelAir>(model);
    const air::ProofConfig config = InnerProofConfig(air->RequiresZeroKnowledge());
    auto key = SetupModel<InnerHasher>(*air, config);
    if (auto* error = std::get_if<std::string>(&key)) FAIL(*error);
    const ModelKey<InnerHasher>& model_key = std::get<ModelKey<InnerHasher>>(key);
    std::vector<field::Felt252> context;
    for (size_t i = 0; i < model.context_felts; ++i) {
      context.push_back(field::Felt252::FromU64((uint64_t{1} << 28) + i));
    }
    ModelAir::Witness witness = air->GenerateWitness(run, model_key.commitment, context);
    if (change_statement) change_statement(*air, witness.public_inputs);
    air::ProveOptions options;
    options.n_public_inputs = air->n_public_inputs();
    // A fixed seed: the same inner proof, and so the same outer proof, on every run (the test
    // profile's proofs of work are a few bits, which a tampered proof would pass in some runs).
    options.zk_seed = hash::RandomSeed{5, 6, 7, 8};
    auto proof = air::Prove<InnerChannel, InnerHasher>(
        config, air->components(), std::move(witness.traces), std::move(witness.public_inputs),
        options, &model_key.key);
    if (auto* error = std::get_if<air::ProvingError>(&proof)) FAIL(air::ToString(*error));
    inner = std::get<InnerProof>(std::move(proof));
  }

  InnerSpec Spec(size_t model_index = 0) const { return {air.get(), model_index, inner.config.zk}; }
};

// Sized to fit: the standard class's padding would make every test prove 2^19 rows and more.
inline CompressedKey<OuterHasher> KeyOf(std::span<const InnerSpec> specs,
                                        KeyUse use = KeyUse::kProve,
                                        const KeyCache& cache = KeyCache::Disabled()) {
  auto key = SetupCompressed<OuterHasher>(specs, kOuterConfig, OuterShape::kFit, use, cache);
  if (auto* error = std::get_if<std::string>(&key)) FAIL(*error);
  return std::get<CompressedKey<OuterHasher>>(std::move(key));
}

inline OuterProof Compress(const CompressedKey<OuterHasher>& key,
                           std::span<const InnerProof> inners) {
  auto outer = CompressProof<OuterChannel, OuterHasher>(key, inners);
  if (auto* error = std::get_if<std::string>(&outer)) FAIL(*error);
  return std::get<OuterProof>(std::move(outer));
}

inline std::optional<air::VerificationError> Verify(const CompressedKey<OuterHasher>& key,
                                                    const OuterProof& outer) {
  return VerifyCompressedProof<OuterChannel, OuterHasher>(key, outer, 0);
}

}  // namespace tensorstark::pipeline::testing
