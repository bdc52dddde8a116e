// Private model inputs (compile --visibility input=private, air/private_input_component.h): the
// statement holds the commitment and the outputs only, the proof (zero-knowledge, as `prove` makes
// it) verifies and gives the outputs, the commitment differs from the model with public inputs,
// and a private input outside the range the model was compiled for is rejected.
#include <doctest/doctest.h>

#include <algorithm>
#include <bit>
#include <utility>

#include "air/errors.h"
#include "air/profiles.h"
#include "air/prover.h"
#include "frontend/compile.h"
#include "frontend/float_eval.h"
#include "frontend/frontend_error.h"
#include "frontend/input_file.h"
#include "frontend/model_air.h"
#include "frontend/quantized_eval.h"
#include "hash/blake2s_channel.h"
#include "hash/blake2s_merkle_hasher.h"

namespace tensorstark::frontend {
namespace {

using Channel = hash::Blake2sChannel;
using Hasher = hash::Blake2sMerkleHasher;
using Proof = air::StarkProof<Hasher>;

air::ProofConfig ZkConfig() {
  air::ProofConfig config = air::ProfileConfig(air::Profile::kTest);
  config.zk = true;
  return config;
}

struct Example {
  QuantizedModel model;
  QuantizedRun run;
};

// fashion_mlp, its inputs private.
Example PrivateMlp() {
  const std::string dir = std::string(TENSORSTARK_EXAMPLES) + "/fashion_mlp";
  Example e;
  e.model = CompileOnnxModel(dir + "/model.onnx", dir + "/calibration.json");
  e.model.input_visibility = Visibility::kPrivate;
  e.run = RunQuantized(e.model, ReadInput(dir + "/input.json", FloatGraphOf(e.model)));
  return e;
}

ModelCommitment CommitmentOf(const ModelAir& air) {
  auto key = SetupModel<Hasher>(air, ZkConfig());
  if (auto* error = std::get_if<std::string>(&key)) FAIL(*error);
  return std::get<ModelKey<Hasher>>(key).commitment;
}

// A zero-knowledge proof of `run` against `air` (with the self-check unless `check` is false).
Proof ProveOrFail(const ModelAir& air, const QuantizedRun& run, bool check = true) {
  ModelAir::Witness witness = air.GenerateWitness(run, CommitmentOf(air));
  air::ProveOptions options;
  options.check_constraints = check;
  options.n_public_inputs = air.n_public_inputs();
  options.zk_seed = hash::RandomSeed{7};
  auto result = air::Prove<Channel, Hasher>(ZkConfig(), air.components(), std::move(witness.traces),
                                            std::move(witness.public_inputs), options);
  if (auto* error = std::get_if<air::ProvingError>(&result)) FAIL(air::ToString(*error));
  return std::get<Proof>(std::move(result));
}

TEST_CASE("a model with private inputs states only its outputs, and its proof verifies") {
  const Example e = PrivateMlp();
  const ModelAir air(e.model);
  const int64_t n_outputs = e.model.tensor(e.model.outputs[0]).size();
  CHECK(air.n_public_inputs() == 8 + static_cast<size_t>(n_outputs));
  CHECK(air.InputRanges().empty());
  const Proof proof = ProveOrFail(air, e.run);
  CHECK(proof.public_inputs.size() == air.n_public_inputs());
  const auto error = VerifyModelProof<Channel, Hasher>(air, proof, 0);
  CHECK_MESSAGE(!error, (error ? error->message : ""));
  CHECK(air.Outputs(proof.public_inputs)[0].values == e.run.outputs[0].values);

  // The same model with public inputs is another AIR, with another commitment.
  QuantizedModel stated = e.model;
  stated.input_visibility = Visibility::kPublic;
  CHECK(CommitmentOf(ModelAir(stated)) != CommitmentOf(air));
}

TEST_CASE("a private input outside the range the model was compiled for is rejected") {
  const Example e = PrivateMlp();
  // The model compiled for inputs below 2^k, the largest power of two the largest input reaches:
  // that input is just outside.
  QuantizedModel narrower = e.model;
  const std::vector<int64_t>& values = e.run.values[narrower.inputs[0]];
  const int64_t largest = *std::max_element(values.begin(), values.end());
  REQUIRE(largest > 0);
  narrower.tensors[narrower.inputs[0]].bound_bits =
      static_cast<int>(std::bit_width(static_cast<uint64_t>(largest))) - 1;
  const ModelAir air(narrower);
  const Proof proof = ProveOrFail(air, e.run, /*check=*/false);
  const auto error = VerifyModelProof<Channel, Hasher>(air, proof, 0);
  REQUIRE(error);
  CHECK(error->kind == air::VerificationError::Kind::kClaimedSumsNotZero);
}

TEST_CASE("a private input must fit the range check") {
  Example e = PrivateMlp();
  e.model.tensors[e.model.inputs[0]].bound_bits = 16;
  CHECK_THROWS_WITH_AS(ModelAir(e.model), doctest::Contains("more than a private input can have"),
                       FrontendError);
}

}  // namespace
}  // namespace tensorstark::frontend
