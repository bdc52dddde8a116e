// FrameworkComponent (protocol reference §9.1, Stwo's FrameworkComponent): turns a component
// written once as a template over an evaluator into the Component interface Prove and Verify use.
// An Eval type provides
//   std::string name() const;
//   uint32_t log_size() const;
//   template <class E> void Evaluate(E& eval) const;
// and, if it reads kData preprocessed columns,
//   std::vector<M31> PreprocessedData(const PreprocessedColumnId&) const;
// and, if it reads other components' main columns (component.h),
//   std::vector<BorrowedTraceColumn> BorrowedTrace() const;
// Evaluate uses only the evaluator interface (see logup.h and the evaluators): NextTraceMask,
// NextInteractionMask, GetPreprocessedColumn, PublicInput, CombineEF, AddConstraint,
// AddToRelation, FinalizeLogupInPairs, with E::F / E::EF values mixed with M31 constants.
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "air/assert_evaluator.h"
#include "air/component.h"
#include "air/domain_evaluator.h"
#include "air/expr_evaluator.h"
#include "air/info_evaluator.h"
#include "air/logup_trace.h"
#include "air/point_evaluator.h"
#include "air/zk_blinding.h"

namespace tensorstark::air {

template <class Eval>
class FrameworkComponent final : public Component {
 public:
  // Runs the info evaluator once; a constraint of degree above 3 asserts here.
  explicit FrameworkComponent(Eval eval) : eval_(std::move(eval)), info_(ComputeInfo(eval_)) {}

  const Eval& eval() const { return eval_; }

  std::string name() const override { return eval_.name(); }
  uint32_t log_size() const override { return eval_.log_size(); }
  ComponentInfo Info() const override { return info_; }

  InteractionTrace GenerateInteractionTrace(const ColumnsView& trace,
                                            const EvalContext& ctx) const override {
    return air::GenerateInteractionTrace(eval_, info_, trace, ctx);
  }
  void EvaluateOnDomain(const circle::CircleDomain& domain, const ColumnsView& columns,
                        const EvalContext& ctx, std::span<const QM31> coeffs,
                        fri::SecureColumn& accumulator) const override {
    assert(domain.log_size() >= EvalLogSize());
    air::EvaluateOnDomain(eval_, info_, domain, columns, ctx, coeffs, accumulator);
  }
  void EvaluateAtPoint(const MaskValues& mask, const circle::CirclePoint<QM31>& point,
                       QM31 random_coeff, const EvalContext& ctx,
                       QM31& accumulator) const override {
    air::EvaluateAtPoint(eval_, mask, point, random_coeff, ctx, accumulator);
  }
  std::optional<ConstraintFailure> AssertConstraints(const ColumnsView& trace,
                                                     const EvalContext& ctx) const override {
    return air::AssertConstraints(eval_, trace, ctx);
  }
  std::vector<Expr> Constraints() const override {
    return EvaluateExpressions(eval_).constraints();
  }
  std::unique_ptr<Component> WithZkBlinding(const ZkBlinding& blinding) const override {
    if constexpr (kIsZkBlinded<Eval>) {
      return nullptr;  // blinded already
    } else {
      return std::make_unique<FrameworkComponent<ZkBlinded<Eval>>>(
          ZkBlinded<Eval>(eval_, blinding));
    }
  }
  std::vector<M31> PreprocessedData(const PreprocessedColumnId& id) const override {
    if constexpr (requires { eval_.PreprocessedData(id); }) {
      return eval_.PreprocessedData(id);
    } else {
      return Component::PreprocessedData(id);
    }
  }

 private:
  Eval eval_;
  ComponentInfo info_;
};

}  // namespace tensorstark::air
