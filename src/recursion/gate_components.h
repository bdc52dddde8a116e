// The recursion AIR's components for a circuit's gates (circuit.h), one row per gate: the circuit's
// wiring is their data columns (preprocessed, so the outer verifying key commits to the circuit),
// the wires' values their trace columns. Wires meet through one LogUp relation over (wire id,
// value): a gate writing a wire adds (id, value) with multiplicity +uses (how many gates read it,
// fixed by the circuit), a gate reading one adds it with -1; the sums cancel only if every read
// sees the value written. A QM31 value is 4 M31 columns (coordinates, QM31::FromM31Array order).
// Padding rows have zero ids, multiplicities and values, which satisfy every constraint.
//
// Gate kinds share components, so that an AIR has few column sizes (each costs the Cairo verifier
// a FRI column, a Merkle layer and DEEP batches at every query, docs/recursion.md):
//
//   ValueGates       constants, guesses and assertions: one value v0..v3 a row, written or read
//                    at two wires. data: id, uses, id2, uses2, c0..c3, is_constant, is_m31, is_bit
//                      constant  (out, uses, 0, 0, c, 1, 0, 0): v = c
//                      guess     (out, uses, 0, 0, 0, 0, is_m31, is_bit): v of the guess's type
//                      assertion (a, -1, b, -1, 0, 0, 0, 0): v read at a and at b
//   ArithmeticGates  add, sub and mul. data: a, b, out, uses, s, m; trace: a, b, out (QM31 each)
//                    with out = a + s·b + m·(a·b - a): add s = 1, sub s = -1, mul m = 1; the
//                    operands read with multiplicity -(s² + m), 1 for every gate, 0 on padding.
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

// The QM31 product x · y on coordinates (u² = 2 + i, i² = -1), over any value type of the
// evaluators.
template <class F>
std::array<F, 4> QM31ProductOnCoordinates(const std::array<F, 4>& x, const std::array<F, 4>& y) {
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

class ValueGates : public air::DataComponent {
 public:
  static constexpr uint32_t kDataColumns = 11, kTraceColumns = 4;
  using DataComponent::DataComponent;

  template <class E>
  void Evaluate(E& eval) const {
    const auto v = NextQM31(eval);
    const auto is_constant = Data(eval, 8), is_m31 = Data(eval, 9), is_bit = Data(eval, 10);
    for (uint32_t k = 0; k < 4; ++k) eval.AddConstraint(is_constant * (v[k] - Data(eval, 4 + k)));
    for (uint32_t k = 1; k < 4; ++k) eval.AddConstraint((is_m31 + is_bit) * v[k]);
    eval.AddConstraint(is_bit * v[0] * (v[0] - eval.ConstantF(field::M31::One())));
    AddWire(eval, Data(eval, 1), Data(eval, 0), v);
    AddWire(eval, Data(eval, 3), Data(eval, 2), v);
    eval.FinalizeLogupInPairs();
  }
};

class ArithmeticGates : public air::DataComponent {
 public:
  static constexpr uint32_t kDataColumns = 6, kTraceColumns = 12;
  using DataComponent::DataComponent;

  template <class E>
  void Evaluate(E& eval) const {
    const auto a = NextQM31(eval), b = NextQM31(eval), out = NextQM31(eval);
    const auto s = Data(eval, 4), m = Data(eval, 5);
    const auto product = QM31ProductOnCoordinates(a, b);
    for (uint32_t k = 0; k < 4; ++k) {
      eval.AddConstraint(out[k] - (a[k] + s * b[k] + m * (product[k] - a[k])));
    }
    const auto reads = -(s * s + m);
    AddWire(eval, reads, Data(eval, 0), a);
    AddWire(eval, reads, Data(eval, 1), b);
    AddWire(eval, Data(eval, 3), Data(eval, 2), out);
    eval.FinalizeLogupInPairs();
  }
};

}  // namespace tensorstark::recursion
