#include "recursion/poseidon2_round_gates.h"

#include <cassert>

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
      const size_t out = block + kPoseidon2Width + i;
      id[out] = M31::FromCanonical(gates[g].first_output + static_cast<uint32_t>(i));
      multiplicity[out] = M31::FromCanonical(gates[g].output_reads[i]);
    }
  }
  for (const uint32_t row : {0u, kPoseidon2BlockRows - 1}) {
    std::vector<M31>& flag = data.emplace_back(kPoseidon2BlockRows);
    flag[row] = M31::One();
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
    size_t column = 1;
    for (const M31& lane : state) trace[column++][row] = lane;
    for (const M31& lane : sbox.cube) trace[column++][row] = lane;
    for (const M31& lane : sbox.fifth) trace[column++][row] = lane;
    assert(column == kTraceColumns);
  }
  // io: the input words, then the output words (row 31's lanes).
  for (size_t i = 0; i < kPoseidon2Width; ++i) {
    trace[0][first_row + i] = input[i];
    trace[0][first_row + kPoseidon2Width + i] = state[i];
  }
}

}  // namespace tensorstark::recursion
