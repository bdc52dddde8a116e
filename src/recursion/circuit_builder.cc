#include "recursion/circuit_builder.h"

#include <fmt/format.h>

#include <cassert>
#include <sstream>

namespace tensorstark::recursion {
namespace {

using field::M31;
using field::QM31;

bool IsM31(QM31 v) { return v == QM31(v.c0.a); }

// What an add, sub or mul gate computes.
QM31 Apply(GateKind kind, QM31 x, QM31 y) {
  return kind == GateKind::kAdd ? x + y : kind == GateKind::kSub ? x - y : x * y;
}

std::string ToString(QM31 v) {
  std::ostringstream os;
  os << v;
  return os.str();
}

}  // namespace

QM31 Wire::value() const { return builder_->ValueOf(id_); }

Wire operator+(Wire a, Wire b) { return a.builder().Add(a, b); }
Wire operator-(Wire a, Wire b) { return a.builder().Sub(a, b); }
Wire operator*(Wire a, Wire b) { return a.builder().Mul(a, b); }
Wire operator+(Wire a, QM31 b) { return a + a.builder().Constant(b); }
Wire operator-(Wire a, QM31 b) { return a - a.builder().Constant(b); }
Wire operator*(Wire a, QM31 b) { return a * a.builder().Constant(b); }
Wire operator-(QM31 a, Wire b) { return b.builder().Constant(a) - b; }
Wire Wire::operator-() const { return builder_->Constant(QM31::Zero()) - *this; }

QM31 CircuitBuilder::ValueOf(WireId id) const {
  assert(with_values_ && id < values_.size());
  return values_[id];
}

void CircuitBuilder::ReserveLike(const Circuit& like) {
  circuit_.gates.reserve(like.gates.size());
  circuit_.operands.reserve(like.operands.size());
  if (with_values_) values_.reserve(like.n_wires);
}

WireId CircuitBuilder::Append(Gate gate, std::span<const WireId> inputs) {
  gate.in_begin = static_cast<uint32_t>(circuit_.operands.size());
  gate.n_in = static_cast<uint32_t>(inputs.size());
  circuit_.operands.insert(circuit_.operands.end(), inputs.begin(), inputs.end());
  gate.out = circuit_.n_wires;
  circuit_.n_wires += gate.n_out;
  circuit_.gates.push_back(gate);
  return gate.out;
}

void CircuitBuilder::Fail(std::string_view what, const std::string& detail) {
  if (failure_) return;
  failure_ = fmt::format("gate {} ({}): {}", circuit_.gates.size() - 1, what, detail);
}

Wire CircuitBuilder::Constant(QM31 value) {
  std::array<uint32_t, 4> key;
  const std::array<M31, 4> coordinates = value.ToM31Array();
  for (size_t i = 0; i < 4; ++i) key[i] = coordinates[i].value();
  if (auto it = constants_.find(key); it != constants_.end()) return Wire(*this, it->second);
  const WireId out = Append({.kind = GateKind::kConstant, .n_out = 1, .constant = value}, {});
  if (with_values_) values_.push_back(value);
  constants_.emplace(key, out);
  constant_values_.emplace(out, value);
  return Wire(*this, out);
}

Wire CircuitBuilder::Guess(ValueType type, QM31 value) {
  const WireId out = Append({.kind = GateKind::kGuess, .type = type, .n_out = 1}, {});
  if (with_values_) {
    values_.push_back(value);
    if (type == ValueType::kM31 && !IsM31(value)) {
      Fail("a guessed M31", ToString(value) + " is not an M31");
    } else if (type == ValueType::kBit && value != QM31::Zero() && value != QM31::One()) {
      Fail("a guessed bit", ToString(value) + " is not a bit");
    }
  }
  return Wire(*this, out);
}

Wire CircuitBuilder::PublicInput(M31 value) {
  const WireId out =
      Append({.kind = GateKind::kPublicInput, .type = ValueType::kM31, .n_out = 1}, {});
  if (with_values_) values_.push_back(QM31(value));
  return Wire(*this, out);
}

std::optional<QM31> CircuitBuilder::ConstantOf(Wire w) const {
  const auto it = constant_values_.find(w.id());
  return it == constant_values_.end() ? std::nullopt : std::optional(it->second);
}

Wire CircuitBuilder::Binary(GateKind kind, Wire a, Wire b) {
  // Folded on constants, which are part of the topology: no gate where the result is known.
  const std::optional<QM31> ca = ConstantOf(a), cb = ConstantOf(b);
  if (ca && cb) {
    return Constant(Apply(kind, *ca, *cb));
  }
  const QM31 zero = QM31::Zero(), one = QM31::One();
  if (kind == GateKind::kAdd && ca == zero) return b;
  if ((kind == GateKind::kAdd || kind == GateKind::kSub) && cb == zero) return a;
  if (kind == GateKind::kMul) {
    if (ca == one) return b;
    if (cb == one) return a;
    if (ca == zero || cb == zero) return Constant(zero);
  }
  const std::array<WireId, 2> inputs = {a.id(), b.id()};
  const WireId out = Append({.kind = kind, .n_out = 1}, inputs);
  if (with_values_) {
    const QM31 x = values_[a.id()], y = values_[b.id()];
    values_.push_back(Apply(kind, x, y));
  }
  return Wire(*this, out);
}

Wire CircuitBuilder::Copy(Wire a) {
  const std::array<WireId, 2> inputs = {a.id(), Constant(QM31::Zero()).id()};
  const WireId out = Append({.kind = GateKind::kAdd, .n_out = 1}, inputs);
  if (with_values_) values_.push_back(values_[a.id()]);
  return Wire(*this, out);
}

void CircuitBuilder::AssertEqual(Wire a, Wire b, std::string_view what) {
  const std::array<WireId, 2> inputs = {a.id(), b.id()};
  Append({.kind = GateKind::kAssertEqual, .what = what}, inputs);
  if (with_values_ && values_[a.id()] != values_[b.id()]) {
    Fail(what, ToString(values_[a.id()]) + " != " + ToString(values_[b.id()]));
  }
}

std::array<Wire, hash::kPoseidon2Width> CircuitBuilder::Poseidon2(
    const std::array<Wire, hash::kPoseidon2Width>& state) {
  std::array<WireId, hash::kPoseidon2Width> inputs;
  for (size_t i = 0; i < inputs.size(); ++i) inputs[i] = state[i].id();
  const WireId out =
      Append({.kind = GateKind::kPoseidon2, .n_out = hash::kPoseidon2Width}, inputs);
  if (with_values_) {
    hash::Poseidon2State words;
    for (size_t i = 0; i < words.size(); ++i) {
      const QM31 v = values_[inputs[i]];
      if (!IsM31(v)) Fail("a Poseidon2 input", fmt::format("word {} is not an M31", i));
      words[i] = v.c0.a;
    }
    hash::Poseidon2Permute(words);
    for (M31 w : words) values_.push_back(QM31(w));
  }
  std::array<Wire, hash::kPoseidon2Width> result;
  for (size_t i = 0; i < result.size(); ++i) result[i] = Wire(*this, out + static_cast<WireId>(i));
  return result;
}

}  // namespace tensorstark::recursion
