#include "recursion/circuit_builder.h"

#include <doctest/doctest.h>

#include <array>
#include <optional>
#include <vector>

#include "field/qm31.h"
#include "hash/poseidon2_m31.h"
#include "test_util.h"

namespace tensorstark::recursion {
namespace {

using field::M31;
using field::QM31;

// Code written once for any field type, as the verifier will be: a·b + (a - 3)·b·b.
template <class F>
F Polynomial(F a, F b) {
  return a * b + (a - QM31(M31::FromCanonical(3))) * b * b;
}

QM31 RandomQM31(testing::Rng& rng) {
  return QM31::FromM31Array({rng.M31(), rng.M31(), rng.M31(), rng.M31()});
}

TEST_CASE("a wire computes what the field computes, and records one gate per operation") {
  testing::Rng rng(1);
  const QM31 a = RandomQM31(rng), b = RandomQM31(rng);
  CircuitBuilder builder(/*with_values=*/true);
  const Wire result =
      Polynomial(builder.Guess(ValueType::kQM31, a), builder.Guess(ValueType::kQM31, b));
  CHECK(result.value() == Polynomial(a, b));
  // 2 guesses, a·b, the constant 3, a - 3, two more products, the sum.
  CHECK(builder.circuit().gates.size() == 8);
  CHECK(!builder.failure());
}

TEST_CASE("the topology does not depend on the values") {
  testing::Rng rng(2);
  auto build = [&](bool with_values) {
    CircuitBuilder builder(with_values);
    const Wire a = builder.Guess(ValueType::kQM31, RandomQM31(rng));
    const Wire b = builder.Guess(ValueType::kM31, QM31(rng.M31()));
    builder.AssertEqual(Polynomial(a, b), Polynomial(b, a), "symmetry");
    return std::move(builder).Finish().Digest();
  };
  const hash::Blake2sHash first = build(true);
  CHECK(build(true).bytes == first.bytes);
  CHECK(build(false).bytes == first.bytes);

  // A different computation has another digest.
  CircuitBuilder other(false);
  Polynomial(other.Guess(ValueType::kQM31, {}), other.Guess(ValueType::kQM31, {}));
  CHECK(std::move(other).Finish().Digest().bytes != first.bytes);
}

TEST_CASE("equal constants share one wire") {
  CircuitBuilder builder(true);
  const Wire x = builder.Guess(ValueType::kM31, QM31(M31::FromCanonical(5)));
  const Wire y = x * M31::FromCanonical(7) + QM31(M31::FromCanonical(7));
  CHECK(y.value() == QM31(M31::FromCanonical(42)));
  size_t n_constants = 0;
  for (const Gate& gate : builder.circuit().gates) n_constants += gate.kind == GateKind::kConstant;
  CHECK(n_constants == 1);
}

TEST_CASE("operations on constants fold: no gate where the result is known") {
  CircuitBuilder builder(true);
  const Wire x = builder.Guess(ValueType::kQM31, QM31::FromU32(1, 2, 3, 4));
  const Wire zero = builder.Constant(QM31::Zero()), one = builder.Constant(QM31::One());
  const size_t before = builder.circuit().gates.size();
  CHECK((x * one).id() == x.id());
  CHECK((one * x).id() == x.id());
  CHECK((x + zero).id() == x.id());
  CHECK((zero + x).id() == x.id());
  CHECK((x - zero).id() == x.id());
  CHECK((x * zero).id() == zero.id());
  CHECK(builder.circuit().gates.size() == before);
  // Constants combine into a constant (one new constant gate), and 0 - x still needs its gate.
  const Wire six = builder.Constant(QM31(M31::FromCanonical(2))) * QM31(M31::FromCanonical(3));
  CHECK(six.value() == QM31(M31::FromCanonical(6)));
  CHECK(builder.circuit().gates.size() == before + 3);  // the constants 2, 3 and 6
  CHECK((-x).value() == -x.value());
  CHECK(builder.circuit().gates.size() == before + 4);
}

TEST_CASE("the witness build names the first gate that does not hold") {
  CircuitBuilder builder(true);
  const Wire two = builder.Guess(ValueType::kM31, QM31(M31::FromCanonical(2)));
  builder.AssertEqual(two + two, builder.Constant(QM31(M31::FromCanonical(4))), "2 + 2 = 4");
  CHECK(!builder.failure());
  builder.AssertEqual(two * two, builder.Constant(QM31(M31::FromCanonical(5))), "2 · 2 = 5");
  builder.AssertEqual(two, builder.Constant(QM31::Zero()), "a later failure");
  REQUIRE(builder.failure());
  CHECK(*builder.failure() == "gate 6 (2 · 2 = 5): (4, 0, 0, 0) != (5, 0, 0, 0)");

  // Without values nothing is checked: the same code records the same gates.
  CircuitBuilder topology(false);
  const Wire t = topology.Guess(ValueType::kM31, {});
  topology.AssertEqual(t * t, topology.Constant(QM31(M31::FromCanonical(5))), "2 · 2 = 5");
  CHECK(!topology.failure());
}

TEST_CASE("guesses are checked against their type") {
  const QM31 not_m31 = QM31::FromU32(1, 1, 0, 0);
  CircuitBuilder m31(true);
  m31.Guess(ValueType::kM31, not_m31);
  REQUIRE(m31.failure());
  CHECK(m31.failure()->find("is not an M31") != std::string::npos);

  CircuitBuilder bit(true);
  bit.Guess(ValueType::kBit, QM31::One());
  CHECK(!bit.failure());
  bit.Guess(ValueType::kBit, QM31(M31::FromCanonical(2)));
  REQUIRE(bit.failure());
  CHECK(bit.failure()->find("gate 1 (a guessed bit)") == 0);
}

TEST_CASE("a Poseidon2 gate permutes like the native permutation") {
  testing::Rng rng(3);
  hash::Poseidon2State state;
  for (M31& word : state) word = rng.M31();
  CircuitBuilder builder(true);
  std::array<Wire, hash::kPoseidon2Width> wires;
  for (size_t i = 0; i < wires.size(); ++i) wires[i] = builder.Guess(ValueType::kM31, QM31(state[i]));
  const std::array<Wire, hash::kPoseidon2Width> out = builder.Poseidon2(wires);
  hash::Poseidon2Permute(state);
  for (size_t i = 0; i < state.size(); ++i) CHECK(out[i].value() == QM31(state[i]));
  CHECK(!builder.failure());

  // A word outside M31 cannot enter the permutation.
  wires[3] = wires[3] * QM31::FromU32(0, 0, 1, 0);
  builder.Poseidon2(wires);
  REQUIRE(builder.failure());
  CHECK(builder.failure()->find("word 3 is not an M31") != std::string::npos);
}

TEST_CASE("a copy is a gate of its own, with its source's value") {
  CircuitBuilder builder(true);
  const Wire x = builder.Guess(ValueType::kM31, QM31(M31::FromCanonical(9)));
  const size_t gates = builder.circuit().gates.size();
  const Wire copy = builder.Copy(x);
  CHECK(copy.id() != x.id());
  CHECK(copy.value() == x.value());
  CHECK((x + QM31::Zero()).id() == x.id());  // where an addition of zero folds away
  // The zero constant and the addition.
  CHECK(builder.circuit().gates.size() == gates + 2);
  CHECK(builder.circuit().gates.back().kind == GateKind::kAdd);
}

TEST_CASE("a circuit stored as words reads back with its topology; malformed words are refused") {
  CircuitBuilder builder(false);
  const Wire p = builder.PublicInput(M31::FromCanonical(2));
  const Wire bit = builder.Guess(ValueType::kBit, QM31());
  std::array<Wire, hash::kPoseidon2Width> state;
  for (Wire& word : state) word = builder.Guess(ValueType::kM31, QM31());
  state = builder.Poseidon2(state);
  builder.AssertEqual(Polynomial(p, bit) - state[5], QM31::FromU32(1, 2, 3, 4) * state[0], "x");
  const Circuit circuit = std::move(builder).Finish();
  const std::vector<uint32_t> words = circuit.ToWords();
  const std::optional<Circuit> read = Circuit::FromWords(words);
  REQUIRE(read);
  CHECK(read->Digest().bytes == circuit.Digest().bytes);

  auto refused = [&](auto&& change) {
    std::vector<uint32_t> changed = words;
    change(changed);
    return !Circuit::FromWords(changed);
  };
  CHECK(refused([](auto& w) { w.pop_back(); }));                // truncated
  CHECK(refused([](auto& w) { w.push_back(0); }));              // trailing words
  CHECK(refused([](auto& w) { ++w[0]; }));                      // another wire count
  CHECK(refused([](auto& w) { w[2] = kGateKinds; }));           // no such gate kind
  CHECK(refused([](auto& w) { w[2] |= 3 << 8; }));              // no such value type
  CHECK(refused([](auto& w) { w[w.size() - 1] = w[0] + 5; }));  // an operand not yet written
  CHECK(refused([](auto& w) { w.resize(2); }));                 // fewer gates than stated
}

}  // namespace
}  // namespace tensorstark::recursion
