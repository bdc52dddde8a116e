// The Poseidon2 gates of a narrow recursion AIR (Poseidon2Layout::kRounds, recursion_air.h): a
// block of 32 rows per gate, a round a row (air/poseidon2_round_rows.h), 64 trace columns where
// the one-row layout (poseidon2_gate_component.h) has 510. Few columns are what a verifier pays
// for per query, so the proof a Cairo contract verifies is made with this layout
// (docs/recursion.md, "The one Cairo verifier").
//
// A gate's 32 wires meet the wire relation one a row, through lane 0 of a 16-lane register `io`
// that shifts by a lane a row, so that every constraint reads only offsets 0 and -1 (a verifier
// pays for each distinct sample point per query, far more than for a column: with one io column
// read at offsets -15 to 15, the DEEP quotients at its 29 extra points took 18% of the Cairo
// verifier's gas):
//   rows 0–15:  io_0 = row 0's lanes (the input); io_t[j] = io_(t-1)[j + 1], so io_t[0] = input t;
//   rows 16–31: io_31 = row 31's lanes (the output); io_t[j + 1] = io_(t-1)[j], so io_t[0] =
//               output word 31 - t (the words in reverse order);
// the lanes shifted out are zero (any value satisfies the constraints).
//
//   data:  id (the input word's wire on rows 0–15, output word 31 - t's on rows t = 16–31),
//          multiplicity (-1 on rows 0–15 of a gate, the output word's reads on rows 16–31, 0 on a
//          padding block), then one block long: first and last (block rows 0 and 31), shift down
//          (rows 1–15) and shift up (rows 17–31), the round data
//   trace: io's 16 lanes, then the round rows' lanes, cubes and fifth powers
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
  static constexpr uint32_t kDataColumns = 6 + air::kPoseidon2RoundDataColumns;
  // The data columns as long as the component (id, multiplicity); the others are a block long.
  static constexpr uint32_t kFullDataColumns = 2;
  static constexpr uint32_t kTraceColumns =
      hash::kPoseidon2Width + air::kPoseidon2RoundTraceColumns;
  using DataComponent::DataComponent;

  template <class E>
  void Evaluate(E& eval) const {
    using F = typename E::F;
    constexpr size_t kWidth = hash::kPoseidon2Width;
    std::array<F, kWidth> io, previous_io;
    for (size_t j = 0; j < kWidth; ++j) {
      const auto [before, now] =
          eval.template NextInteractionMask<2>(air::kTraceTree, std::array<int, 2>{-1, 0});
      previous_io[j] = before;
      io[j] = now;
    }
    const air::Poseidon2RoundMasks<F> m = air::ReadPoseidon2RoundMasks(eval);
    air::ConstrainPoseidon2Sbox(eval, m, [&](size_t i) { return Data(eval, kRoundData + 4 + i); });
    const air::Poseidon2NextStates<F> next = air::Poseidon2NextStatesOf(m);
    const F external = Data(eval, kRoundData), full = Data(eval, kRoundData + 1),
            partial = Data(eval, kRoundData + 2), copy = Data(eval, kRoundData + 3);
    const F any_row = external + full + partial + copy;
    const F first = Data(eval, kFirst), last = Data(eval, kLast);
    for (size_t i = 0; i < kWidth; ++i) {
      eval.AddConstraint(any_row * m.state[i] -
                         (external * next.external[i] + full * next.full[i] +
                          partial * next.partial[i] + copy * m.previous_state[i]));
      eval.AddConstraint(first * (m.state[i] - io[i]));
      eval.AddConstraint(last * (m.state[i] - io[i]));
    }
    // The shifts: never both on one row, so one constraint a lane pair carries them.
    const F down = Data(eval, kShiftDown), up = Data(eval, kShiftUp);
    for (size_t j = 0; j + 1 < kWidth; ++j) {
      eval.AddConstraint(down * (io[j] - previous_io[j + 1]) + up * (io[j + 1] - previous_io[j]));
    }
    const F zero = eval.ConstantF(field::M31());
    AddWire(eval, Data(eval, kMultiplicity), Data(eval, kId), {io[0], zero, zero, zero});
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
  static constexpr uint32_t kId = 0, kMultiplicity = 1, kFirst = 2, kLast = 3, kShiftDown = 4,
                            kShiftUp = 5, kRoundData = 6;
};

}  // namespace tensorstark::recursion
