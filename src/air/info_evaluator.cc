#include "air/info_evaluator.h"

#include <algorithm>
#include <cassert>

namespace tensorstark::air {

ComponentInfo InfoFromExpressions(const ExprEvaluator& expressions) {
  ComponentInfo info;
  info.preprocessed_columns = expressions.preprocessed_columns();
  info.trace_offsets = expressions.trace_offsets();
  info.interaction_offsets = expressions.interaction_offsets();
  info.n_constraints = expressions.constraints().size();
  for (const Expr& constraint : expressions.constraints()) {
    info.max_constraint_degree = std::max(info.max_constraint_degree, constraint.degree());
  }
  assert(info.max_constraint_degree <= kMaxConstraintDegree && "constraint degree above 3");
  info.relations = expressions.relations();
  info.lookups = expressions.lookups();
  info.n_public_inputs = expressions.n_public_inputs();
  return info;
}

}  // namespace tensorstark::air
