// Poseidon2 over M31 (hash/poseidon2_m31.h) as an AIR component: one permutation per row, every
// constraint of degree 3. The columns of a row, in order:
//   - the input state (16);
//   - per full round and lane, x³ and x⁵ for x = the lane after the previous linear layer plus the
//     round constant (2·16, 4 rounds before and 4 after the partial ones);
//   - per partial round, x³ and x⁵ for lane 0, then the 16 lanes after the internal layer (18): a
//     column per lane keeps each constraint a short expression of the previous round's columns.
// The output state is the external layer applied to the last round's x⁵ columns. Poseidon2Rounds
// is what the tensor sponge (poseidon2_sponge.h) proves its permutations with; Poseidon2Permutations
// proves a batch of independent permutations, the rounds' constraints on their own.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "field/m31.h"
#include "hash/poseidon2_m31.h"

namespace tensorstark::air {

inline constexpr size_t kPoseidon2Columns =
    hash::kPoseidon2Width * (1 + 2 * 2 * hash::kPoseidon2HalfFullRounds) +
    hash::kPoseidon2PartialRounds * (2 + hash::kPoseidon2Width);

// The rounds of the permutation on `state` (expressions of the evaluator), reading their columns
// and adding their constraints: on return, `state` holds the output as an expression of degree 1.
template <class E>
void Poseidon2Rounds(E& eval, std::array<typename E::F, hash::kPoseidon2Width>& state) {
  using F = typename E::F;
  const hash::Poseidon2Constants& constants = hash::Poseidon2RoundConstants();
  // x⁵ of lane + constant as two columns, each checked by a degree-3 constraint.
  auto s_box = [&](const F& lane, field::M31 constant) {
    const F x = lane + constant;
    const F cube = eval.NextTraceMask();
    eval.AddConstraint(cube - x * x * x);
    const F fifth = eval.NextTraceMask();
    eval.AddConstraint(fifth - cube * x * x);
    return fifth;
  };
  auto full_round = [&](const hash::Poseidon2State& round_constants) {
    for (size_t i = 0; i < hash::kPoseidon2Width; ++i)
      state[i] = s_box(state[i], round_constants[i]);
    hash::Poseidon2ExternalLayer(state);
  };
  hash::Poseidon2ExternalLayer(state);
  for (const hash::Poseidon2State& round : constants.initial) full_round(round);
  for (const field::M31& constant : constants.partial) {
    state[0] = s_box(state[0], constant);
    hash::Poseidon2InternalLayer(state);
    for (F& lane : state) {
      const F column = eval.NextTraceMask();
      eval.AddConstraint(column - lane);
      lane = column;
    }
  }
  for (const hash::Poseidon2State& round : constants.terminal) full_round(round);
}
inline constexpr size_t kPoseidon2RoundColumns = kPoseidon2Columns - hash::kPoseidon2Width;

class Poseidon2Permutations {
 public:
  explicit Poseidon2Permutations(uint32_t log_size) : log_size_(log_size) {}

  std::string name() const { return "poseidon2"; }
  uint32_t log_size() const { return log_size_; }

  template <class E>
  void Evaluate(E& eval) const {
    std::array<typename E::F, hash::kPoseidon2Width> state;
    for (auto& lane : state) lane = eval.NextTraceMask();
    Poseidon2Rounds(eval, state);
  }

 private:
  uint32_t log_size_;
};

// The values of Poseidon2Rounds' columns for an input state (round_columns has
// kPoseidon2RoundColumns entries); returns the output state.
hash::Poseidon2State Poseidon2RoundValues(hash::Poseidon2State state,
                                          std::span<field::M31> round_columns);

// The kPoseidon2Columns trace columns (storage order) of 2^log_size permutations: row r (coset
// order) permutes inputs[r] (at most 2^log_size of them), and the zero state past the inputs.
// Also each row's output state.
struct Poseidon2Trace {
  std::vector<std::vector<field::M31>> columns;
  std::vector<hash::Poseidon2State> outputs;  // coset order
};
Poseidon2Trace MakePoseidon2Trace(std::span<const hash::Poseidon2State> inputs, uint32_t log_size);

}  // namespace tensorstark::air
