// LogUp, shared by all evaluators (protocol reference §9.4, Stwo's finalize_logup_in_pairs).
//
// A component adds fractions multiplicity / (Σ_i α^i·v_i - z) to relations. The fractions of a
// row are batched in pairs, in AddToRelation order: a pair sums to (n0·d1 + n1·d0)/(d0·d1); with
// an odd count the last batch is a single fraction. Batch k has one QM31 interaction column
// (4 M31 columns in tree 2):
//   - not last: col_k(row) = Σ_{b≤k} frac_b(row), constraint (col_k - col_{k-1})·den_k - num_k
//     with col_{-1} = 0;
//   - last: col_last is the coset-order prefix sum of (col_{last-1} + frac_last)(row) - S/2^n,
//     S the claimed sum; constraint at offsets [-1, 0]:
//     (col_last(row) - col_last(row-1) - col_{last-1}(row) + S/2^n)·den_last - num_last.
// Whether a batch is the last is only known at FinalizeLogupInPairs, so a completed batch is held
// back until the next one completes. State is a few values: no allocation per row.
//
// LogupBatcher is a CRTP base. The evaluator Derived provides
//   using F, EF;  EF ExtendF(const F&);  F ConstantF(M31);
//   EF Denominator(const Relation&, std::span<const F> values);   // Σ α^i·v_i - z
//   EF CumsumShift();                                              // S / 2^n
//   NextInteractionMask, CombineEF, AddConstraint(EF)              // for the constraints
// and may replace OnBatch (the interaction-trace generator records the batches instead).
#pragma once

#include <array>
#include <cassert>
#include <initializer_list>
#include <optional>
#include <span>
#include <type_traits>
#include <vector>

#include "air/component.h"
#include "air/mixed_arithmetic.h"
#include "air/relation.h"

namespace tensorstark::air {

// Σ_i alpha_powers[i]·v_i - z for numeric values (M31 rows, QM31 points) or a circuit's wires.
// alpha_powers[0] = 1 by definition, so v_0 enters unscaled, as in the expression evaluator.
template <typename V, typename F>
V LookupDenominatorOf(const LookupElementsOf<V>& elements, std::span<const F> values) {
  assert(elements.alpha_powers.size() >= values.size());
  V sum = -elements.z;
  for (size_t i = 0; i < values.size(); ++i) {
    sum = i == 0 ? sum + values[0] : sum + elements.alpha_powers[i] * values[i];
  }
  return sum;
}
template <typename F>
QM31 LookupDenominator(const LookupElements& elements, std::span<const F> values) {
  return LookupDenominatorOf<QM31, F>(elements, values);
}

template <class Derived, class F, class EF>
class LogupBatcher {
 public:
  // multiplicity is F, EF or an M31 constant.
  template <class M>
  void AddToRelation(const Relation& relation, const M& multiplicity, std::span<const F> values) {
    assert(values.size() == relation.n_values);
    EF num;
    if constexpr (std::is_same_v<M, EF>) {
      num = multiplicity;
    } else if constexpr (std::is_same_v<M, F>) {
      num = derived().ExtendF(multiplicity);
    } else {
      static_assert(std::is_same_v<M, M31>, "multiplicity must be F, EF or M31");
      num = derived().ExtendF(derived().ConstantF(multiplicity));
    }
    derived().OnLookup(relation, num);
    AddFraction(num, derived().Denominator(relation, values));
  }
  template <class M>
  void AddToRelation(const Relation& relation, const M& multiplicity,
                     std::initializer_list<F> values) {
    AddToRelation(relation, multiplicity, std::span<const F>(values.begin(), values.size()));
  }

  // Emits the held batches; the last one gets the prefix-sum constraint.
  void FinalizeLogupInPairs() {
    assert((pending_ || held_) && "FinalizeLogupInPairs without fractions");
    if (pending_) {
      if (held_) derived().OnBatch(held_->num, held_->den, /*last=*/false);
      derived().OnBatch(pending_->num, pending_->den, /*last=*/true);
    } else {
      derived().OnBatch(held_->num, held_->den, /*last=*/true);
    }
    pending_.reset();
    held_.reset();
    prev_col_ = EF();
  }

  // Sees each fraction's multiplicity (the expression evaluator records them).
  void OnLookup(const Relation&, const EF&) {}

  // False while fractions wait for a FinalizeLogupInPairs.
  bool logup_finalized() const { return !pending_ && !held_; }

  // The constraint of one batch (see the file comment); evaluators that check constraints use
  // this as is.
  void OnBatch(const EF& num, const EF& den, bool last) {
    Derived& d = derived();
    if (!last) {
      const EF col = ReadExtension<1>({0})[0];
      d.AddConstraint((col - prev_col_) * den - num);
      prev_col_ = col;
      return;
    }
    const std::array<EF, 2> col = ReadExtension<2>({-1, 0});
    d.AddConstraint((col[1] - col[0] - prev_col_ + d.CumsumShift()) * den - num);
  }

 private:
  struct Fraction {
    EF num, den;
  };

  Derived& derived() { return static_cast<Derived&>(*this); }

  void AddFraction(const EF& num, const EF& den) {
    if (!pending_) {
      pending_ = Fraction{num, den};
      return;
    }
    Fraction pair{pending_->num * den + num * pending_->den, pending_->den * den};
    pending_.reset();
    if (held_) derived().OnBatch(held_->num, held_->den, /*last=*/false);
    held_ = pair;
  }

  // The next QM31 interaction column (4 M31 columns) at these offsets.
  template <size_t N>
  std::array<EF, N> ReadExtension(const std::array<int, N>& offsets) {
    Derived& d = derived();
    std::array<std::array<F, N>, 4> coords;
    for (std::array<F, N>& c : coords)
      c = d.template NextInteractionMask<N>(kInteractionTree, offsets);
    std::array<EF, N> result;
    for (size_t i = 0; i < N; ++i) {
      result[i] = d.CombineEF({coords[0][i], coords[1][i], coords[2][i], coords[3][i]});
    }
    return result;
  }

  std::optional<Fraction> pending_;  // a fraction waiting for its pair
  std::optional<Fraction> held_;     // a complete batch, emitted once it is known not to be last
  EF prev_col_{};                    // col_{k-1}(row) of the batches emitted so far
};

}  // namespace tensorstark::air
