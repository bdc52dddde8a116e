// The recursion AIR's Poseidon2 gates: one permutation per row (this AIR is never read column by
// column by Cairo, so it is laid out for the prover: few rows, many columns). Its 16 inputs are
// read from the wire relation and its 16 outputs written to it (gate_components.h), the words
// M31s (their other coordinates 0 in the relation).
//
// Columns of a row: the 16 input words; per full round the 16 cubes (x_i³ for x_i = s_i + c_i)
// and the 16 words of the state after it; per partial round the cube of lane 0 and the 16 words
// after it (16 + 8·32 + 14·17 = 510). A round's S-box output x⁵ is cube·x², so every constraint
// has degree 3: cube = x³, and next state = linear layer of the S-box outputs. The last round's
// state is the output. Rounds follow hash::Poseidon2Permute: the external layer, 4 full rounds,
// 14 partial rounds, 4 full rounds.
//
// Data columns: the 16 input wire ids, the 16 output wire ids, the outputs' uses, enabled. A
// padding row permutes zeros (disabled: no reads, no writes).
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "air/data_component.h"
#include "hash/poseidon2_m31.h"
#include "recursion/gate_components.h"

namespace tensorstark::recursion {

inline constexpr size_t kPoseidon2FullRounds = 2 * hash::kPoseidon2HalfFullRounds;
inline constexpr uint32_t kPoseidon2GateColumns =
    hash::kPoseidon2Width * (1 + 2 * kPoseidon2FullRounds) +
    (1 + hash::kPoseidon2Width) * hash::kPoseidon2PartialRounds;

// The permutation round by round over a value type F: `next.Cube(x)` gives x³ (a trace column,
// constrained) and `next.State(s)` the state after a round (16 columns, constrained to equal s).
// The evaluator and the trace generator run the same schedule.
template <class F, class Next>
std::array<F, hash::kPoseidon2Width> Poseidon2Rounds(std::array<F, hash::kPoseidon2Width> state,
                                                     Next& next) {
  const hash::Poseidon2Constants& c = hash::Poseidon2RoundConstants();
  auto sbox = [&](const F& s, field::M31 constant) {
    const F x = s + constant;
    return next.Cube(x) * x * x;
  };
  hash::Poseidon2ExternalLayer(state);
  auto full_round = [&](const hash::Poseidon2State& constants) {
    for (size_t i = 0; i < hash::kPoseidon2Width; ++i) state[i] = sbox(state[i], constants[i]);
    hash::Poseidon2ExternalLayer(state);
    state = next.State(state);
  };
  for (const hash::Poseidon2State& round : c.initial) full_round(round);
  for (field::M31 constant : c.partial) {
    state[0] = sbox(state[0], constant);
    hash::Poseidon2InternalLayer(state);
    state = next.State(state);
  }
  for (const hash::Poseidon2State& round : c.terminal) full_round(round);
  return state;
}

class Poseidon2Gates : public air::DataComponent {
 public:
  static constexpr uint32_t kDataColumns = 3 * hash::kPoseidon2Width + 1;
  using DataComponent::DataComponent;

  template <class E>
  void Evaluate(E& eval) const {
    using F = typename E::F;
    constexpr size_t kWidth = hash::kPoseidon2Width;
    struct Constrained {
      E& eval;
      F Cube(const F& x) {
        const F cube = eval.NextTraceMask();
        eval.AddConstraint(cube - x * x * x);
        return cube;
      }
      std::array<F, kWidth> State(const std::array<F, kWidth>& expected) {
        std::array<F, kWidth> state;
        for (size_t i = 0; i < kWidth; ++i) {
          state[i] = eval.NextTraceMask();
          eval.AddConstraint(state[i] - expected[i]);
        }
        return state;
      }
    };
    std::array<F, kWidth> input;
    for (F& word : input) word = eval.NextTraceMask();
    Constrained next{eval};
    const std::array<F, kWidth> output = Poseidon2Rounds(input, next);
    const F zero = eval.ConstantF(field::M31());
    const F enabled = Data(eval, 3 * kWidth);
    for (size_t i = 0; i < kWidth; ++i) {
      AddWire(eval, -enabled, Data(eval, i), {input[i], zero, zero, zero});
    }
    for (size_t i = 0; i < kWidth; ++i) {
      AddWire(eval, Data(eval, 2 * kWidth + i), Data(eval, kWidth + i),
              {output[i], zero, zero, zero});
    }
    eval.FinalizeLogupInPairs();
  }
};

// One row's trace values (kPoseidon2GateColumns) for a permutation of `input`.
std::vector<field::M31> Poseidon2GateRow(const hash::Poseidon2State& input);

}  // namespace tensorstark::recursion
