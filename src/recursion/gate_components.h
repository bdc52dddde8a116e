// The recursion AIR's components for a circuit's gates (circuit.h), one row per gate: the circuit's
// wiring is their data columns (preprocessed, so the outer verifying key commits to the circuit),
// the wires' values their trace columns. Wires meet through one LogUp relation over (wire id,
// value): a gate writing a wire adds (id, value) with multiplicity +uses (how many gates read it,
// fixed by the circuit), a gate reading one adds it with -1; the sums cancel only if every read
// sees the value written. A QM31 value is 4 M31 columns (coordinates, QM31::FromM31Array order).
// Padding rows have zero ids, multiplicities and values, which satisfy every constraint.
//
//   Constant      data: id, uses, c0..c3         trace: v0..v3 = c
//   Guess         data: id, uses, is_m31, is_bit trace: v0..v3 (an M31 or a bit has v1..v3 = 0,
//                                                       a bit v0·(v0 - 1) = 0)
//   Add/Sub/Mul   data: a, b, out, uses, enabled trace: a0..a3, b0..b3, o0..o3 = a op b (QM31)
//   AssertEqual   data: a, b, enabled            trace: v0..v3 (read as a and as b)
// The Poseidon2 gate has its own component (poseidon2_gate_component.h); public inputs have none:
// the outer verifier adds their (id, value) terms from the outer statement.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>

#include "air/data_component.h"
#include "air/relation.h"
#include "field/m31.h"
#include "recursion/circuit.h"

namespace tensorstark::recursion {

// (wire id, v0, v1, v2, v3).
inline air::Relation WireRelation() { return {"wire", 5}; }

// QM31 arithmetic on coordinates: x + y, x - y, x · y (u² = 2 + i, i² = -1), over any value type
// of the evaluators.
template <class F>
std::array<F, 4> ApplyOnCoordinates(GateKind kind, const std::array<F, 4>& x,
                                    const std::array<F, 4>& y) {
  if (kind == GateKind::kAdd) return {x[0] + y[0], x[1] + y[1], x[2] + y[2], x[3] + y[3]};
  if (kind == GateKind::kSub) return {x[0] - y[0], x[1] - y[1], x[2] - y[2], x[3] - y[3]};
  // (A + B·u)(C + D·u) = AC + (2 + i)·BD + (AD + BC)·u, with CM31 halves A, B, C, D.
  auto cm31_mul = [](const F& a0, const F& a1, const F& b0, const F& b1) {
    return std::array<F, 2>{a0 * b0 - a1 * b1, a0 * b1 + a1 * b0};
  };
  const auto ac = cm31_mul(x[0], x[1], y[0], y[1]), bd = cm31_mul(x[2], x[3], y[2], y[3]);
  const auto ad = cm31_mul(x[0], x[1], y[2], y[3]), bc = cm31_mul(x[2], x[3], y[0], y[1]);
  return {ac[0] + bd[0] + bd[0] - bd[1], ac[1] + bd[1] + bd[1] + bd[0], ad[0] + bc[0],
          ad[1] + bc[1]};
}

// Reads 4 trace columns as a QM31's coordinates.
template <class E>
std::array<typename E::F, 4> NextQM31(E& eval) {
  return {eval.NextTraceMask(), eval.NextTraceMask(), eval.NextTraceMask(), eval.NextTraceMask()};
}

template <class E>
void AddWire(E& eval, const typename E::F& multiplicity, const typename E::F& id,
             const std::array<typename E::F, 4>& v) {
  eval.AddToRelation(WireRelation(), multiplicity, {id, v[0], v[1], v[2], v[3]});
}

class ConstantGates : public air::DataComponent {
 public:
  static constexpr uint32_t kDataColumns = 6, kTraceColumns = 4;
  using DataComponent::DataComponent;

  template <class E>
  void Evaluate(E& eval) const {
    const auto v = NextQM31(eval);
    for (uint32_t k = 0; k < 4; ++k) eval.AddConstraint(v[k] - Data(eval, 2 + k));
    AddWire(eval, Data(eval, 1), Data(eval, 0), v);
    eval.FinalizeLogupInPairs();
  }
};

class GuessGates : public air::DataComponent {
 public:
  static constexpr uint32_t kDataColumns = 4, kTraceColumns = 4;
  using DataComponent::DataComponent;

  template <class E>
  void Evaluate(E& eval) const {
    const auto v = NextQM31(eval);
    const auto is_m31 = Data(eval, 2), is_bit = Data(eval, 3);
    for (uint32_t k = 1; k < 4; ++k) eval.AddConstraint((is_m31 + is_bit) * v[k]);
    eval.AddConstraint(is_bit * v[0] * (v[0] - eval.ConstantF(field::M31::One())));
    AddWire(eval, Data(eval, 1), Data(eval, 0), v);
    eval.FinalizeLogupInPairs();
  }
};

class ArithmeticGates : public air::DataComponent {
 public:
  static constexpr uint32_t kDataColumns = 5, kTraceColumns = 12;
  // `data`: the columns, or their sizes alone (for verifying).
  template <class Data>
  ArithmeticGates(GateKind kind, std::string name, uint32_t log_size, uint32_t first_data_column,
                  Data data)
      : DataComponent(std::move(name), log_size, first_data_column, std::move(data)), kind_(kind) {}

  template <class E>
  void Evaluate(E& eval) const {
    const auto a = NextQM31(eval), b = NextQM31(eval), out = NextQM31(eval);
    const auto expected = ApplyOnCoordinates(kind_, a, b);
    for (uint32_t k = 0; k < 4; ++k) eval.AddConstraint(out[k] - expected[k]);
    const auto enabled = Data(eval, 4);
    AddWire(eval, -enabled, Data(eval, 0), a);
    AddWire(eval, -enabled, Data(eval, 1), b);
    AddWire(eval, Data(eval, 3), Data(eval, 2), out);
    eval.FinalizeLogupInPairs();
  }

 private:
  GateKind kind_;
};

class AssertEqualGates : public air::DataComponent {
 public:
  static constexpr uint32_t kDataColumns = 3, kTraceColumns = 4;
  using DataComponent::DataComponent;

  template <class E>
  void Evaluate(E& eval) const {
    const auto v = NextQM31(eval);
    const auto enabled = Data(eval, 2);
    AddWire(eval, -enabled, Data(eval, 0), v);
    AddWire(eval, -enabled, Data(eval, 1), v);
    eval.FinalizeLogupInPairs();
  }
};

}  // namespace tensorstark::recursion
