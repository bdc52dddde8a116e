// A Poseidon2 permutation laid out a round a row, for components that want few columns (what a
// verifier pays for per query): the narrow recursion AIR's Poseidon2 gates
// (recursion/poseidon2_round_gates.h). A permutation in one row, for fast proving, is
// poseidon2_permutation_row.h.
//
// One permutation takes a block of kPoseidon2BlockRows rows. Row t of a block holds the state s_t;
// its s-box columns hold (s_t + c_t)^3 and (s_t + c_t)^5 on every lane, c_t the constants of the
// round whose s-box row t feeds (row t + 1 applies it; zero where none follows, whose s-box columns
// are constrained all the same and unused). How s_t follows from row t - 1:
//   t = 0          input:    the block's own (the sponge absorbs into it; the gates read it)
//   t = 1          external: s_1 = M_E·s_0 (the layer before the first round);
//   t = 2–5, 20–23 full:     s_t = M_E·(s-box_(t-1));
//   t = 6–19       partial:  s_t = M_I·(s-box_(t-1) on lane 0, s_(t-1) on lanes 1–15);
//   t = 24–31      copy:     s_t = s_(t-1), so row 31 holds the permutation's output.
// The round data, kPoseidon2RoundDataColumns data columns one block long (they repeat): the
// external, full, partial and copy selectors, then the 16 round constants.
#pragma once

#include <array>
#include <cstdint>

#include "air/component.h"
#include "air/model_relations.h"
#include "hash/poseidon2_m31.h"

namespace tensorstark::air {

inline constexpr uint32_t kPoseidon2BlockRows = 32;
inline constexpr uint32_t kPoseidon2RoundDataColumns = 4 + hash::kPoseidon2Width;
// The trace columns ReadPoseidon2RoundMasks reads: the lanes, the cubes, the fifth powers.
inline constexpr uint32_t kPoseidon2RoundTraceColumns = 3 * hash::kPoseidon2Width;

enum class Poseidon2RowKind { kInput, kExternal, kFull, kPartial, kCopy };
Poseidon2RowKind Poseidon2RowKindOf(uint32_t t);

// The constants of row t's s-box (the round row t + 1 applies): the initial full rounds' on rows
// 1–4, the partial ones' on rows 5–18, the terminal full ones' on rows 19–22; zero elsewhere.
hash::Poseidon2State Poseidon2RoundConstantsOf(uint32_t t);

// Appends the round data columns (one block long each) to `data`.
void AppendPoseidon2RoundData(DataColumns& data);

// The trace side. Row t's state from row t - 1's state and fifth powers (kInput rows: unchanged).
void Poseidon2RowStep(Poseidon2RowKind kind, hash::Poseidon2State& state,
                      const hash::Poseidon2State& previous_fifth);
struct Poseidon2Sbox {
  hash::Poseidon2State cube, fifth;
};
// Row t's s-box columns for its state.
Poseidon2Sbox Poseidon2SboxOf(const hash::Poseidon2State& state, uint32_t t);

// The constraint side: a row's masks, read in this order (lanes at offsets -1 and 0, cubes, fifth
// powers at -1 and 0).
template <class F>
struct Poseidon2RoundMasks {
  std::array<F, hash::kPoseidon2Width> state, previous_state, cube, fifth, previous_fifth;
};

template <class E>
Poseidon2RoundMasks<typename E::F> ReadPoseidon2RoundMasks(E& eval) {
  Poseidon2RoundMasks<typename E::F> m;
  for (size_t i = 0; i < hash::kPoseidon2Width; ++i) {
    const auto [before, now] =
        eval.template NextInteractionMask<2>(kTraceTree, std::array<int, 2>{-1, 0});
    m.previous_state[i] = before;
    m.state[i] = now;
  }
  for (auto& lane : m.cube) lane = eval.NextTraceMask();
  for (size_t i = 0; i < hash::kPoseidon2Width; ++i) {
    const auto [before, now] =
        eval.template NextInteractionMask<2>(kTraceTree, std::array<int, 2>{-1, 0});
    m.previous_fifth[i] = before;
    m.fifth[i] = now;
  }
  return m;
}

// cube = x³ and fifth = cube·x² on every lane, x the lane plus constant(i) (the round data's).
template <class E, class Constant>
void ConstrainPoseidon2Sbox(E& eval, const Poseidon2RoundMasks<typename E::F>& m,
                            const Constant& constant) {
  for (size_t i = 0; i < hash::kPoseidon2Width; ++i) {
    const typename E::F x = m.state[i] + constant(i);
    eval.AddConstraint(m.cube[i] - x * x * x);
    eval.AddConstraint(m.fifth[i] - m.cube[i] * x * x);
  }
}

// The state each kind of row would hold, from the previous row's masks.
template <class F>
struct Poseidon2NextStates {
  std::array<F, hash::kPoseidon2Width> external, full, partial;
};

template <class F>
Poseidon2NextStates<F> Poseidon2NextStatesOf(const Poseidon2RoundMasks<F>& m) {
  Poseidon2NextStates<F> next{m.previous_state, m.previous_fifth, m.previous_state};
  hash::Poseidon2ExternalLayer(next.external);
  hash::Poseidon2ExternalLayer(next.full);
  next.partial[0] = m.previous_fifth[0];
  hash::Poseidon2InternalLayer(next.partial);
  return next;
}

}  // namespace tensorstark::air
