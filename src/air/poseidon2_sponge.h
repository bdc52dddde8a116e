// A committed tensor's Poseidon2 digest as an AIR component (hash::Poseidon2SpongeDigest; issue 6
// §2, docs/zero-knowledge.md): it absorbs the tensor's values 8 at a time, read from the tensor
// relation at their addresses, and row 0 checks that the state the sponge ends in carries the
// digest stated in the public inputs (a committed tensor's) or fixed in the AIR (the private
// weights', which the model commitment then binds). So a proof states the digest of values that
// the rest of the AIR uses, and nothing more about them.
//
// One permutation takes a block of kPoseidon2BlockRows rows, one round per row
// (poseidon2_round_rows.h): few columns, which is what a verifier pays for per query (the Cairo
// verifier, on Starknet). Row 0 of a block absorbs: s_0 = the previous block's output + the block's
// 8 values on lanes 0–7 (on the component's first row: the values, lane 8 the number of values,
// the other lanes 0). Row 0's previous row is the last block's row 31: its lanes 0–7 must be the
// digest. A padding value (multiplicity 0) must be 0.
//
// Columns of a row: the 8 values (used on absorb rows), then the round rows' 48 (the 16 lanes of
// s_t, the 16 cubes, the 16 fifth powers). Data columns, from first_data_column on: the 8
// addresses, the 8 multiplicities (1 for a value, 0 for padding and on other rows), the absorb
// selector (0 on row 0, whose state the first-row constraint fixes); then the round data.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "air/component.h"
#include "air/data_component.h"
#include "air/model_relations.h"
#include "air/poseidon2_round_rows.h"
#include "hash/poseidon2_m31.h"

namespace tensorstark::air {

class Poseidon2TensorSponge : public DataComponent {
 public:
  static constexpr uint32_t kDataColumns = 2 * hash::kPoseidon2Rate + 1 + kPoseidon2RoundDataColumns;
  static constexpr uint32_t kTraceColumns = hash::kPoseidon2Rate + kPoseidon2RoundTraceColumns;

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
    const Poseidon2RoundMasks<F> m = ReadPoseidon2RoundMasks(eval);
    ConstrainPoseidon2Sbox(eval, m, [&](size_t i) { return Data(eval, kRoundConstants + i); });
    // The state each kind of row would hold, from the previous row.
    const Poseidon2NextStates<F> next = Poseidon2NextStatesOf(m);
    const F absorb = Data(eval, kAbsorb), external_row = Data(eval, kExternal),
            full_row = Data(eval, kFull), partial_row = Data(eval, kPartial),
            copy = Data(eval, kCopy);
    const F any_row = absorb + external_row + full_row + partial_row + copy;
    const F zero = eval.ConstantF(M31());
    for (size_t i = 0; i < kWidth; ++i) {
      const F value = i < kRate ? values[i] : zero;
      const F expected = absorb * (m.previous_state[i] + value) + external_row * next.external[i] +
                         full_row * next.full[i] + partial_row * next.partial[i] +
                         copy * m.previous_state[i];
      eval.AddConstraint(any_row * m.state[i] - expected);
      const F initial =
          i == kRate ? eval.ConstantF(M31::FromCanonical(static_cast<uint32_t>(n_values_))) : value;
      eval.AddConstraint(first * (m.state[i] - initial));
      if (i < kRate) {
        const F word = std::holds_alternative<size_t>(digest_)
                           ? eval.PublicInput(std::get<size_t>(digest_) + i)
                           : eval.ConstantF(std::get<1>(digest_)[i]);
        eval.AddConstraint(first * (m.previous_state[i] - word));
      }
    }
    eval.FinalizeLogupInPairs();
  }

 private:
  // Data columns after the addresses and multiplicities.
  static constexpr uint32_t kAbsorb = 2 * hash::kPoseidon2Rate, kExternal = kAbsorb + 1,
                            kFull = kAbsorb + 2, kPartial = kAbsorb + 3, kCopy = kAbsorb + 4,
                            kRoundConstants = kAbsorb + 5;

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
