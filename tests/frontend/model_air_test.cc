// The compiled model as an AIR: fashion_mlp proves and verifies, its outputs come back from the
// proof, and the verifier rejects real proofs that claim another output, were made with other
// weights, or permute an intermediate tensor; a convolution's weights are committed once.
#include "frontend/model_air.h"

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <algorithm>
#include <utility>

#include "air/errors.h"
#include "air/framework.h"
#include "air/layout.h"
#include "air/linear_component.h"
#include "air/profiles.h"
#include "air/prover.h"
#include "frontend/compile.h"
#include "frontend/float_eval.h"
#include "frontend/input_file.h"
#include "frontend/quantized_eval.h"
#include "hash/blake2s_channel.h"
#include "hash/blake2s_merkle_hasher.h"

namespace tensorstark::frontend {
namespace {

using Channel = hash::Blake2sChannel;
using Hasher = hash::Blake2sMerkleHasher;
using Proof = air::StarkProof<Hasher>;

std::string ExampleDir(const std::string& name) {
  return std::string(TENSORSTARK_EXAMPLES) + "/" + name;
}

struct Example {
  QuantizedModel model;
  std::vector<Tensor> input;
  QuantizedRun run;
};

Example MlpExample() {
  const std::string dir = ExampleDir("fashion_mlp");
  Example e;
  e.model = CompileOnnxModel(dir + "/model.onnx", dir + "/calibration.json");
  e.input = ReadInput(dir + "/input.json", FloatGraphOf(e.model));
  e.run = RunQuantized(e.model, e.input);
  return e;
}

const air::ProofConfig kConfig = air::ProfileConfig(air::Profile::kTest);

// The commitment of a model under the test configuration.
ModelCommitment CommitmentOf(const ModelAir& air) {
  auto key = SetupModel<Hasher>(air, kConfig);
  if (auto* error = std::get_if<std::string>(&key)) FAIL(*error);
  return std::get<ModelKey<Hasher>>(key).commitment;
}

ModelAir::Witness WitnessOf(const ModelAir& air, const QuantizedRun& run,
                            const ModelAir::RescaleHook& hook = nullptr) {
  return air.GenerateWitness(run, CommitmentOf(air), {}, hook);
}

Proof ProveOrFail(const ModelAir& air, ModelAir::Witness witness, bool check = true) {
  air::ProveOptions options;
  options.check_constraints = check;
  options.n_public_inputs = air.n_public_inputs();
  auto result = air::Prove<Channel, Hasher>(kConfig, air.components(), std::move(witness.traces),
                                            std::move(witness.public_inputs), options);
  if (auto* error = std::get_if<air::ProvingError>(&result)) FAIL(air::ToString(*error));
  return std::get<Proof>(std::move(result));
}

// Verification against the model behind `air`, as `tensorstark verify` does it.
std::optional<air::VerificationError> VerifyAgainst(const ModelAir& air, const Proof& proof) {
  return VerifyModelProof<Channel, Hasher>(air, proof, 0);
}

TEST_CASE("fashion_mlp proves and verifies; its outputs come back from the proof") {
  const Example e = MlpExample();
  const ModelAir air(e.model);
  const Proof proof = ProveOrFail(air, WitnessOf(air, e.run));
  const auto error = VerifyAgainst(air, proof);
  CHECK_MESSAGE(!error, (error ? error->message : ""));
  CHECK(air.Outputs(proof.public_inputs)[0].values == e.run.outputs[0].values);
}

TEST_CASE("fashion_mlp proves with both trace shapes, narrow with far fewer columns") {
  Example e = MlpExample();
  size_t columns[2];
  for (const TraceShape trace_shape : {TraceShape::kWide, TraceShape::kNarrow}) {
    CAPTURE(TraceShapeName(trace_shape));
    e.model.trace_shape = trace_shape;
    const ModelAir air(e.model);
    const Proof proof = ProveOrFail(air, WitnessOf(air, e.run));
    const auto error = VerifyAgainst(air, proof);
    CHECK_MESSAGE(!error, (error ? error->message : ""));
    CHECK(air.Outputs(proof.public_inputs)[0].values == e.run.outputs[0].values);
    columns[static_cast<int>(trace_shape)] = 0;
    for (const auto& tree : proof.pcs.sampled_values) {
      columns[static_cast<int>(trace_shape)] += tree.size();
    }
  }
  MESSAGE(fmt::format("fashion_mlp: {} columns wide, {} narrow", columns[0], columns[1]));
  CHECK(columns[1] * 10 < columns[0]);
}

TEST_CASE("fashion_lenet, pinn, a layer normalization and grouped convolutions prove and verify") {
  for (const std::string& dir :
       std::vector<std::string>{ExampleDir("fashion_lenet"), ExampleDir("pinn"),
                                std::string(TENSORSTARK_FRONTEND_TESTS) + "/data/layer_norm",
                                std::string(TENSORSTARK_FRONTEND_TESTS) + "/data/grouped_conv"}) {
    CAPTURE(dir);
    const QuantizedModel model = CompileOnnxModel(dir + "/model.onnx", dir + "/calibration.json");
    const std::vector<Tensor> input = ReadInput(dir + "/input.json", FloatGraphOf(model));
    const QuantizedRun run = RunQuantized(model, input);
    const ModelAir air(model);
    const Proof proof = ProveOrFail(air, WitnessOf(air, run));
    const auto error = VerifyAgainst(air, proof);
    CHECK_MESSAGE(!error, (error ? error->message : ""));
    // The proved outputs are the quantized model's, close to float inference.
    const Tensor proved = air.Outputs(proof.public_inputs)[0];
    CHECK(proved.values == run.outputs[0].values);
    const Tensor want = RunFloat(FloatGraphOf(model), input)[0];
    for (int64_t i = 0; i < want.size(); ++i) {
      CHECK(proved.values[i] == doctest::Approx(want.values[i]).epsilon(0.02).scale(1));
    }
  }
}

TEST_CASE("a proof claiming another output is rejected") {
  const Example e = MlpExample();
  const ModelAir air(e.model);
  ModelAir::Witness witness = WitnessOf(air, e.run);
  // The prover states output 3 one step higher than computed: the public LogUp term the verifier
  // adds for it no longer cancels the component's.
  witness.public_inputs[8 + 784 + 3] += field::M31::One();
  const Proof proof = ProveOrFail(air, std::move(witness));
  const auto error = VerifyAgainst(air, proof);
  REQUIRE(error);
  CHECK(error->kind == air::VerificationError::Kind::kClaimedSumsNotZero);
}

TEST_CASE("a proof for another input, or for an input outside the compiled range, is rejected") {
  const Example e = MlpExample();
  const ModelAir air(e.model);
  // Another input in the statement than the one the trace read.
  ModelAir::Witness witness = WitnessOf(air, e.run);
  witness.public_inputs[8 + 100] += field::M31::One();
  auto error = VerifyAgainst(air, ProveOrFail(air, std::move(witness)));
  REQUIRE(error);
  CHECK(error->kind == air::VerificationError::Kind::kClaimedSumsNotZero);
  // An input far outside its tensor's bound, with the trace built from it: every constraint
  // holds, but the accumulators' no-wrap bound assumed inputs in range.
  QuantizedRun huge = e.run;
  huge.values[e.model.inputs[0]][100] = int64_t{1} << 24;
  error = VerifyAgainst(air, ProveOrFail(air, WitnessOf(air, huge), /*check=*/false));
  REQUIRE(error);
  CHECK(error->kind == air::VerificationError::Kind::kStatementMismatch);
  CHECK(error->message.find("outside the range") != std::string::npos);
}

TEST_CASE("a proof made with other weights does not verify against the model") {
  const Example e = MlpExample();
  QuantizedModel other = e.model;
  std::get<LinearOp>(other.ops[1]).weights[5] += 1;
  const ModelAir other_air(other);
  const Proof proof = ProveOrFail(other_air, WitnessOf(other_air, RunQuantized(other, e.input)));
  CHECK(!VerifyAgainst(other_air, proof));  // valid for the other model
  const ModelAir air(e.model);
  const auto error = VerifyAgainst(air, proof);
  REQUIRE(error);
  CHECK(error->kind == air::VerificationError::Kind::kStatementMismatch);
}

TEST_CASE("the model commitment changes with anything the AIR depends on") {
  const Example e = MlpExample();
  const ModelCommitment commitment = CommitmentOf(ModelAir(e.model));
  // Same weights, bias and addresses (the same preprocessed columns), another rescale: only the
  // constraints differ.
  QuantizedModel other_shift = e.model;
  std::get<LinearOp>(other_shift.ops[1]).shift -= 1;
  CHECK(CommitmentOf(ModelAir(other_shift)) != commitment);
  // Another bound on an input changes what the verifier accepts.
  QuantizedModel other_bound = e.model;
  other_bound.tensors[other_bound.inputs[0]].bound_bits -= 1;
  CHECK(CommitmentOf(ModelAir(other_bound)) != commitment);
}

TEST_CASE("a convolution's weights are committed once, not once per output position") {
  const std::string dir = ExampleDir("fashion_lenet");
  QuantizedModel model = CompileOnnxModel(dir + "/model.onnx", dir + "/calibration.json");
  for (const TraceShape trace_shape : {TraceShape::kWide, TraceShape::kNarrow}) {
    CAPTURE(TraceShapeName(trace_shape));
    model.trace_shape = trace_shape;
    const ModelAir air(model);
    const std::vector<const air::Component*> components = air.components();
    auto layout = air::MakeLayout(components, kConfig);
    REQUIRE(std::holds_alternative<air::AirLayout>(layout));
    // The first convolution: 24×24 positions (padded to 1024) of equally many rows each.
    const auto* conv =
        dynamic_cast<const air::FrameworkComponent<air::LinearComponent>*>(components[0]);
    REQUIRE(conv != nullptr);
    const air::LinearComponentShape& shape = conv->eval().shape();
    const size_t rows_per_position = (size_t{1} << conv->log_size()) / 1024;
    // Its weight columns hold one position's rows (at least the 16 rows of the smallest
    // column), so what is committed does not grow with the positions; every other column has a
    // value per row.
    const air::ComponentLayout& c = std::get<air::AirLayout>(layout).components[0];
    size_t weight_columns = 0;
    for (size_t j = 0; j < c.preprocessed.size(); ++j) {
      const uint32_t log_size = c.info.preprocessed_columns[j].log_size;
      if (log_size == conv->log_size()) continue;
      ++weight_columns;
      CHECK((size_t{1} << log_size) == std::max<size_t>(16, rows_per_position));
    }
    CHECK(weight_columns == shape.inputs_per_row * shape.cols);
  }
}

TEST_CASE("permuting two elements of an intermediate tensor is rejected") {
  Example e = MlpExample();
  const ModelAir air(e.model);
  // The hidden layer's elements 0 and 1, swapped where the second layer reads them: each read
  // still names its address, so the tensor relation no longer cancels.
  const TensorId hidden = std::get<LinearOp>(e.model.ops[0]).out;
  REQUIRE(e.run.values[hidden][0] != e.run.values[hidden][1]);
  QuantizedRun swapped = e.run;
  std::swap(swapped.values[hidden][0], swapped.values[hidden][1]);
  ModelAir::Witness honest = WitnessOf(air, e.run);
  ModelAir::Witness witness = WitnessOf(air, swapped);
  // Only the second layer's trace (which reads the hidden tensor) takes the swapped values.
  witness.traces[0] = std::move(honest.traces[0]);
  const Proof proof = ProveOrFail(air, std::move(witness), /*check=*/false);
  const auto error = VerifyAgainst(air, proof);
  REQUIRE(error);
  CHECK(error->kind == air::VerificationError::Kind::kClaimedSumsNotZero);
}

TEST_CASE("a rescale remainder outside its range is rejected") {
  const Example e = MlpExample();
  const ModelAir air(e.model);
  const LinearOp& hidden = std::get<LinearOp>(e.model.ops[0]);
  // A hidden unit the ReLU zeroes: q - 1 keeps its output at 0, and q·2^shift + r stays the
  // accumulator with r + 2^shift, one full step above the remainder's range. Every other check
  // still holds; the range check's lookup of r + 2^16 - 2^shift has no table entry.
  int64_t element = -1;
  for (int64_t i = 0; i < hidden.cols && element < 0; ++i) {
    if (e.run.values[hidden.out][i] == 0) element = i;
  }
  REQUIRE(element >= 0);
  bool tampered = false;
  const auto cheat = [&](size_t component, int64_t index, int64_t& q, int64_t& r) {
    if (component != 0 || index != element) return;
    REQUIRE(q < 0);
    q -= 1;
    r += int64_t{1} << hidden.shift;
    tampered = true;
  };
  const Proof proof = ProveOrFail(air, WitnessOf(air, e.run, cheat));
  REQUIRE(tampered);
  const auto error = VerifyAgainst(air, proof);
  REQUIRE(error);
  CHECK(error->kind == air::VerificationError::Kind::kClaimedSumsNotZero);
}

}  // namespace
}  // namespace tensorstark::frontend
