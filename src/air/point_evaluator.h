// The point evaluator (protocol reference §9.6): the verifier's side of the composition check.
// It evaluates a component's constraints at the out-of-domain point from the sampled mask values
// and folds them into the composition in Horner form, acc = acc·α + c_j(p)·Z(p)^{-1}, with Z the
// vanishing polynomial of the component's trace domain CanonicCoset(log_size).
#pragma once

#include <algorithm>
#include <array>
#include <cassert>
#include <span>

#include "air/component.h"
#include "air/logup.h"
#include "circle/circle_point.h"
#include "circle/vanishing.h"

namespace tensorstark::air {

class PointEvaluator : public LogupBatcher<PointEvaluator, QM31, QM31> {
 public:
  using F = QM31;
  using EF = QM31;

  // mask has the shapes Info() gives (the verifier checks them first). denom_inv = 1/Z(p).
  PointEvaluator(const MaskValues& mask, const EvalContext& ctx, uint32_t log_size, QM31 denom_inv,
                 QM31 random_coeff, QM31& accumulator)
      : mask_(mask),
        ctx_(ctx),
        log_size_(log_size),
        denom_inv_(denom_inv),
        random_coeff_(random_coeff),
        accumulator_(accumulator) {}

  F NextTraceMask() { return NextInteractionMask<1>(kTraceTree, {0})[0]; }
  template <size_t N>
  std::array<F, N> NextInteractionMask(size_t tree, const std::array<int, N>& offsets) {
    assert(tree == kTraceTree || tree == kInteractionTree);
    const std::vector<QM31>& values = mask_[tree][next_column_[tree]++];
    assert(values.size() == N);
    std::array<F, N> result;
    std::copy_n(values.begin(), N, result.begin());
    (void)offsets;  // the sampled values are already at point + offsets·step
    return result;
  }
  F GetPreprocessedColumn(const PreprocessedColumnId&) {
    const std::vector<QM31>& values = mask_[kPreprocessedTree][next_column_[kPreprocessedTree]++];
    assert(values.size() == 1);
    return values[0];
  }
  // The verifier checks the statement has Info().n_public_inputs values.
  F PublicInput(size_t i) const {
    assert(i < ctx_.public_inputs.size());
    return QM31(ctx_.public_inputs[i]);
  }
  static EF CombineEF(const std::array<F, 4>& coords) { return QM31::FromPartialEvals(coords); }
  void AddConstraint(const QM31& constraint) {
    accumulator_ = accumulator_ * random_coeff_ + constraint * denom_inv_;
  }

  // LogupBatcher hooks.
  static EF ExtendF(const F& value) { return value; }
  static F ConstantF(M31 value) { return QM31(value); }
  EF Denominator(const Relation& relation, std::span<const F> values) const {
    assert(ctx_.lookup_elements != nullptr);
    return LookupDenominator(ctx_.lookup_elements->at(relation.name), values);
  }
  EF CumsumShift() const {
    return ctx_.claimed_sum * M31::FromCanonical(1u << log_size_).Inverse();
  }

 private:
  const MaskValues& mask_;
  const EvalContext& ctx_;
  uint32_t log_size_;
  QM31 denom_inv_;
  QM31 random_coeff_;
  QM31& accumulator_;
  std::array<size_t, 3> next_column_{};
};

// Runs `eval`'s constraints at `point` into accumulator (Component::EvaluateAtPoint). Z(point) is
// non-zero for any point off the trace coset, which a channel-drawn QM31 point is except with
// negligible probability.
template <class Eval>
void EvaluateAtPoint(const Eval& eval, const MaskValues& mask,
                     const circle::CirclePoint<QM31>& point, QM31 random_coeff,
                     const EvalContext& ctx, QM31& accumulator) {
  const QM31 denom_inv = circle::CanonicVanishing(eval.log_size(), point).Inverse();
  PointEvaluator evaluator(mask, ctx, eval.log_size(), denom_inv, random_coeff, accumulator);
  eval.Evaluate(evaluator);
}

}  // namespace tensorstark::air
