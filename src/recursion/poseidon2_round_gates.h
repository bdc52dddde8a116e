// The Poseidon2 gates of a narrow recursion AIR (Poseidon2Layout::kRounds, recursion_air.h): a
// block of 32 rows per gate, a round a row (air/poseidon2_round_rows.h), 49 trace columns where
// the one-row layout (poseidon2_gate_component.h) has 510. Few columns are what a verifier pays
// for per query, so the proof a Cairo contract verifies is made with this layout
// (docs/recursion.md, "The one Cairo verifier").
//
// A gate's 32 wires meet the wire relation through one trace column, `io`: on row t < 16 of its
// block it holds input word t, read from the relation; on row t ≥ 16 output word t - 16, written
// to it. Row 0's lanes must equal io on rows 0–15 (offsets 0 to 15), row 31's io on rows 16–31
// (offsets -15 to 0), so one lookup a row carries them all.
//
//   data:  id (the input word's wire on rows 0–15, the output word's on rows 16–31),
//          multiplicity (-1 on rows 0–15 of a gate, the output word's reads on rows 16–31, 0 on a
//          padding block), then one block long: first and last (block rows 0 and 31), the round data
//   trace: io, then the round rows' lanes, cubes and fifth powers
// A padding block permutes zeros, which satisfies every constraint.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "air/data_component.h"
#include "air/poseidon2_round_rows.h"
#include "recursion/gate_components.h"

namespace tensorstark::recursion {

class Poseidon2RoundGates : public air::DataComponent {
 public:
  static constexpr uint32_t kDataColumns = 4 + air::kPoseidon2RoundDataColumns;
  // The data columns as long as the component (id, multiplicity); the others are a block long.
  static constexpr uint32_t kFullDataColumns = 2;
  static constexpr uint32_t kTraceColumns = 1 + air::kPoseidon2RoundTraceColumns;
  using DataComponent::DataComponent;

  template <class E>
  void Evaluate(E& eval) const {
    using F = typename E::F;
    constexpr int kWidth = static_cast<int>(hash::kPoseidon2Width);
    // io at offsets -15 … 15: io[kWidth - 1 + o] is io at offset o.
    std::array<int, 2 * kWidth - 1> offsets;
    for (int k = 0; k < 2 * kWidth - 1; ++k) offsets[k] = k - (kWidth - 1);
    const auto io = eval.template NextInteractionMask<2 * kWidth - 1>(air::kTraceTree, offsets);
    const air::Poseidon2RoundMasks<F> m = air::ReadPoseidon2RoundMasks(eval);
    air::ConstrainPoseidon2Sbox(eval, m, [&](size_t i) { return Data(eval, kRoundData + 4 + i); });
    const air::Poseidon2NextStates<F> next = air::Poseidon2NextStatesOf(m);
    const F external = Data(eval, kRoundData), full = Data(eval, kRoundData + 1),
            partial = Data(eval, kRoundData + 2), copy = Data(eval, kRoundData + 3);
    const F any_row = external + full + partial + copy;
    const F first = Data(eval, kFirst), last = Data(eval, kLast);
    for (int i = 0; i < kWidth; ++i) {
      eval.AddConstraint(any_row * m.state[i] -
                         (external * next.external[i] + full * next.full[i] +
                          partial * next.partial[i] + copy * m.previous_state[i]));
      eval.AddConstraint(first * (m.state[i] - io[kWidth - 1 + i]));
      eval.AddConstraint(last * (m.state[i] - io[i]));
    }
    const F zero = eval.ConstantF(field::M31());
    AddWire(eval, Data(eval, kMultiplicity), Data(eval, kId), {io[kWidth - 1], zero, zero, zero});
    eval.FinalizeLogupInPairs();
  }

  // The data columns for gates with these input wires, output wires (the first of 16) and output
  // reads, in `rows` rows (a multiple of the block).
  struct Gate {
    std::array<WireId, hash::kPoseidon2Width> inputs;
    WireId first_output = 0;
    std::array<uint32_t, hash::kPoseidon2Width> output_reads;
  };
  static air::DataColumns DataOf(const std::vector<Gate>& gates, size_t rows);

  // Writes the block of the permutation of `input` into `trace` (kTraceColumns columns, coset
  // order) from row `first_row` on.
  static void WriteBlock(const hash::Poseidon2State& input,
                         std::vector<std::vector<field::M31>>& trace, size_t first_row);

 private:
  static constexpr uint32_t kId = 0, kMultiplicity = 1, kFirst = 2, kLast = 3, kRoundData = 4;
};

}  // namespace tensorstark::recursion
