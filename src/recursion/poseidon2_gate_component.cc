#include "recursion/poseidon2_gate_component.h"

#include <cassert>

namespace tensorstark::recursion {

using field::M31;

std::vector<M31> Poseidon2GateRow(const hash::Poseidon2State& input) {
  struct Recorded {
    std::vector<M31>& row;
    M31 Cube(M31 x) {
      row.push_back(x * x * x);
      return row.back();
    }
    hash::Poseidon2State State(const hash::Poseidon2State& state) {
      row.insert(row.end(), state.begin(), state.end());
      return state;
    }
  };
  std::vector<M31> row(input.begin(), input.end());
  row.reserve(kPoseidon2GateColumns);
  Recorded next{row};
  Poseidon2Rounds<M31>(input, next);
  assert(row.size() == kPoseidon2GateColumns);
  return row;
}

}  // namespace tensorstark::recursion
