// A committed tensor's Poseidon2 digest as an AIR component (hash::Poseidon2SpongeDigest; issue 6
// §2, docs/zero-knowledge.md): it absorbs the tensor's values 8 at a time, read from the tensor
// relation at their addresses, and row 0 checks that the state the sponge ends in carries the
// digest stated in the public inputs (a committed tensor's) or fixed in the AIR (the private
// weights', which the model commitment then binds). So a proof states the digest of values that
// the rest of the AIR uses, and nothing more about them.
//
// One permutation takes a block of kRowsPerBlock = 16 rows, one full round or two partial rounds
// per row: few columns, which is what a verifier pays for per query (the Cairo verifier, on
// Starknet). Row t of a block holds the state s_t; its s-box columns hold (s_t + c_t)^3 and
// (s_t + c_t)^5 on every lane, c_t the round constants of the round row t starts (zero where it
// starts none, whose s-box columns are constrained all the same and unused), and its second
// s-box columns the same of lane 0 of m_t = M_I·((s_t + c_t)^5 on lane 0, s_t on lanes 1–15),
// plus the second partial round's constant: the state between the two partial rounds a row's
// successor ends. How s_t follows from row t - 1 (kinds below):
//   t = 0          absorb:  s_0 = M_E·(the previous block's output + the block's 8 values on
//                           lanes 0–7), the layer before the first round (on the component's
//                           first row: M_E·(the values, lane 8 the number of values, the other
//                           lanes 0));
//   t = 1–4, 12–15 full:    s_t = M_E·(s-box_(t-1));
//   t = 5–11       partial: s_t = M_I·(second s-box_(t-1) on lane 0, m_(t-1) on lanes 1–15).
// Row 15 holds the block's output; row 0's previous row is the last block's row 15, whose lanes
// 0–7 must be the digest. A padding value (multiplicity 0) must be 0.
//
// Columns of a row: the 8 values (used on absorb rows), the 16 lanes of s_t, the 16 cubes, the 16
// fifth powers, the second cube and fifth power. Data columns, from first_data_column on: the 8
// addresses, the 8 multiplicities (1 for a value, 0 for padding and on other rows), the absorb
// selector (0 on row 0, whose state the first-row constraint fixes); then, repeating every block,
// the full and partial selectors, the 16 round constants and the second partial round's.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <tuple>
#include <utility>
#include <variant>
#include <vector>

#include "air/component.h"
#include "air/data_component.h"
#include "air/model_relations.h"
#include "hash/poseidon2_m31.h"

namespace tensorstark::air {

// The state after a partial round's s-box on lane 0 (given its fifth power) and internal layer:
// between the two partial rounds of a row (m_t above).
template <class F>
std::array<F, hash::kPoseidon2Width> StateBetweenPartialRounds(
    const std::array<F, hash::kPoseidon2Width>& fifth,
    const std::array<F, hash::kPoseidon2Width>& state) {
  std::array<F, hash::kPoseidon2Width> between = state;
  between[0] = fifth[0];
  hash::Poseidon2InternalLayer(between);
  return between;
}

class Poseidon2TensorSponge : public DataComponent {
 public:
  static constexpr uint32_t kRowsPerBlock = 16;
  static constexpr uint32_t kDataColumns = 2 * hash::kPoseidon2Rate + 4 + hash::kPoseidon2Width;
  static constexpr uint32_t kTraceColumns = hash::kPoseidon2Rate + 3 * hash::kPoseidon2Width + 2;

  // Where the digest is: the public inputs from this index on, or these words in the AIR.
  using Digest = std::variant<size_t, std::array<field::M31, hash::kPoseidon2Rate>>;

  // The digest of the values at `addresses` (in order); the component's data columns are the
  // AIR's data columns first_data_column … + kDataColumns - 1.
  Poseidon2TensorSponge(std::string name, std::span<const field::M31> addresses,
                        uint32_t first_data_column, Digest digest);

