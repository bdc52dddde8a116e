#include "recursion/composition_circuit.h"

#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <vector>

#include "air/framework.h"
#include "air/profiles.h"
#include "air/range_table.h"
#include "examples/range_check/range_check.h"
#include "examples/wide_fib/wide_fib.h"
#include "frontend/compile.h"
#include "frontend/model_air.h"
#include "test_util.h"

namespace tensorstark::recursion {
namespace {

using air::Component;
using field::M31;
using field::QM31;

// Random inputs of the right shapes for an AIR: the composition is a function of them, so the
// circuit must compute the native value whatever they are.
struct CompositionInputs {
  std::vector<std::vector<std::vector<QM31>>> sampled_values;
  QM31 x, random_coeff;
  std::vector<M31> public_inputs;
  air::LookupElementsMap elements;
  std::vector<QM31> claimed_sums;
};

CompositionInputs RandomInputs(testing::Rng& rng, const air::AirLayout& layout,
                               size_t n_components) {
  CompositionInputs in;
  const auto oods = air::DrawnOodsSample(layout, rng.QM31());
  REQUIRE(oods);
  for (size_t tree = 0; tree < 3; ++tree) {
    auto& columns = in.sampled_values.emplace_back();
    for (const auto& points : oods->sample_points[tree]) {
      auto& samples = columns.emplace_back();
      for (size_t i = 0; i < points.size(); ++i) samples.push_back(rng.QM31());
    }
  }
  in.x = rng.QM31();
  in.random_coeff = rng.QM31();
  in.public_inputs.resize(layout.n_public_inputs);
  for (M31& v : in.public_inputs) v = rng.M31();
  for (const air::Relation& relation : layout.relations) {
    air::LookupElements& e = in.elements[relation.name];
    e.z = rng.QM31();
    e.alpha = rng.QM31();
    QM31 power = QM31::One();
    for (uint32_t i = 0; i < relation.n_values; ++i, power *= e.alpha)
      e.alpha_powers.push_back(power);
  }
  for (size_t i = 0; i < n_components; ++i) in.claimed_sums.push_back(rng.QM31());
  return in;
}

// The circuit's composition next to the native one, for two random input sets; the topology is
// the same for both.
void CheckComposition(std::span<const Component* const> components) {
  const auto layout_or_error =
      air::MakeLayout(components, air::ProfileConfig(air::Profile::kRecursive));
  REQUIRE(std::holds_alternative<air::AirLayout>(layout_or_error));
  const air::AirLayout& layout = std::get<air::AirLayout>(layout_or_error);
  std::vector<uint8_t> topology;
  for (uint64_t seed : {1, 2}) {
    testing::Rng rng(seed);
    const CompositionInputs in = RandomInputs(rng, layout, components.size());
    const QM31 native = air::CompositionAtPoint(
        components, layout, in.sampled_values, circle::CirclePoint<QM31>(in.x, QM31()),
        in.random_coeff, in.public_inputs, in.elements, in.claimed_sums);

    CircuitBuilder builder(true);
    auto guess = [&](QM31 v) { return builder.Guess(ValueType::kQM31, v); };
    SampledValueWires sampled;
    for (const auto& columns : in.sampled_values) {
      auto& column_wires = sampled.emplace_back();
      for (const auto& samples : columns) {
        auto& sample_wires = column_wires.emplace_back();
        for (const QM31& v : samples) sample_wires.push_back(guess(v));
      }
    }
    std::vector<Wire> public_inputs, claimed_sums;
    for (M31 v : in.public_inputs) public_inputs.push_back(builder.Guess(ValueType::kM31, QM31(v)));
    for (const QM31& v : in.claimed_sums) claimed_sums.push_back(guess(v));
    LookupElementWiresMap elements;
    for (const auto& [name, e] : in.elements) {
      air::LookupElementsOf<Wire>& wires = elements[name];
      wires.z = guess(e.z);
      wires.alpha = guess(e.alpha);
      for (const QM31& power : e.alpha_powers) wires.alpha_powers.push_back(guess(power));
    }
    const Wire composition =
        CompositionAtPoint(components, layout, sampled, guess(in.x), guess(in.random_coeff),
                           public_inputs, elements, claimed_sums);
    CHECK(composition.value() == native);
    CHECK(!builder.failure());
    const hash::Blake2sHash digest = builder.circuit().Digest();
    if (topology.empty()) topology.assign(digest.bytes.begin(), digest.bytes.end());
    CHECK(std::equal(topology.begin(), topology.end(), digest.bytes.begin()));
  }
}

TEST_CASE("the circuit's composition is the native one: wide Fibonacci and a LogUp range check") {
  examples::WideFibInstance fib = examples::MakeWideFib(6, /*n_columns=*/8);
  const air::FrameworkComponent<examples::WideFib> fib_component(std::move(fib.component));
  const std::vector<const Component*> fib_components = {&fib_component};
  CheckComposition(fib_components);

  examples::RangeCheckInstance range = examples::MakeRandomRangeCheck(6, 5, 3, /*seed=*/3);
  const air::FrameworkComponent<examples::RangeCheckedValues> values(std::move(range.values));
  const air::FrameworkComponent<air::RangeTable> table(std::move(range.table));
  const std::vector<const Component*> range_components = {&values, &table};
  CheckComposition(range_components);
}

TEST_CASE("the circuit's composition is the native one: an example model's AIRs") {
  // Public weights and input (linear components reading the preprocessed tree), then compile's
  // defaults (private weights and input: the tensor relation, range checks, the Poseidon2 sponge).
  const std::string dir = std::string(TENSORSTARK_EXAMPLES) + "/tiny_mlp";
  frontend::QuantizedModel model =
      frontend::CompileOnnxModel(dir + "/model.onnx", dir + "/calibration.json");
  for (const frontend::Visibility visibility :
       {frontend::Visibility::kPublic, frontend::Visibility::kPrivate}) {
    CAPTURE(frontend::VisibilityName(visibility));
    model.input_visibility = model.weights_visibility = visibility;
    const frontend::ModelAir air(model);
    CheckComposition(air.components());
  }
}

}  // namespace
}  // namespace tensorstark::recursion
