#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "frontend/compile.h"
#include "frontend/input_file.h"
#include "frontend/model_recursion.h"
#include "frontend/quantized_eval.h"
#include "hash/blake2s_channel.h"
#include "hash/blake2s_merkle_hasher.h"

namespace tensorstark::frontend {
namespace {

using field::M31;
using OuterChannel = hash::Blake2sChannel;
using OuterHasher = hash::Blake2sMerkleHasher;
using InnerProof = air::StarkProof<InnerHasher>;
using OuterProof = air::StarkProof<OuterHasher>;

const air::ProofConfig kOuterConfig = air::ProfileConfig(air::Profile::kTest);

// An example model compiled with compile's defaults (private weights and input, zero knowledge)
// or everything public, its inner proof on its example input, and its compressed key.
struct Compressible {
  QuantizedModel model;
  std::unique_ptr<ModelAir> air;
  CompressedKey<OuterHasher> key;
  InnerProof inner;

  Compressible(const std::string& name, Visibility visibility) {
    const std::string dir = std::string(TENSORSTARK_EXAMPLES) + "/" + name;
    model = CompileOnnxModel(dir + "/model.onnx", dir + "/calibration.json");
    model.input_visibility = model.weights_visibility = visibility;
    air = std::make_unique<ModelAir>(model);
    auto key_or_error = SetupCompressed<OuterHasher>(
        *air, InnerProofConfig(air->RequiresZeroKnowledge()), kOuterConfig);
    if (auto* error = std::get_if<std::string>(&key_or_error)) FAIL(*error);
    key = std::get<CompressedKey<OuterHasher>>(std::move(key_or_error));
    const QuantizedRun run =
        RunQuantized(model, ReadInput(dir + "/input.json", FloatGraphOf(model)));
    ModelAir::Witness witness = air->GenerateWitness(run, key.inner.commitment);
    air::ProveOptions options;
    options.n_public_inputs = air->n_public_inputs();
    auto proof = air::Prove<InnerChannel, InnerHasher>(
        key.inner_config, air->components(), std::move(witness.traces),
        std::move(witness.public_inputs), options, &key.inner.key);
    if (auto* error = std::get_if<air::ProvingError>(&proof)) FAIL(air::ToString(*error));
    inner = std::get<InnerProof>(std::move(proof));
  }

  OuterProof Compress() const {
    auto outer = CompressProof<OuterChannel, OuterHasher>(key, inner);
    if (auto* error = std::get_if<std::string>(&outer)) FAIL(*error);
    return std::get<OuterProof>(std::move(outer));
  }
  std::optional<air::VerificationError> Verify(const OuterProof& outer) const {
    return VerifyCompressedProof<OuterChannel, OuterHasher>(*air, key, outer, 0);
  }
};

TEST_CASE("a model's compressed proof states the inner statement and verifies") {
  const Compressible tiny("tiny_mlp", Visibility::kPrivate);
  const OuterProof outer = tiny.Compress();
  CHECK(outer.public_inputs == tiny.inner.public_inputs);
  const auto error = tiny.Verify(outer);
  CHECK_MESSAGE(!error, air::ToString(*error));

  SUBCASE("a changed output is rejected") {
    OuterProof changed = outer;
    changed.public_inputs.back() += M31::One();
    CHECK(tiny.Verify(changed));
  }
  SUBCASE("an outer proof of one model is not one of another") {
    const Compressible public_tiny("tiny_mlp", Visibility::kPublic);
    const auto rejection = public_tiny.Verify(outer);
    REQUIRE(rejection);
  }
}

TEST_CASE("an inner proof the verifier rejects is not compressed") {
  Compressible tiny("tiny_mlp", Visibility::kPrivate);
  tiny.inner.claimed_sums[0] += field::QM31::One();
  auto outer = CompressProof<OuterChannel, OuterHasher>(tiny.key, tiny.inner);
  REQUIRE(std::holds_alternative<std::string>(outer));
  CHECK(std::get<std::string>(outer).find("the inner proof is invalid") != std::string::npos);
}

}  // namespace
}  // namespace tensorstark::frontend
