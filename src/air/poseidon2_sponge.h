// A committed tensor's Poseidon2 digest as an AIR component (hash::Poseidon2SpongeDigest; issue 6
// §2, docs/zero-knowledge.md): it absorbs the tensor's values 8 at a time and row 0 checks that
// the state the sponge ends in carries the digest stated in the public inputs (a committed
// tensor's) or fixed in the AIR (the private weights', which the model commitment then binds). The
// values are read from the tensor relation at their addresses (a committed tensor, which an
// operator computes) or yielded to it with multiplicity -(their reads) (the private weights, which
// only the trace holds). So a proof states the digest of values that the rest of the AIR uses, and
// nothing more about them.
//
// One permutation per row (poseidon2_permutation_row.h): row r absorbs block r of the values and
// permutes. Its input state is the previous row's output plus the block's 8 values on lanes 0–7;
// on row 0 it is the values, lane 8 the number of values, the other lanes 0. Row 0's previous row
// is the last row (the rows are cyclic): its output's lanes 0–7 must be the digest. A padding
// value (flag 0) must be 0.
//
// Main columns of a row: the 8 values, the 16 lanes of the input state, the permutation's 284.
// Data columns, from first_data_column on: the 8 addresses, the 8 flags (1 for a value, 0 for
// padding), and when yielding the 8 read counts.
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
#include "air/poseidon2_permutation_row.h"
#include "hash/poseidon2_m31.h"

namespace tensorstark::air {

class Poseidon2TensorSponge : public DataComponent {
 public:
  // Read: each value is read once (multiplicity 1). Yield: value i is yielded with multiplicity
  // -reads[i].
  enum class Absorb { kRead, kYield };
  static constexpr uint32_t DataColumns(Absorb absorb) {
    return (absorb == Absorb::kYield ? 3 : 2) * hash::kPoseidon2Rate;
  }
  static constexpr uint32_t kTraceColumns =
      hash::kPoseidon2Rate + hash::kPoseidon2Width + kPoseidon2PermutationColumns;

  // Where the digest is: the public inputs from this index on, or these words in the AIR.
  using Digest = std::variant<size_t, std::array<field::M31, hash::kPoseidon2Rate>>;

  // The digest of the values at `addresses` (in order), read; or yielded, value i with `reads[i]`
  // reads. The component's data columns are the AIR's data columns first_data_column … +
  // DataColumns(absorb) - 1.
  Poseidon2TensorSponge(std::string name, std::span<const field::M31> addresses,
                        uint32_t first_data_column, Digest digest,
                        std::span<const int64_t> reads = {});

  template <class E>
  void Evaluate(E& eval) const {
    using F = typename E::F;
    using field::M31;
    constexpr size_t kRate = hash::kPoseidon2Rate, kWidth = hash::kPoseidon2Width;
    const F first = eval.GetPreprocessedColumn({PreprocessedColumnId::Kind::kIsFirst, log_size()});
    std::array<F, kRate> values;
    for (size_t j = 0; j < kRate; ++j) {
      values[j] = eval.NextTraceMask();
      const F holds = Data(eval, kRate + j);
      eval.AddConstraint((eval.ConstantF(M31::One()) - holds) * values[j]);
      const F multiplicity = absorb_ == Absorb::kRead ? holds : -Data(eval, 2 * kRate + j);
      eval.AddToRelation(TensorRelation(), multiplicity, {Data(eval, j), values[j]});
    }
    std::array<F, kWidth> input;
    for (F& lane : input) lane = eval.NextTraceMask();
    const Poseidon2PermutationOutputs<F> chain = ConstrainPoseidon2Permutation(eval, input);
    for (size_t i = 0; i < kWidth; ++i) {
      // input = previous output + values, or on row 0 the initial state + values.
      const M31 initial = i == kRate ? M31::FromCanonical(static_cast<uint32_t>(n_values_)) : M31();
      F absorbed = input[i] - chain.previous_output[i];
      if (i < kRate) absorbed = absorbed - values[i];
      eval.AddConstraint(absorbed - first * (eval.ConstantF(initial) - chain.previous_output[i]));
      if (i < kRate) {
        const F word = std::holds_alternative<size_t>(digest_)
                           ? eval.PublicInput(std::get<size_t>(digest_) + i)
                           : eval.ConstantF(std::get<1>(digest_)[i]);
        eval.AddConstraint(first * (chain.previous_output[i] - word));
      }
    }
    eval.FinalizeLogupInPairs();
  }

 private:
  size_t n_values_;
  Digest digest_;
  Absorb absorb_;
};

// The trace of the sponge over `values` (one per address of the component, in order), storage
// order, and the digest it states.
struct Poseidon2SpongeTrace {
  std::vector<std::vector<field::M31>> columns;
  std::array<field::M31, hash::kPoseidon2Rate> digest;
};
Poseidon2SpongeTrace MakePoseidon2SpongeTrace(std::span<const field::M31> values);

}  // namespace tensorstark::air
