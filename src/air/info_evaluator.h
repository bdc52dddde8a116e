// The info evaluator (protocol reference §9.1, Stwo's InfoEvaluator): what a component reads and
// how hard its constraints are — the columns per tree with their mask offsets, the preprocessed
// column ids, the constraint count, the maximal constraint degree and the relations. It runs the
// expression evaluator, whose trees carry each constraint's degree in the trace columns, so it
// needs no challenges (EvalContext::lookup_elements may be null) and no trace.
#pragma once

#include "air/component.h"
#include "air/expr_evaluator.h"

namespace tensorstark::air {

// Asserts that every constraint has degree ≤ kMaxConstraintDegree: a component beyond it is a bug
// in the component, not a property of a proof.
ComponentInfo InfoFromExpressions(const ExprEvaluator& expressions);

// A component that reads other components' main columns says which with
//   std::vector<BorrowedTraceColumn> BorrowedTrace() const;
template <class Eval>
ComponentInfo ComputeInfo(const Eval& eval) {
  ComponentInfo info = InfoFromExpressions(EvaluateExpressions(eval));
  if constexpr (requires { eval.BorrowedTrace(); }) info.borrowed_trace = eval.BorrowedTrace();
  return info;
}

}  // namespace tensorstark::air
