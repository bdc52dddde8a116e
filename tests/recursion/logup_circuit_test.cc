#include "recursion/logup_circuit.h"

#include <doctest/doctest.h>

#include <vector>

#include "air/framework.h"
#include "air/logup.h"
#include "air/profiles.h"
#include "air/range_table.h"
#include "examples/range_check/range_check.h"
#include "examples/wide_fib/wide_fib.h"
#include "hash/poseidon2_m31_channel.h"
#include "test_util.h"

namespace tensorstark::recursion {
namespace {

using field::M31;
using field::QM31;

// Wide Fibonacci (no relations) beside the LogUp range check (two components of one relation).
struct Air {
  examples::WideFibInstance fib = examples::MakeWideFib(5, /*n_columns=*/4);
  examples::RangeCheckInstance range = examples::MakeRandomRangeCheck(6, 5, 3, /*seed=*/3);
  air::FrameworkComponent<examples::WideFib> fib_component{std::move(fib.component)};
  air::FrameworkComponent<examples::RangeCheckedValues> values{std::move(range.values)};
  air::FrameworkComponent<air::RangeTable> table{std::move(range.table)};
  std::vector<const air::Component*> components = {&fib_component, &values, &table};
  air::AirLayout layout = std::get<air::AirLayout>(
      air::MakeLayout(components, air::ProfileConfig(air::Profile::kRecursive)));
};

TEST_CASE("the circuit draws the native lookup elements") {
  const Air air;
  REQUIRE(!air.layout.relations.empty());
  hash::Poseidon2M31Channel native;
  native.MixU64(7);
  const air::LookupElementsMap expected = air::DrawLookupElements(native, air.layout.relations);

  CircuitBuilder builder(true);
  CircuitChannel channel(builder);
  channel.MixU64Limbs({builder.Constant(QM31(M31::FromCanonical(7))),
                       builder.Constant(QM31::Zero()), builder.Constant(QM31::Zero())});
  const LookupElementWiresMap drawn = DrawLookupElements(channel, air.layout.relations);
  REQUIRE(drawn.size() == expected.size());
  for (const auto& [name, e] : expected) {
    const air::LookupElementsOf<Wire>& wires = drawn.at(name);
    CHECK(wires.z.value() == e.z);
    CHECK(wires.alpha.value() == e.alpha);
    REQUIRE(wires.alpha_powers.size() == e.alpha_powers.size());
    for (size_t i = 0; i < e.alpha_powers.size(); ++i) {
      CHECK(wires.alpha_powers[i].value() == e.alpha_powers[i]);
    }
  }
}

// Claimed sums that cancel with two public terms, or not: the circuit's verdict is the native one.
std::optional<std::string> CheckSums(const Air& air, QM31 fib_claim, QM31 tamper) {
  testing::Rng rng(9);
  air::LookupElementsMap elements;
  for (const air::Relation& relation : air.layout.relations) {
    air::LookupElements& e = elements[relation.name];
    e.z = rng.QM31();
    e.alpha = rng.QM31();
    e.alpha_powers = {QM31::One()};
    while (e.alpha_powers.size() < relation.n_values) e.alpha_powers.push_back(e.alpha_powers.back() * e.alpha);
  }
  std::vector<air::PublicLogupTerm> terms;
  const std::string relation = air.layout.relations[0].name;
  for (uint32_t k = 0; k < 2; ++k) {
    std::vector<M31> values(air.layout.relations[0].n_values);
    for (M31& v : values) v = rng.M31();
    terms.push_back({relation, values, M31::FromCanonical(k + 1)});
  }
  // The range check's two claims: a random one, and the one that makes everything cancel.
  const QM31 values_claim = rng.QM31();
  QM31 terms_sum;
  for (const air::PublicLogupTerm& term : terms) {
    terms_sum += air::LookupDenominator<M31>(elements.at(term.relation), term.values).Inverse() *
                 term.multiplicity;
  }
  const std::vector<QM31> claims = {fib_claim, values_claim, -(values_claim + terms_sum) + tamper};

  CircuitBuilder builder(true);
  auto guess = [&](QM31 v) { return builder.Guess(ValueType::kQM31, v); };
  LookupElementWiresMap element_wires;
  for (const auto& [name, e] : elements) {
    air::LookupElementsOf<Wire>& wires = element_wires[name];
    wires.z = guess(e.z);
    wires.alpha = guess(e.alpha);
    for (const QM31& power : e.alpha_powers) wires.alpha_powers.push_back(guess(power));
  }
  std::vector<Wire> claim_wires;
  for (const QM31& claim : claims) claim_wires.push_back(guess(claim));
  std::vector<PublicLogupTermWires> term_wires;
  for (const air::PublicLogupTerm& term : terms) {
    PublicLogupTermWires& wires = term_wires.emplace_back();
    wires.relation = term.relation;
    wires.multiplicity = term.multiplicity;
    for (M31 v : term.values) wires.values.push_back(builder.Guess(ValueType::kM31, QM31(v)));
  }
  CheckLogupSums(air.layout, claim_wires, term_wires, element_wires);
  return builder.failure();
}

TEST_CASE("the circuit accepts LogUp sums that cancel and nothing else") {
  const Air air;
  CHECK(!CheckSums(air, QM31(), QM31()));
  const auto off = CheckSums(air, QM31(), QM31::One());
  REQUIRE(off);
  CHECK(off->find("the LogUp sums cancel") != std::string::npos);
  const auto no_relations = CheckSums(air, QM31::One(), QM31());
  REQUIRE(no_relations);
  CHECK(no_relations->find("a component without relations claims 0") != std::string::npos);
}

}  // namespace
}  // namespace tensorstark::recursion
