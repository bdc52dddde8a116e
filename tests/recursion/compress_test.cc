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
using OuterProof = air::StarkProof<OuterHasher>;

const air::ProofConfig kOuterConfig = air::ProfileConfig(air::Profile::kTest);

// An example model compiled with compile's defaults (private weights and input, zero knowledge)
// or everything public, and its inner proof on its example input.
struct Example {
  QuantizedModel model;
  std::unique_ptr<ModelAir> air;
  InnerProof inner;

  Example(const std::string& name, Visibility visibility) {
    const std::string dir = std::string(TENSORSTARK_EXAMPLES) + "/" + name;
    model = CompileOnnxModel(dir + "/model.onnx", dir + "/calibration.json");
    model.input_visibility = model.weights_visibility = visibility;
    air = std::make_unique<ModelAir>(model);
    const air::ProofConfig config = InnerProofConfig(air->RequiresZeroKnowledge());
    auto key = SetupModel<InnerHasher>(*air, config);
    if (auto* error = std::get_if<std::string>(&key)) FAIL(*error);
    const ModelKey<InnerHasher>& model_key = std::get<ModelKey<InnerHasher>>(key);
    const QuantizedRun run =
        RunQuantized(model, ReadInput(dir + "/input.json", FloatGraphOf(model)));
    ModelAir::Witness witness = air->GenerateWitness(run, model_key.commitment);
    air::ProveOptions options;
    options.n_public_inputs = air->n_public_inputs();
    auto proof = air::Prove<InnerChannel, InnerHasher>(
        config, air->components(), std::move(witness.traces), std::move(witness.public_inputs),
        options, &model_key.key);
    if (auto* error = std::get_if<air::ProvingError>(&proof)) FAIL(air::ToString(*error));
    inner = std::get<InnerProof>(std::move(proof));
  }

  InnerSpec Spec(size_t model_index = 0) const { return {air.get(), model_index, inner.config.zk}; }
};

// Sized to fit: the standard class's padding would make every test prove 2^19 rows and more.
CompressedKey<OuterHasher> KeyOf(std::span<const InnerSpec> specs) {
  auto key = SetupCompressed<OuterHasher>(specs, kOuterConfig, OuterShape::kFit);
  if (auto* error = std::get_if<std::string>(&key)) FAIL(*error);
  return std::get<CompressedKey<OuterHasher>>(std::move(key));
}

OuterProof Compress(const CompressedKey<OuterHasher>& key, std::span<const InnerProof> inners) {
  auto outer = CompressProof<OuterChannel, OuterHasher>(key, inners);
  if (auto* error = std::get_if<std::string>(&outer)) FAIL(*error);
  return std::get<OuterProof>(std::move(outer));
}

std::optional<air::VerificationError> Verify(const CompressedKey<OuterHasher>& key,
                                             const OuterProof& outer) {
  return VerifyCompressedProof<OuterChannel, OuterHasher>(key, outer, 0);
}

TEST_CASE("a model's compressed proof states the inner statement and verifies") {
  const Example tiny("tiny_mlp", Visibility::kPrivate);
  const std::vector<InnerSpec> specs = {tiny.Spec()};
  const CompressedKey<OuterHasher> key = KeyOf(specs);
  const OuterProof outer = Compress(key, std::span(&tiny.inner, 1));
  CHECK(outer.public_inputs == tiny.inner.public_inputs);
  const auto error = Verify(key, outer);
  CHECK_MESSAGE(!error, air::ToString(*error));

  SUBCASE("a changed output is rejected") {
    OuterProof changed = outer;
    changed.public_inputs.back() += M31::One();
    CHECK(Verify(key, changed));
  }
  SUBCASE("an outer proof of one model is not one of another") {
    const Example public_tiny("tiny_mlp", Visibility::kPublic);
    const std::vector<InnerSpec> public_specs = {public_tiny.Spec()};
    REQUIRE(Verify(KeyOf(public_specs), outer));
  }
}

TEST_CASE("the verifying model (without the private weights) rebuilds the prover's circuit") {
  const Example tiny("tiny_mlp", Visibility::kPrivate);
  const QuantizedModel verifying_model = tiny.air->VerifyingModel();
  const ModelAir verifying(verifying_model);  // reads the model it is given, which must outlive it
  const std::vector<InnerSpec> prover_specs = {tiny.Spec()};
  const std::vector<InnerSpec> verifier_specs = {{&verifying, 0, tiny.inner.config.zk}};
  const CompressedKey<OuterHasher> prover = KeyOf(prover_specs);
  const CompressedKey<OuterHasher> verifier = KeyOf(verifier_specs);
  CHECK(prover.recursion->circuit().Digest().bytes == verifier.recursion->circuit().Digest().bytes);
  CHECK(prover.outer.verifying_key.preprocessed_root ==
        verifier.outer.verifying_key.preprocessed_root);
  CHECK(!Verify(verifier, Compress(prover, std::span(&tiny.inner, 1))));
}

TEST_CASE("an inner proof the verifier rejects is not compressed") {
  Example tiny("tiny_mlp", Visibility::kPrivate);
  tiny.inner.claimed_sums[0] += field::QM31::One();
  const std::vector<InnerSpec> specs = {tiny.Spec()};
  auto outer = CompressProof<OuterChannel, OuterHasher>(KeyOf(specs), std::span(&tiny.inner, 1));
  REQUIRE(std::holds_alternative<std::string>(outer));
  CHECK(std::get<std::string>(outer).find("the inner proof is invalid") != std::string::npos);
}

TEST_CASE("one outer proof of three inner proofs of two models: their statements in order") {
  const Example private_tiny("tiny_mlp", Visibility::kPrivate);
  const Example public_tiny("tiny_mlp", Visibility::kPublic);
  const std::vector<InnerSpec> specs = {private_tiny.Spec(0), public_tiny.Spec(1),
                                        private_tiny.Spec(0)};
  const std::vector<InnerProof> inners = {private_tiny.inner, public_tiny.inner,
                                          private_tiny.inner};
  const CompressedKey<OuterHasher> key = KeyOf(specs);
  // Members of one model share its keys.
  CHECK(key.members[0].key == key.members[2].key);
  const OuterProof outer = Compress(key, inners);
  std::vector<M31> statements;
  for (const InnerProof& inner : inners) {
    statements.insert(statements.end(), inner.public_inputs.begin(), inner.public_inputs.end());
  }
  CHECK(outer.public_inputs == statements);
  const auto error = Verify(key, outer);
  CHECK_MESSAGE(!error, air::ToString(*error));

  // The statements in another order are another statement.
  const std::vector<InnerSpec> swapped = {public_tiny.Spec(1), private_tiny.Spec(0),
                                          private_tiny.Spec(0)};
  CHECK(Verify(KeyOf(swapped), outer));
  // One invalid inner proof: nothing is compressed, and it is named.
  std::vector<InnerProof> with_invalid = inners;
  with_invalid[1].claimed_sums[0] += field::QM31::One();
  auto refused = CompressProof<OuterChannel, OuterHasher>(key, with_invalid);
  REQUIRE(std::holds_alternative<std::string>(refused));
  CHECK(std::get<std::string>(refused).find("the inner proof 2 is invalid") != std::string::npos);
}

}  // namespace
}  // namespace tensorstark::frontend
