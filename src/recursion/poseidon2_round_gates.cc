#include "recursion/poseidon2_round_gates.h"

#include <cassert>
#include <utility>

namespace tensorstark::recursion {

using air::kPoseidon2BlockRows;
using field::M31;
using hash::kPoseidon2Width;

air::DataColumns Poseidon2RoundGates::DataOf(const std::vector<Gate>& gates, size_t rows) {
  assert(rows % kPoseidon2BlockRows == 0 && gates.size() * kPoseidon2BlockRows <= rows);
  air::DataColumns data(2, std::vector<M31>(rows));
  std::vector<M31>&id = data[kId], &multiplicity = data[kMultiplicity];
  for (size_t g = 0; g < gates.size(); ++g) {
    const size_t block = g * kPoseidon2BlockRows;
    for (size_t i = 0; i < kPoseidon2Width; ++i) {
      id[block + i] = M31::FromCanonical(gates[g].inputs[i]);
      multiplicity[block + i] = -M31::One();
      // Row 16 + i carries output word 15 - i (the io register shifts them up).
      const size_t out = block + 2 * kPoseidon2Width - 1 - i;
      id[out] = M31::FromCanonical(gates[g].first_output + static_cast<uint32_t>(i));
      multiplicity[out] = M31::FromCanonical(gates[g].output_reads[i]);
    }
  }
  // first, last, shift down and shift up: one on the block rows [begin, end).
  constexpr uint32_t kWidth = kPoseidon2Width, kRows = kPoseidon2BlockRows;
  for (const auto& [begin, end] :
       {std::pair{0u, 1u}, {kRows - 1, kRows}, {1u, kWidth}, {kWidth + 1, kRows}}) {
    std::vector<M31>& column = data.emplace_back(kRows);
    for (uint32_t t = begin; t < end; ++t) column[t] = M31::One();
  }
  air::AppendPoseidon2RoundData(data);
  assert(data.size() == kDataColumns);
  return data;
}

void Poseidon2RoundGates::WriteBlock(const hash::Poseidon2State& input,
                                     std::vector<std::vector<M31>>& trace, size_t first_row) {
  hash::Poseidon2State state = input;
  hash::Poseidon2State fifth{};
  for (uint32_t t = 0; t < kPoseidon2BlockRows; ++t) {
    air::Poseidon2RowStep(air::Poseidon2RowKindOf(t), state, fifth);
    const air::Poseidon2Sbox sbox = air::Poseidon2SboxOf(state, t);
    fifth = sbox.fifth;
    const size_t row = first_row + t;
    size_t column = kPoseidon2Width;
    for (const M31& lane : state) trace[column++][row] = lane;
    for (const M31& lane : sbox.cube) trace[column++][row] = lane;
    for (const M31& lane : sbox.fifth) trace[column++][row] = lane;
    assert(column == kTraceColumns);
  }
  // io: on row t < 16 the input from word t on, on row t >= 16 the output from word 31 - t on
  // (row 31's lanes), zeros past the last word.
  for (uint32_t t = 0; t < kPoseidon2BlockRows; ++t) {
    const bool input_half = t < kPoseidon2Width;
    const hash::Poseidon2State& words = input_half ? input : state;
    const size_t first_word = input_half ? t : kPoseidon2BlockRows - 1 - t;
    for (size_t j = 0; j < kPoseidon2Width; ++j) {
      trace[j][first_row + t] = first_word + j < kPoseidon2Width ? words[first_word + j] : M31();
    }
  }
}

}  // namespace tensorstark::recursion