  template <class E>
  void Evaluate(E& eval) const {
    using F = typename E::F;
    using field::M31;
    constexpr size_t kRate = hash::kPoseidon2Rate, kWidth = hash::kPoseidon2Width;
    const F one = eval.ConstantF(M31::One());
    const F first = eval.GetPreprocessedColumn({PreprocessedColumnId::Kind::kIsFirst, log_size()});
    std::array<F, kRate> values;
    for (size_t j = 0; j < kRate; ++j) {
      values[j] = eval.NextTraceMask();
      const F multiplicity = Data(eval, kRate + j);
      eval.AddConstraint((one - multiplicity) * values[j]);
      eval.AddToRelation(TensorRelation(), multiplicity, {Data(eval, j), values[j]});
    }
    std::array<F, kWidth> state, previous_state, cube, fifth, previous_fifth;
    for (size_t i = 0; i < kWidth; ++i) {
      std::tie(previous_state[i], state[i]) = PreviousAndCurrent(eval);
    }
    for (F& lane : cube) lane = eval.NextTraceMask();
    for (size_t i = 0; i < kWidth; ++i) {
      std::tie(previous_fifth[i], fifth[i]) = PreviousAndCurrent(eval);
    }
    const F second_cube = eval.NextTraceMask();
    const auto [previous_second_fifth, second_fifth] = PreviousAndCurrent(eval);
    for (size_t i = 0; i < kWidth; ++i) {
      const F x = state[i] + Data(eval, kRoundConstants + i);
      eval.AddConstraint(cube[i] - x * x * x);
      eval.AddConstraint(fifth[i] - cube[i] * x * x);
    }
    const F x = StateBetweenPartialRounds(fifth, state)[0] + Data(eval, kSecondPartialConstant);
    eval.AddConstraint(second_cube - x * x * x);
    eval.AddConstraint(second_fifth - second_cube * x * x);
    // The state each kind of row would hold, from the previous row.
    // Absorbing: the values added to the previous block's output, or on the component's first
    // row to the initial state (lane 8 the number of values), then the external layer.
    const F zero = eval.ConstantF(M31());
    std::array<F, kWidth> absorbed = previous_state, initial;
    initial.fill(zero);
    initial[kRate] = eval.ConstantF(M31::FromCanonical(static_cast<uint32_t>(n_values_)));
    for (size_t j = 0; j < kRate; ++j) {
      absorbed[j] = absorbed[j] + values[j];
      initial[j] = values[j];
    }
    hash::Poseidon2ExternalLayer(absorbed);
    hash::Poseidon2ExternalLayer(initial);
    std::array<F, kWidth> full = previous_fifth;
    hash::Poseidon2ExternalLayer(full);
    std::array<F, kWidth> partial = StateBetweenPartialRounds(previous_fifth, previous_state);
    partial[0] = previous_second_fifth;
    hash::Poseidon2InternalLayer(partial);
    const F absorb = Data(eval, kAbsorb), full_row = Data(eval, kFull),
            partial_row = Data(eval, kPartial);
    const F any_row = absorb + full_row + partial_row;
    for (size_t i = 0; i < kWidth; ++i) {
      const F expected = absorb * absorbed[i] + full_row * full[i] + partial_row * partial[i];
      eval.AddConstraint(any_row * state[i] - expected);
      eval.AddConstraint(first * (state[i] - initial[i]));
      if (i < kRate) {
        const F word = std::holds_alternative<size_t>(digest_)
                           ? eval.PublicInput(std::get<size_t>(digest_) + i)
                           : eval.ConstantF(std::get<1>(digest_)[i]);
        eval.AddConstraint(first * (previous_state[i] - word));
      }
    }
    eval.FinalizeLogupInPairs();
  }

 private:
  // Data columns after the addresses and multiplicities.
  static constexpr uint32_t kAbsorb = 2 * hash::kPoseidon2Rate, kFull = kAbsorb + 1,
                            kPartial = kAbsorb + 2, kRoundConstants = kAbsorb + 3,
                            kSecondPartialConstant = kRoundConstants + hash::kPoseidon2Width;

  // A main column's values on the previous row and this one.
  template <class E>
  static std::pair<typename E::F, typename E::F> PreviousAndCurrent(E& eval) {
    const auto [previous, current] =
        eval.template NextInteractionMask<2>(kTraceTree, std::array<int, 2>{-1, 0});
    return {previous, current};
  }

  size_t n_values_;
  Digest digest_;
};

// The trace of the sponge over `values` (one per address of the component, in order), storage
// order, and the digest it states.
struct Poseidon2SpongeTrace {
  std::vector<std::vector<field::M31>> columns;
  std::array<field::M31, hash::kPoseidon2Rate> digest;
};
Poseidon2SpongeTrace MakePoseidon2SpongeTrace(std::span<const field::M31> values);

}  // namespace tensorstark::air
