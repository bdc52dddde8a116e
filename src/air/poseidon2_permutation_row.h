// A Poseidon2 permutation in one row (hash::Poseidon2Permute), for components that want few rows
// and cheap proving: the committed tensors' sponge (poseidon2_sponge.h). The recursion AIR's
// narrow layout, a round per row, is poseidon2_round_rows.h.
//
// The row holds, for every S-box input u (16 per full round, one per partial round), two columns:
// u³ and u⁵ = u³·u², so that every constraint has degree 3 (kMaxConstraintDegree). u itself is a
// linear expression of the permutation's input and the earlier rounds' u⁵ columns (the linear
// layers and the round constants are constants of the evaluator), and so is the output: no state
// columns. Column order: the 4 initial full rounds (lane by lane: u³, u⁵), the 14 partial rounds,
// the 4 terminal full rounds. 8·16·2 + 14·2 = 284 columns.
#pragma once

#include <array>
#include <cstdint>
#include <span>

#include "air/component.h"
#include "hash/poseidon2_m31.h"

namespace tensorstark::air {

inline constexpr uint32_t kPoseidon2PermutationColumns =
    2 *
    (2 * hash::kPoseidon2HalfFullRounds * hash::kPoseidon2Width + hash::kPoseidon2PartialRounds);

// The trace side: writes the row's columns (in the order above) and returns the output.
hash::Poseidon2State WritePoseidon2PermutationRow(const hash::Poseidon2State& input,
                                                  std::span<field::M31> columns);

// The constraint side. `output` is the permutation of `input` on this row; `previous_output` the
// one on the row before (the terminal round's u⁵ columns are read at offsets -1 and 0), which a
// sponge chains from.
template <class F>
struct Poseidon2PermutationOutputs {
  std::array<F, hash::kPoseidon2Width> output, previous_output;
};

template <class E>
Poseidon2PermutationOutputs<typename E::F> ConstrainPoseidon2Permutation(
    E& eval, std::array<typename E::F, hash::kPoseidon2Width> state) {
  using F = typename E::F;
  using field::M31;
  constexpr size_t kWidth = hash::kPoseidon2Width;
  const hash::Poseidon2Constants& constants = hash::Poseidon2RoundConstants();
  // u⁵ for u = x + constant, whose columns come next; on the last round also the row before's.
  auto sbox = [&](const F& x, M31 constant, F* previous_fifth) {
    const F u = x + constant;
    const F cube = eval.NextTraceMask();
    F fifth;
    if (previous_fifth) {
      const auto [before, now] =
          eval.template NextInteractionMask<2>(kTraceTree, std::array<int, 2>{-1, 0});
      *previous_fifth = before;
      fifth = now;
    } else {
      fifth = eval.NextTraceMask();
    }
    eval.AddConstraint(cube - u * u * u);
    eval.AddConstraint(fifth - cube * u * u);
    return fifth;
  };
  std::array<F, kWidth> previous;
  hash::Poseidon2ExternalLayer(state);
  for (const hash::Poseidon2State& round : constants.initial) {
    for (size_t i = 0; i < kWidth; ++i) state[i] = sbox(state[i], round[i], nullptr);
    hash::Poseidon2ExternalLayer(state);
  }
  for (const M31& constant : constants.partial) {
    state[0] = sbox(state[0], constant, nullptr);
    hash::Poseidon2InternalLayer(state);
  }
  for (size_t r = 0; r < constants.terminal.size(); ++r) {
    const bool last = r + 1 == constants.terminal.size();
    for (size_t i = 0; i < kWidth; ++i) {
      state[i] = sbox(state[i], constants.terminal[r][i], last ? &previous[i] : nullptr);
    }
    hash::Poseidon2ExternalLayer(state);
  }
  hash::Poseidon2ExternalLayer(previous);
  return {state, previous};
}

}  // namespace tensorstark::air
