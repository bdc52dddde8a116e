// The expression evaluator (protocol reference §9.1): runs a component's Evaluate on symbolic
// values and records what it reads and constrains. Every mask read becomes a named variable
// (trace_3[0], interaction_2[-1], is_first_10, ...), every constraint an Expr tree. The info
// evaluator derives the component's columns, offsets and degrees from this record, and the
// constraint text (and later the Cairo code) is printed from the trees.
#pragma once

#include <array>
#include <cassert>
#include <cstdint>
#include <span>
#include <vector>

#include "air/component.h"
#include "air/expr.h"
#include "air/logup.h"
#include "air/preprocessed.h"
#include "air/relation.h"

namespace tensorstark::air {

class ExprEvaluator : public LogupBatcher<ExprEvaluator, Expr, Expr> {
 public:
  using F = Expr;
  using EF = Expr;

  // log_size fixes the LogUp shift claimed_sum / 2^log_size.
  explicit ExprEvaluator(uint32_t log_size) : log_size_(log_size) {}

  F NextTraceMask() { return NextInteractionMask<1>(kTraceTree, {0})[0]; }
  template <size_t N>
  std::array<F, N> NextInteractionMask(size_t tree, const std::array<int, N>& offsets) {
    std::array<F, N> values;
    ReadColumn(tree, offsets, values);
    return values;
  }
  F GetPreprocessedColumn(const PreprocessedColumnId& id);
  F PublicInput(size_t i);
  EF CombineEF(const std::array<F, 4>& coords) { return Expr::Combine(coords); }
  void AddConstraint(const Expr& constraint) { constraints_.push_back(constraint); }

  // LogupBatcher hooks.
  static EF ExtendF(const F& value) { return value; }
  static F ConstantF(M31 value) { return value; }
  EF Denominator(const Relation& relation, std::span<const F> values);
  EF CumsumShift() const;
  void OnLookup(const Relation& relation, const Expr& multiplicity) {
    lookups_.push_back({relation.name, multiplicity});
  }

  const std::vector<Expr>& constraints() const { return constraints_; }
  const std::vector<std::vector<int>>& trace_offsets() const { return offsets_[kTraceTree]; }
  const std::vector<std::vector<int>>& interaction_offsets() const {
    return offsets_[kInteractionTree];
  }
  const std::vector<PreprocessedColumnId>& preprocessed_columns() const { return preprocessed_; }
  const std::vector<Relation>& relations() const { return relations_; }
  const std::vector<RelationLookup>& lookups() const { return lookups_; }
  size_t n_public_inputs() const { return n_public_inputs_; }

 private:
  void ReadColumn(size_t tree, std::span<const int> offsets, std::span<Expr> values);

  uint32_t log_size_;
  std::array<std::vector<std::vector<int>>, 3> offsets_;  // trees 1 and 2: per column
  std::vector<PreprocessedColumnId> preprocessed_;
  std::vector<Relation> relations_;
  std::vector<RelationLookup> lookups_;
  std::vector<Expr> constraints_;
  size_t n_public_inputs_ = 0;
};

// The constraints of `eval` (a component's Eval) as expressions, in Evaluate order.
template <class Eval>
ExprEvaluator EvaluateExpressions(const Eval& eval) {
  ExprEvaluator evaluator(eval.log_size());
  eval.Evaluate(evaluator);
  assert(evaluator.logup_finalized() && "relation entries after the last FinalizeLogupInPairs");
  return evaluator;
}

}  // namespace tensorstark::air
