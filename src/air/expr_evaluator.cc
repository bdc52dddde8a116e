#include "air/expr_evaluator.h"

#include <algorithm>

namespace tensorstark::air {

void ExprEvaluator::ReadColumn(size_t tree, std::span<const int> offsets, std::span<Expr> values) {
  assert((tree == kTraceTree || tree == kInteractionTree) &&
         "preprocessed columns are read with GetPreprocessedColumn");
  std::vector<std::vector<int>>& columns = offsets_[tree];
  const size_t column = columns.size();
  columns.emplace_back(offsets.begin(), offsets.end());
  const auto kind =
      tree == kTraceTree ? ExprVariable::Kind::kTrace : ExprVariable::Kind::kInteraction;
  for (size_t i = 0; i < offsets.size(); ++i) {
    values[i] = Expr::Variable(ExprVariable::Column(kind, column, offsets[i]));
  }
}

Expr ExprEvaluator::GetPreprocessedColumn(const PreprocessedColumnId& id) {
  preprocessed_.push_back(id);
  return Expr::Variable(ExprVariable::Preprocessed(id));
}

Expr ExprEvaluator::PublicInput(size_t i) {
  n_public_inputs_ = std::max(n_public_inputs_, i + 1);
  return Expr::Variable(ExprVariable::PublicInput(i));
}

Expr ExprEvaluator::Denominator(const Relation& relation, std::span<const Expr> values) {
  const auto known = std::find_if(relations_.begin(), relations_.end(),
                                  [&](const Relation& r) { return r.name == relation.name; });
  if (known == relations_.end()) {
    relations_.push_back(relation);
  } else {
    assert(*known == relation && "one relation name with two tuple widths");
  }
  Expr sum;
  for (size_t i = 0; i < values.size(); ++i) {
    sum += i == 0 ? values[0]
                  : Expr::Variable(ExprVariable::LookupAlphaPower(relation.name, i)) * values[i];
  }
  return sum - Expr::Variable(ExprVariable::LookupZ(relation.name));
}

Expr ExprEvaluator::CumsumShift() const {
  const M31 inv_n = M31::FromCanonical(1u << log_size_).Inverse();
  return Expr::Variable(ExprVariable::ClaimedSum()) * inv_n;
}

}  // namespace tensorstark::air
