// Records a verifier circuit (circuit.h) by running code over Wire values. A Wire behaves as a
// QM31 in arithmetic, so verifier code templated over its field type records its own circuit:
// every +, -, · appends a gate (none where the result is known from constants: c + c', x + 0,
// x · 1, x · 0), constants become constant gates (one per distinct value), values
// read from a proof become typed guesses, and checks become equality assertions. Anything that
// depends on a proof's values must go through gates, never through C++ control flow, so that the
// topology stays the same for every proof.
//
// A builder with values (the witness build, once per proof) carries each wire's value and keeps
// the first gate that does not hold, named, as the prover's self-check; a builder without values
// (the verifying key's build) records the topology alone.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "field/m31.h"
#include "field/qm31.h"
#include "hash/poseidon2_m31.h"
#include "recursion/circuit.h"

namespace tensorstark::recursion {

class CircuitBuilder;

class Wire {
 public:
  Wire() = default;  // no wire yet: a placeholder to assign to (arrays of wires)
  Wire(CircuitBuilder& builder, WireId id) : builder_(&builder), id_(id) {}

  WireId id() const { return id_; }
  CircuitBuilder& builder() const { return *builder_; }
  // The wire's value; only in a builder with values.
  field::QM31 value() const;

  friend Wire operator+(Wire a, Wire b);
  friend Wire operator-(Wire a, Wire b);
  friend Wire operator*(Wire a, Wire b);
  friend Wire operator+(Wire a, field::QM31 b);
  friend Wire operator-(Wire a, field::QM31 b);
  friend Wire operator*(Wire a, field::QM31 b);
  friend Wire operator*(Wire a, field::M31 b) { return a * field::QM31(b); }
  friend Wire operator+(field::QM31 a, Wire b) { return b + a; }
  friend Wire operator-(field::QM31 a, Wire b);
  friend Wire operator*(field::QM31 a, Wire b) { return b * a; }
  Wire operator-() const;
  Wire& operator+=(Wire o) { return *this = *this + o; }
  Wire& operator-=(Wire o) { return *this = *this - o; }
  Wire& operator*=(Wire o) { return *this = *this * o; }

 private:
  CircuitBuilder* builder_ = nullptr;
  WireId id_ = 0;
};

class CircuitBuilder {
 public:
  explicit CircuitBuilder(bool with_values) : with_values_(with_values) {}
  CircuitBuilder(const CircuitBuilder&) = delete;
  CircuitBuilder& operator=(const CircuitBuilder&) = delete;

  bool with_values() const { return with_values_; }
  // Room for a circuit the size of `like` (a key's topology, before a proof's witness build), so
  // that the gate lists are not regrown.
  void ReserveLike(const Circuit& like);

  Wire Constant(field::QM31 value);
  // A value the proof supplies; without values, `value` is ignored. A value that is not of its
  // type is a failure of the witness build.
  Wire Guess(ValueType type, field::QM31 value);
  // The next value of the statement the circuit's proof states (an M31): the outer statement.
  Wire PublicInput(field::M31 value);
  // a + 0 as a gate of its own (never folded away): a wire with a's value, which a gate reading
  // it in a's place leaves a's only reader.
  Wire Copy(Wire a);
  Wire Add(Wire a, Wire b) { return Binary(GateKind::kAdd, a, b); }
  Wire Sub(Wire a, Wire b) { return Binary(GateKind::kSub, a, b); }
  Wire Mul(Wire a, Wire b) { return Binary(GateKind::kMul, a, b); }
  void AssertEqual(Wire a, Wire b, std::string_view what);
  std::array<Wire, hash::kPoseidon2Width> Poseidon2(
      const std::array<Wire, hash::kPoseidon2Width>& state);

  field::QM31 ValueOf(WireId id) const;
  // Every wire's value (a build with values): the recursion AIR's witness.
  std::span<const field::QM31> values() const { return values_; }
  // The first gate of the witness build that does not hold, as "gate 12 (what): ...".
  const std::optional<std::string>& failure() const { return failure_; }
  const Circuit& circuit() const { return circuit_; }
  Circuit Finish() && { return std::move(circuit_); }

 private:
  Wire Binary(GateKind kind, Wire a, Wire b);
  std::optional<field::QM31> ConstantOf(Wire w) const;
  // Appends a gate reading `inputs` and writing gate.n_out fresh wires; returns the first.
  WireId Append(Gate gate, std::span<const WireId> inputs);
  void Fail(std::string_view what, const std::string& detail);

  bool with_values_;
  Circuit circuit_;
  std::vector<field::QM31> values_;  // per wire, with values only
  std::map<std::array<uint32_t, 4>, WireId> constants_;
  std::map<WireId, field::QM31> constant_values_;  // the constant gates' wires
  std::optional<std::string> failure_;
};

}  // namespace tensorstark::recursion
