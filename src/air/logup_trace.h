// LogUp interaction-trace generation (protocol reference §9.4, Stwo's LogupTraceGenerator): the
// prover's tree-2 columns. The component's Evaluate runs over the main trace, 16 rows at a time,
// with an evaluator that ignores constraints and records each LogUp batch's numerator and
// denominator per row; BuildLogupTrace then inverts the denominators in batches and forms the
// cumulative columns of logup.h, with the last column's coset-order prefix sum and the claimed
// sum Σ of all fractions.
#pragma once

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <cassert>
#include <vector>

#include "air/component.h"
#include "air/packed_row_evaluator.h"

namespace tensorstark::air {

// Per batch and packed row (16 trace rows in storage order), the batch's fraction.
struct LogupFractions {
  uint32_t log_size = 0;
  std::vector<std::vector<PackedQM31>> num, den;  // [batch][vec_row]
};

// The interaction columns (4 per batch) and the claimed sum from the recorded fractions.
InteractionTrace BuildLogupTrace(const LogupFractions& fractions);

class LogupTraceEvaluator : public PackedRowEvaluator<LogupTraceEvaluator> {
 public:
  LogupTraceEvaluator(const PackedEvalSetup& setup, size_t vec_row, LogupFractions& out)
      : PackedRowEvaluator(setup, vec_row), vec_row_(vec_row), out_(out) {}

  // Constraints need the interaction trace this evaluator produces; they are skipped.
  void AddConstraint(const PackedM31&) {}
  void AddConstraint(const PackedQM31&) {}

  // Replaces LogupBatcher::OnBatch: record instead of constrain.
  void OnBatch(const PackedQM31& num, const PackedQM31& den, bool /*last*/) {
    assert(batch_ < out_.num.size());
    out_.num[batch_][vec_row_] = num;
    out_.den[batch_][vec_row_] = den;
    ++batch_;
  }

 private:
  size_t vec_row_;
  LogupFractions& out_;
  size_t batch_ = 0;
};

// Component::GenerateInteractionTrace for `eval`: `trace` holds trees 0 and 1 on the trace
// domain; ctx needs the lookup elements (its claimed_sum is not read).
template <class Eval>
InteractionTrace GenerateInteractionTrace(const Eval& eval, const ComponentInfo& info,
                                          const ColumnsView& trace, const EvalContext& ctx) {
  if (info.relations.empty()) return {};
  const PackedEvalSetup setup(trace, ctx, info, eval.log_size(), eval.log_size());
  const size_t n_batches = info.interaction_offsets.size() / 4;
  LogupFractions fractions{
      eval.log_size(),
      std::vector<std::vector<PackedQM31>>(n_batches, std::vector<PackedQM31>(setup.n_vec_rows())),
      std::vector<std::vector<PackedQM31>>(n_batches, std::vector<PackedQM31>(setup.n_vec_rows()))};
  constexpr size_t kVecRowsPerTask = 64;
  tbb::parallel_for(tbb::blocked_range<size_t>(0, setup.n_vec_rows(), kVecRowsPerTask),
                    [&](const tbb::blocked_range<size_t>& range) {
                      for (size_t vec_row = range.begin(); vec_row < range.end(); ++vec_row) {
                        LogupTraceEvaluator evaluator(setup, vec_row, fractions);
                        eval.Evaluate(evaluator);
                      }
                    });
  return BuildLogupTrace(fractions);
}

}  // namespace tensorstark::air
