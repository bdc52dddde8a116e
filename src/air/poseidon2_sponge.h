// A committed tensor's Poseidon2 digest as an AIR component (hash::Poseidon2SpongeDigest; issue 6
// §2, docs/zero-knowledge.md): it absorbs the tensor's values 8 at a time and row 0 checks that
// the state the sponge ends in carries the digest stated in the public inputs (a committed
// tensor's) or fixed in the AIR (the private weights', which the model commitment then binds). The
// values are read from the tensor relation at their addresses (a committed tensor, which an
// operator computes) or yielded to it with multiplicity -(their reads) (the private weights, which
// only the trace holds). So a proof states the digest of values that the rest of the AIR uses, and
// nothing more about them.
//
// One permutation per row (poseidon2_permutation_row.h): row r absorbs block r of the words and
// permutes. Its input state is the previous row's output plus the block's 8 words on lanes 0–7;
// on row 0 it is the words, lane 8 the number of words, the other lanes 0. Row 0's previous row
// is the last row (the rows are cyclic): its output's lanes 0–7 must be the digest. A padding
// word (flag 0) must be 0.
//
// Read (committed tensors): a word is a value, read once at its address. Yield (private
// weights): a word holds up to three values in places 0–2 (weight_packing.h), each yielded at its
// address with multiplicity -(its reads); a packed word is part(v0) + B·part(v1) + B²·part(v2)
// with every part looked up in the weight part table (weight_part_table.h), an unpacked word is
// v0 (its places 1 and 2 are unused: no reads, no lookup).
//
// Main columns of a row: per word the word and, when yielding, its 3 values; the 16 lanes of the
// input state; the permutation's 284. Data columns, from first_data_column on: reading, the 8
// addresses and the 8 flags (1 for a word, 0 for padding); yielding, the 24 values' addresses,
// their 24 read counts, the 8 flags and 8 more flags (1 for a packed word).
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
#include "air/weight_packing.h"
#include "air/weight_part_table.h"
#include "hash/poseidon2_m31.h"

namespace tensorstark::air {

class Poseidon2TensorSponge : public DataComponent {
 public:
  enum class Absorb { kRead, kYield };
  static constexpr uint32_t DataColumns(Absorb absorb) {
    return absorb == Absorb::kRead ? 2 * hash::kPoseidon2Rate
                                   : (2 * kWeightPartsPerWord + 2) * hash::kPoseidon2Rate;
  }
  static constexpr uint32_t TraceColumns(Absorb absorb) {
    const uint32_t per_word = absorb == Absorb::kRead ? 1 : 1 + kWeightPartsPerWord;
    return per_word * hash::kPoseidon2Rate + hash::kPoseidon2Width + kPoseidon2PermutationColumns;
  }

  // Where the digest is: the public inputs from this index on, or these words in the AIR.
  using Digest = std::variant<size_t, std::array<field::M31, hash::kPoseidon2Rate>>;

  // The values yielded: per value its address and reads, and the words that hold them;
  // part_bits the packed words' part width (0 when no word is packed). Without reads, the
  // component is a verifier's (air/data_component.h: no data columns' values).
  struct Yielded {
    std::span<const field::M31> addresses;
    std::span<const int64_t> reads;
    std::span<const WeightWord> words;
    uint32_t part_bits = 0;
  };

  // The digest of the values at `addresses` (in order), read. The component's data columns are
  // the AIR's data columns first_data_column … + DataColumns(absorb) - 1.
  Poseidon2TensorSponge(std::string name, std::span<const field::M31> addresses,
                        uint32_t first_data_column, Digest digest);
  // The digest of the words holding `yielded`'s values, which it yields.
  Poseidon2TensorSponge(std::string name, const Yielded& yielded, uint32_t first_data_column,
                        Digest digest);

  template <class E>
  void Evaluate(E& eval) const {
    using F = typename E::F;
    using field::M31;
    constexpr size_t kRate = hash::kPoseidon2Rate, kWidth = hash::kPoseidon2Width;
    constexpr uint32_t kPlaces = kWeightPartsPerWord;
    const F first = eval.GetPreprocessedColumn({PreprocessedColumnId::Kind::kIsFirst, log_size()});
    const F one = eval.ConstantF(M31::One());
    std::array<F, kRate> words;
    for (size_t j = 0; j < kRate; ++j) {
      words[j] = eval.NextTraceMask();
      const uint32_t flags = (absorb_ == Absorb::kRead ? 1 : 2 * kPlaces) * kRate;
      eval.AddConstraint((one - Data(eval, flags + j)) * words[j]);
      if (absorb_ == Absorb::kRead) {
        eval.AddToRelation(TensorRelation(), Data(eval, flags + j), {Data(eval, j), words[j]});
        continue;
      }
      std::array<F, kPlaces> values;
      for (F& value : values) value = eval.NextTraceMask();
      const F packed = Data(eval, flags + kRate + j);
      eval.AddConstraint((one - packed) * (words[j] - values[0]));
      if (part_bits_ != 0) {
        const M31 offset = M31::FromCanonical(static_cast<uint32_t>(WeightPartOffset(part_bits_)));
        const M31 base = M31::FromCanonical(static_cast<uint32_t>(WeightPartBase(part_bits_)));
        F word = eval.ConstantF(M31());
        M31 scale = M31::One();
        for (const F& value : values) {
          word = word + (value + offset) * scale;
          scale = scale * base;
          eval.AddToRelation(part_relation_, packed, {value + offset});
        }
        eval.AddConstraint(packed * (words[j] - word));
      }
      for (uint32_t k = 0; k < kPlaces; ++k) {
        const uint32_t place = static_cast<uint32_t>(j) * kPlaces + k;
        eval.AddToRelation(TensorRelation(), -Data(eval, kPlaces * kRate + place),
                           {Data(eval, place), values[k]});
      }
    }
    std::array<F, kWidth> input;
    for (F& lane : input) lane = eval.NextTraceMask();
    const Poseidon2PermutationOutputs<F> chain = ConstrainPoseidon2Permutation(eval, input);
    for (size_t i = 0; i < kWidth; ++i) {
      // input = previous output + words, or on row 0 the initial state + words.
      const M31 initial = i == kRate ? M31::FromCanonical(static_cast<uint32_t>(n_words_)) : M31();
      F absorbed = input[i] - chain.previous_output[i];
      if (i < kRate) absorbed = absorbed - words[i];
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
  size_t n_words_;
  Digest digest_;
  Absorb absorb_;
  uint32_t part_bits_ = 0;
  Relation part_relation_;
};

// The trace of the sponge over `words` (one per address of the component, in order, when
// reading; with the values each holds, `places`, when yielding), storage order, and the digest it
// states.
struct Poseidon2SpongeTrace {
  std::vector<std::vector<field::M31>> columns;
  std::array<field::M31, hash::kPoseidon2Rate> digest;
};
Poseidon2SpongeTrace MakePoseidon2SpongeTrace(std::span<const field::M31> words,
                                              std::span<const WeightWordPlaces> places = {});

}  // namespace tensorstark::air
