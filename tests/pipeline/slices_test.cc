// A model cut into slices (frontend/slices.h), proved slice by slice and verified as one
// (pipeline/sliced_proof.h, through api/prove.h): the whole states what the unsliced model states,
// and a chain broken anywhere is refused.
#include "frontend/slices.h"

#include <doctest/doctest.h>

#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "air/proof_io.h"
#include "api/prove.h"
#include "frontend/compile.h"
#include "frontend/float_eval.h"
#include "frontend/input_file.h"
#include "frontend/model_air.h"
#include "frontend/quantized_eval.h"
#include "frontend/split_operators.h"
#include "hash/blake2s_merkle_hasher.h"
#include "pipeline/slice_plan.h"
#include "pipeline/sliced_proof.h"

namespace tensorstark::pipeline {
namespace {

using field::M31;
using frontend::QuantizedModel;
using frontend::Tensor;

const std::string kPinn = std::string(TENSORSTARK_EXAMPLES) + "/pinn";

// pinn (5 operators) with compile's defaults: private inputs and weights, public outputs.
QuantizedModel Pinn(std::vector<size_t> slice_starts) {
  QuantizedModel model =
      frontend::CompileOnnxModel(kPinn + "/model.onnx", kPinn + "/calibration.json");
  model.input_visibility = frontend::Visibility::kPrivate;
  model.weights_visibility = frontend::Visibility::kPrivate;
  model.slice_starts = std::move(slice_starts);
  return model;
}

std::vector<Tensor> Input(double shift = 0) {
  const QuantizedModel model = Pinn({});
  std::vector<Tensor> input =
      frontend::ReadInput(kPinn + "/input.json", frontend::FloatGraphOf(model));
  for (auto& v : input[0].values) v += shift;
  return input;
}

api::VerifyOptions NoCache() {
  api::VerifyOptions options;
  options.key_cache = false;
  return options;
}

api::ProvedModel Prove(const QuantizedModel& model, const std::vector<Tensor>& input) {
  return api::ProveModel(model, input, {});
}

std::optional<std::string> Rejection(const QuantizedModel& model, std::span<const uint8_t> proof) {
  return api::VerifyProof(model, std::nullopt, proof, NoCache()).rejection;
}

std::vector<std::vector<uint8_t>> SlicesOf(std::span<const uint8_t> proof) {
  const auto read = ReadSlicedProof(proof);
  std::vector<std::vector<uint8_t>> slices;
  for (std::span<const uint8_t> slice : std::get<0>(read)) {
    slices.emplace_back(slice.begin(), slice.end());
  }
  return slices;
}

TEST_CASE("a model cut into three slices states what the whole model states, and verifies") {
  const QuantizedModel whole = Pinn({});
  const QuantizedModel sliced = Pinn({2, 4});
  REQUIRE(frontend::SliceCount(sliced) == 3);
  // Each crossing is one tensor here; the model's input crosses no cut (only the first reads it).
  CHECK(frontend::CrossingTensors(sliced, 2).size() == 1);
  // The middle slice's private inputs (the tensor crossing its first cut and both cuts' salts)
  // are of one range, and share one component.
  const frontend::ModelAir middle(frontend::SliceOf(sliced, 1).model);
  std::vector<std::string> private_values;
  for (const air::Component* component : middle.components()) {
    if (component->name().starts_with("input_")) private_values.push_back(component->name());
  }
  CHECK(private_values.size() == 1);
  const api::ProvedModel proved = Prove(sliced, Input());
  const api::ProvedModel unsliced = Prove(whole, Input());
  CHECK(IsSlicedProof(proved.proof));
  CHECK(proved.n_slices == 3);
  CHECK(proved.weights_digests.size() == 3);
  CHECK(proved.config.zk);
  // The same outputs, in a statement of the same layout, under another commitment.
  CHECK(proved.run.outputs[0].values == unsliced.run.outputs[0].values);
  REQUIRE(proved.statement.size() == unsliced.statement.size());
  CHECK(std::equal(proved.statement.begin() + 8, proved.statement.end(),
                   unsliced.statement.begin() + 8));
  CHECK(proved.commitment != unsliced.commitment);
  CHECK(proved.layout->Outputs(proved.statement)[0].values == proved.run.outputs[0].values);

  const api::VerifiedProof verified =
      api::VerifyProof(sliced, std::nullopt, proved.proof, NoCache());
  REQUIRE(!verified.rejection);
  CHECK(verified.statement == proved.statement);
  CHECK(verified.weights_digests == proved.weights_digests);
  // What verifiers hold: the model without its weights, each slice's digest in their place.
  const QuantizedModel verifying = frontend::WithoutWeights(sliced, [&] {
    std::vector<std::array<uint32_t, 8>> digests;
    for (const auto& digest : proved.weights_digests) {
      std::array<uint32_t, 8> words;
      for (size_t i = 0; i < 8; ++i) words[i] = digest[i].value();
      digests.push_back(words);
    }
    return digests;
  }());
  CHECK(!Rejection(verifying, proved.proof));
  // A proof of the unsliced model is not one of the sliced model, nor the reverse.
  CHECK(Rejection(sliced, unsliced.proof));
  CHECK(Rejection(whole, proved.proof));
  // The whole has no AIR (compress, calldata and inspect lower a model whole), nor has its
  // verifying model, whose weights it holds as digests only.
  for (const QuantizedModel* m : {&sliced, &verifying}) {
    CHECK_THROWS_WITH_AS(frontend::ModelAir{*m}, doctest::Contains("is proved in 3 slices"),
                         frontend::FrontendError);
  }
}

TEST_CASE("a sliced model with public inputs and weights states its inputs in the first slice") {
  QuantizedModel model = Pinn({3});
  model.input_visibility = frontend::Visibility::kPublic;
  model.weights_visibility = frontend::Visibility::kPublic;
  QuantizedModel whole = model;
  whole.slice_starts.clear();
  const api::ProvedModel proved = Prove(model, Input());
  const api::ProvedModel unsliced = Prove(whole, Input());
  CHECK(proved.config.zk);  // the links are private
  CHECK(!unsliced.config.zk);
  CHECK(proved.weights_digests.empty());
  REQUIRE(proved.statement.size() == unsliced.statement.size());
  CHECK(std::equal(proved.statement.begin() + 8, proved.statement.end(),
                   unsliced.statement.begin() + 8));
  const api::VerifiedProof verified =
      api::VerifyProof(model, std::nullopt, proved.proof, NoCache());
  REQUIRE(!verified.rejection);
  const auto stated = verified.layout->Statement(verified.statement);
  REQUIRE(stated.size() == 2);
  CHECK(stated[0].is_input);
  CHECK(stated[0].values.values == unsliced.layout->Statement(unsliced.statement)[0].values.values);
}

TEST_CASE("a broken chain of slices is refused, each where it breaks") {
  const QuantizedModel model = Pinn({2, 4});
  const api::ProvedModel proved = Prove(model, Input());
  const std::vector<std::vector<uint8_t>> slices = SlicesOf(proved.proof);
  REQUIRE(slices.size() == 3);
  const auto with = [&](size_t k, std::vector<uint8_t> replacement) {
    std::vector<std::vector<uint8_t>> changed = slices;
    changed[k] = std::move(replacement);
    return WriteSlicedProof(changed);
  };
  REQUIRE(!Rejection(model, WriteSlicedProof(slices)));

  SUBCASE("a slice proved on another input") {
    const std::vector<std::vector<uint8_t>> other = SlicesOf(Prove(model, Input(0.25)).proof);
    const auto rejection = Rejection(model, with(1, other[1]));
    REQUIRE(rejection);
    CHECK(rejection->find("slices 1 and 2 do not meet") != std::string::npos);
  }
  SUBCASE("a slice of another proof on the same input: its salts differ") {
    const std::vector<std::vector<uint8_t>> other = SlicesOf(Prove(model, Input()).proof);
    const auto rejection = Rejection(model, with(2, other[2]));
    REQUIRE(rejection);
    CHECK(rejection->find("slices 2 and 3 do not meet") != std::string::npos);
  }
  SUBCASE("two slices swapped") {
    std::vector<std::vector<uint8_t>> swapped = slices;
    std::swap(swapped[1], swapped[2]);
    const auto rejection = Rejection(model, WriteSlicedProof(swapped));
    REQUIRE(rejection);
    CHECK(rejection->find("slice 2 of 3") != std::string::npos);
  }
  SUBCASE("a slice of a model cut elsewhere") {
    const QuantizedModel other_model = Pinn({1, 4});
    const std::vector<std::vector<uint8_t>> other = SlicesOf(Prove(other_model, Input()).proof);
    const auto rejection = Rejection(model, with(0, other[0]));
    REQUIRE(rejection);
    CHECK(rejection->find("slice 1 of 3") != std::string::npos);
    CHECK(rejection->find("not this model") != std::string::npos);
  }
  SUBCASE("a link's digest changed in a slice's statement") {
    using Hasher = hash::Blake2sMerkleHasher;
    auto proof = std::get<air::StarkProof<Hasher>>(air::ParseProof<Hasher>(slices[1]));
    const frontend::ModelSlice slice = frontend::SliceOf(model, 1);
    const frontend::StatementLayout layout(slice.model);
    proof.public_inputs[layout.parts().back().first] += M31::One();  // the link out
    const auto rejection = Rejection(model, with(1, air::SerializeProof(proof)));
    REQUIRE(rejection);
    CHECK(rejection->find("slice 2 of 3") != std::string::npos);
  }
  SUBCASE("a slice missing") {
    std::vector<std::vector<uint8_t>> two = {slices[0], slices[2]};
    const auto rejection = Rejection(model, WriteSlicedProof(two));
    REQUIRE(rejection);
    CHECK(rejection->find("the proof has 2 slices, the model 3") != std::string::npos);
  }
}

// The planner against an estimate of one budget per 2 operators: pinn's 5 operators become slices
// of 2, 2 and 1, each as long as the budget allows, and no candidate it lowers on the way is
// longer than twice a slice (it grows a candidate by doubling, then bisects).
TEST_CASE("compile's planner makes each slice as long as the budget allows, from few candidates") {
  QuantizedModel model = Pinn({});
  REQUIRE(model.ops.size() == 5);
  constexpr uint64_t kPerOperator = 1000;
  const SliceMemoryEstimate operators = [&](const frontend::ModelAir& air) {
    return air.model().ops.size() * kPerOperator;
  };
  std::vector<std::pair<size_t, size_t>> candidates;
  PlanSlices(model, 2 * kPerOperator, operators,
             [&](size_t first, size_t end) { candidates.emplace_back(first, end); });
  CHECK(model.slice_starts == std::vector<size_t>{2, 4});
  REQUIRE(!candidates.empty());
  CHECK(candidates.front() == std::pair<size_t, size_t>{0, 5});  // does the whole fit?
  for (size_t i = 1; i < candidates.size(); ++i) {
    CAPTURE(candidates[i].first);
    CHECK(candidates[i].second - candidates[i].first <= 4);
  }
  // A budget the whole model fits leaves it one slice.
  QuantizedModel whole = Pinn({});
  PlanSlices(whole, 5 * kPerOperator, operators, nullptr);
  CHECK(whole.slice_starts.empty());
}

TEST_CASE("an operator split into parts computes what it computed, by rows or by columns") {
  const std::string lenet = std::string(TENSORSTARK_EXAMPLES) + "/fashion_lenet";
  const QuantizedModel model =
      frontend::CompileOnnxModel(lenet + "/model.onnx", lenet + "/calibration.json");
  const std::vector<Tensor> input =
      frontend::ReadInput(lenet + "/input.json", frontend::FloatGraphOf(model));
  const std::vector<Tensor> outputs = frontend::RunQuantized(model, input).outputs;
  bool by_rows = false, by_columns = false;
  for (size_t op = 0; op + 1 < model.ops.size(); ++op) {
    CAPTURE(op);
    const QuantizedModel split = frontend::SplitOperator(model, op, 3);
    CHECK(split.ops.size() == model.ops.size() + 2);
    if (const auto* linear = std::get_if<frontend::LinearOp>(&model.ops[op])) {
      const auto& part = std::get<frontend::LinearOp>(split.ops[op]);
      by_rows = by_rows || part.rows < linear->rows;
      by_columns = by_columns || part.cols < linear->cols;
    }
    CHECK(frontend::RunQuantized(split, input).outputs[0].values == outputs[0].values);
  }
  CHECK(by_rows);     // the convolutions: many output positions
  CHECK(by_columns);  // the fully connected layers: one row
  // A model output's operator is not split: its parts would be several tensors.
  CHECK_THROWS_WITH_AS(frontend::SplitOperator(model, model.ops.size() - 1, 2),
                       doctest::Contains("is a model output"), frontend::FrontendError);
  // Split, and cut between a convolution's parts: it proves and verifies to the same outputs.
  QuantizedModel cut = frontend::SplitOperator(model, 0, 2);
  cut.slice_starts = {1};
  const api::ProvedModel proved = Prove(cut, input);
  CHECK(proved.run.outputs[0].values == outputs[0].values);
  CHECK(!Rejection(cut, proved.proof));
}

TEST_CASE("a sliced proof file that does not read is refused with why") {
  const std::vector<std::vector<uint8_t>> one = {{1, 2, 3}};
  CHECK(std::get<std::string>(ReadSlicedProof(WriteSlicedProof(one))).find("of 1 slices") !=
        std::string::npos);
  std::vector<uint8_t> truncated = WriteSlicedProof(std::vector<std::vector<uint8_t>>{{1}, {2}});
  truncated.pop_back();
  CHECK(std::get<std::string>(ReadSlicedProof(truncated)).find("truncated") != std::string::npos);
  CHECK(!IsSlicedProof(std::vector<uint8_t>{'T', 'S', 'P', 'F'}));
}

}  // namespace
}  // namespace tensorstark::pipeline
