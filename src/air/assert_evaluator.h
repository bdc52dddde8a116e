// The assert evaluator (protocol reference §9.1, Stwo's AssertEvaluator): a debugging aid that
// checks a component's constraints on every row of a concrete trace (trees 0, 1 and 2 on the
// trace domain) and names the first one that fails, with its text from the expression evaluator.
// A bug in a component or its trace generator then shows up as "constraint 3 of wide_fib fails on
// row 17: trace_3[0] - (…)" instead of a proof the verifier rejects.
#pragma once

#include <tbb/parallel_for.h>

#include <algorithm>
#include <array>
#include <cassert>
#include <optional>
#include <span>
#include <vector>

#include "air/component.h"
#include "air/expr_evaluator.h"
#include "air/logup.h"
#include "air/mask_index.h"

namespace tensorstark::air {

class AssertEvaluator : public LogupBatcher<AssertEvaluator, M31, QM31> {
 public:
  using F = M31;
  using EF = QM31;

  // Evaluates coset-order row `row` of a component of log size log_size. cumsum_shift is
  // ctx.claimed_sum / 2^log_size.
  AssertEvaluator(const ColumnsView& trace, const EvalContext& ctx, uint32_t log_size,
                  QM31 cumsum_shift, size_t row)
      : trace_(trace), ctx_(ctx), log_size_(log_size), cumsum_shift_(cumsum_shift), row_(row) {}

  F NextTraceMask() { return NextInteractionMask<1>(kTraceTree, {0})[0]; }
  template <size_t N>
  std::array<F, N> NextInteractionMask(size_t tree, const std::array<int, N>& offsets) {
    const std::span<const M31> column = NextColumn(tree);
    std::array<F, N> values;
    for (size_t i = 0; i < N; ++i) values[i] = column[Position(offsets[i])];
    return values;
  }
  F GetPreprocessedColumn(const PreprocessedColumnId&) {
    return NextColumn(kPreprocessedTree)[Position(0)];
  }
  F PublicInput(size_t i) const {
    assert(i < ctx_.public_inputs.size());
    return ctx_.public_inputs[i];
  }
  static EF CombineEF(const std::array<F, 4>& coords) { return QM31::FromM31Array(coords); }
  void AddConstraint(M31 constraint) { Check(constraint.IsZero()); }
  void AddConstraint(const QM31& constraint) { Check(constraint.IsZero()); }

  // LogupBatcher hooks.
  static EF ExtendF(const F& value) { return QM31(value); }
  static F ConstantF(M31 value) { return value; }
  EF Denominator(const Relation& relation, std::span<const F> values) const {
    assert(ctx_.lookup_elements != nullptr);
    return LookupDenominator(ctx_.lookup_elements->at(relation.name), values);
  }
  EF CumsumShift() const { return cumsum_shift_; }

  // The index of the first constraint that failed on this row.
  std::optional<size_t> failure() const { return failure_; }

 private:
  std::span<const M31> NextColumn(size_t tree) {
    assert(next_column_[tree] < trace_.trees[tree].size());
    const std::span<const M31> column = trace_.trees[tree][next_column_[tree]++];
    assert(column.size() == size_t{1} << log_size_);
    return column;
  }
  size_t Position(int offset) const {
    const size_t mask = (size_t{1} << log_size_) - 1;
    return CosetRowToStorageIndex((row_ + static_cast<size_t>(static_cast<int64_t>(offset))) & mask,
                                  log_size_);
  }
  void Check(bool holds) {
    if (!holds && !failure_) failure_ = n_constraints_;
    ++n_constraints_;
  }

  const ColumnsView& trace_;
  const EvalContext& ctx_;
  uint32_t log_size_;
  QM31 cumsum_shift_;
  size_t row_;
  std::array<size_t, 3> next_column_{};
  size_t n_constraints_ = 0;
  std::optional<size_t> failure_;
};

// Component::AssertConstraints for `eval`: the failure with the smallest row, and on that row the
// smallest constraint index.
template <class Eval>
std::optional<ConstraintFailure> AssertConstraints(const Eval& eval, const ColumnsView& trace,
                                                   const EvalContext& ctx) {
  const uint32_t log_size = eval.log_size();
  const size_t n_rows = size_t{1} << log_size;
  const QM31 cumsum_shift = ctx.claimed_sum * M31::FromCanonical(1u << log_size).Inverse();
  // Rows are checked in parallel blocks; each block keeps its first failure, and the first block
  // with one wins, so the answer does not depend on scheduling.
  constexpr size_t kRowsPerBlock = 1024;
  const size_t n_blocks = (n_rows + kRowsPerBlock - 1) / kRowsPerBlock;
  std::vector<std::optional<ConstraintFailure>> failures(n_blocks);
  tbb::parallel_for(size_t{0}, n_blocks, [&](size_t block) {
    const size_t end = std::min(n_rows, (block + 1) * kRowsPerBlock);
    for (size_t row = block * kRowsPerBlock; row < end; ++row) {
      AssertEvaluator evaluator(trace, ctx, log_size, cumsum_shift, row);
      eval.Evaluate(evaluator);
      if (evaluator.failure()) {
        failures[block] = ConstraintFailure{eval.name(), *evaluator.failure(), row, ""};
        return;
      }
    }
  });
  for (std::optional<ConstraintFailure>& failure : failures) {
    if (!failure) continue;
    failure->expression = EvaluateExpressions(eval).constraints()[failure->constraint].ToString();
    return failure;
  }
  return std::nullopt;
}

}  // namespace tensorstark::air
