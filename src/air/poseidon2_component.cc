#include "air/poseidon2_component.h"

#include <tbb/parallel_for.h>

#include <cassert>

#include "circle/bit_reverse.h"

namespace tensorstark::air {

using field::M31;
using hash::kPoseidon2Width;

hash::Poseidon2State Poseidon2RoundValues(hash::Poseidon2State state,
                                          std::span<M31> round_columns) {
  assert(round_columns.size() == kPoseidon2RoundColumns);
  const hash::Poseidon2Constants& constants = hash::Poseidon2RoundConstants();
  size_t column = 0;
  // The same order as Poseidon2Rounds.
  auto s_box = [&](M31 lane, M31 constant) {
    const M31 x = lane + constant;
    const M31 cube = x * x * x;
    round_columns[column++] = cube;
    round_columns[column++] = cube * x * x;
    return cube * x * x;
  };
  auto full_round = [&](const hash::Poseidon2State& round_constants) {
    for (size_t i = 0; i < kPoseidon2Width; ++i) state[i] = s_box(state[i], round_constants[i]);
    hash::Poseidon2ExternalLayer(state);
  };
  hash::Poseidon2ExternalLayer(state);
  for (const hash::Poseidon2State& round : constants.initial) full_round(round);
  for (const M31& constant : constants.partial) {
    state[0] = s_box(state[0], constant);
    hash::Poseidon2InternalLayer(state);
    for (const M31& lane : state) round_columns[column++] = lane;
  }
  for (const hash::Poseidon2State& round : constants.terminal) full_round(round);
  assert(column == kPoseidon2RoundColumns);
  return state;
}

Poseidon2Trace MakePoseidon2Trace(std::span<const hash::Poseidon2State> inputs, uint32_t log_size) {
  const size_t n_rows = size_t{1} << log_size;
  assert(inputs.size() <= n_rows);
  Poseidon2Trace trace;
  trace.columns.assign(kPoseidon2Columns, std::vector<M31>(n_rows));
  trace.outputs.resize(n_rows);
  tbb::parallel_for(size_t{0}, n_rows, [&](size_t row) {
    const size_t position =
        circle::BitReverseIndex(circle::CosetIndexToCircleDomainIndex(row, log_size), log_size);
    const hash::Poseidon2State input = row < inputs.size() ? inputs[row] : hash::Poseidon2State{};
    std::array<M31, kPoseidon2RoundColumns> rounds;
    trace.outputs[row] = Poseidon2RoundValues(input, rounds);
    for (size_t i = 0; i < kPoseidon2Width; ++i) trace.columns[i][position] = input[i];
    for (size_t c = 0; c < rounds.size(); ++c) {
      trace.columns[kPoseidon2Width + c][position] = rounds[c];
    }
  });
  return trace;
}

}  // namespace tensorstark::air
