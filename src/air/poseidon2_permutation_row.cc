#include "air/poseidon2_permutation_row.h"

#include <cassert>

namespace tensorstark::air {

using field::M31;
using hash::kPoseidon2Width;

hash::Poseidon2State WritePoseidon2PermutationRow(const hash::Poseidon2State& input,
                                                  std::span<M31> columns) {
  assert(columns.size() == kPoseidon2PermutationColumns);
  const hash::Poseidon2Constants& constants = hash::Poseidon2RoundConstants();
  size_t column = 0;
  auto sbox = [&](M31 x, M31 constant) {
    const M31 u = x + constant;
    const M31 cube = u * u * u;
    const M31 fifth = cube * u * u;
    columns[column++] = cube;
    columns[column++] = fifth;
    return fifth;
  };
  hash::Poseidon2State state = input;
  hash::Poseidon2ExternalLayer(state);
  auto full_round = [&](const hash::Poseidon2State& round) {
    for (size_t i = 0; i < kPoseidon2Width; ++i) state[i] = sbox(state[i], round[i]);
    hash::Poseidon2ExternalLayer(state);
  };
  for (const hash::Poseidon2State& round : constants.initial) full_round(round);
  for (const M31& constant : constants.partial) {
    state[0] = sbox(state[0], constant);
    hash::Poseidon2InternalLayer(state);
  }
  for (const hash::Poseidon2State& round : constants.terminal) full_round(round);
  assert(column == kPoseidon2PermutationColumns);
  return state;
}

}  // namespace tensorstark::air
