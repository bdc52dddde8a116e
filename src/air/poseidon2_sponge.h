// A committed tensor's Poseidon2 digest as an AIR component (hash::Poseidon2SpongeDigest; issue 6
// §2, docs/zero-knowledge.md): row r absorbs values 8r … 8r + 7 of the tensor, read from the
// tensor relation at their addresses, and permutes; row 0 checks that the state the last row leaves
// (the row before it, cyclically) carries the digest stated in the public inputs. So a proof
// states the digest of values that the rest of the AIR uses, and nothing more about them.
//
// Columns of a row: the 8 absorbed values, the 16 lanes of the input state, the permutation's
// round columns (poseidon2_component.h), the 16 lanes of the output state. Constraints:
//   - input = values + previous output on lanes 0–7, previous output on lanes 8–15, except on row
//   0,
//     where lane 8 is the number of values and lanes 9–15 are 0 (is_first·… + (1 - is_first)·…);
//   - the rounds; output = the rounds' result;
//   - a padding value (multiplicity 0) is 0;
//   - on row 0, lanes 0–7 of the last row's output equal the stated digest.
// Data columns: the 8 addresses and the 8 multiplicities (1 for a value, 0 for padding) per row.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "air/component.h"
#include "air/data_component.h"
#include "air/model_relations.h"
#include "air/poseidon2_component.h"

namespace tensorstark::air {

class Poseidon2TensorSponge : public DataComponent {
 public:
  // The digest of the values at `addresses` (in order), stated at public inputs
  // digest_public_input … + 7; the component's 16 data columns are the AIR's data columns
  // first_data_column … + 15.
  Poseidon2TensorSponge(std::string name, std::span<const field::M31> addresses,
                        uint32_t first_data_column, size_t digest_public_input);

  size_t n_values() const { return n_values_; }

  template <class E>
  void Evaluate(E& eval) const {
    using F = typename E::F;
    constexpr size_t kRate = hash::kPoseidon2Rate;
    const F first = eval.GetPreprocessedColumn({PreprocessedColumnId::Kind::kIsFirst, log_size()});
    std::array<F, kRate> values;
    for (size_t j = 0; j < kRate; ++j) {
      values[j] = eval.NextTraceMask();
      const F multiplicity = Data(eval, kRate + j);
      eval.AddConstraint((F(eval.ConstantF(field::M31::One())) - multiplicity) * values[j]);
      eval.AddToRelation(TensorRelation(), multiplicity, {Data(eval, j), values[j]});
    }
    std::array<F, hash::kPoseidon2Width> input;
    for (F& lane : input) lane = eval.NextTraceMask();
    std::array<F, hash::kPoseidon2Width> state = input;
    Poseidon2Rounds(eval, state);
    const F not_first = eval.ConstantF(field::M31::One()) - first;
    for (size_t i = 0; i < hash::kPoseidon2Width; ++i) {
      const auto [previous, output] =
          eval.template NextInteractionMask<2>(kTraceTree, std::array<int, 2>{-1, 0});
      eval.AddConstraint(output - state[i]);
      // The first row starts from the initial capacity; every other row from the last output.
      const F initial = eval.ConstantF(
          i == kRate ? field::M31::FromCanonical(static_cast<uint32_t>(n_values_)) : field::M31());
      const F absorbed = i < kRate ? values[i] : eval.ConstantF(field::M31());
      eval.AddConstraint(input[i] - absorbed - not_first * previous - first * initial);
      if (i < kRate) {
        eval.AddConstraint(first * (previous - eval.PublicInput(digest_public_input_ + i)));
      }
    }
    eval.FinalizeLogupInPairs();
  }

 private:
  size_t n_values_;
  size_t digest_public_input_;
};

// The trace of the sponge over `values` (one per address of the component, in order), storage
// order, and the digest it states.
struct Poseidon2SpongeTrace {
  std::vector<std::vector<field::M31>> columns;
  std::array<field::M31, hash::kPoseidon2Rate> digest;
};
Poseidon2SpongeTrace MakePoseidon2SpongeTrace(std::span<const field::M31> values);

}  // namespace tensorstark::air
