// The framework on a component that uses what the examples do not: main-trace offsets, M31
// constants on both sides of F and EF arithmetic, extension-field constraints and multiplicities,
// and a relation over 2-tuples (alpha powers). Checked like the examples: info, domain against
// point evaluation, and the assert evaluator with a generated interaction trace.
#include "air/framework.h"

#include <doctest/doctest.h>

#include "air/mask_index.h"
#include "air_test_util.h"

namespace tensorstark::air {
namespace {

using testing::Trees;

// Columns x (read at rows r-1, r, r+2) and y = 3·x[r-1] + 2·x[r+2] - 7; x on row 0 is public
// input 1.
class MixedOps {
 public:
  explicit MixedOps(uint32_t log_size) : log_size_(log_size) {}

  std::string name() const { return "mixed_ops"; }
  uint32_t log_size() const { return log_size_; }

  template <class E>
  void Evaluate(E& eval) const {
    using F = typename E::F;
    const std::array<F, 3> x = eval.template NextInteractionMask<3>(kTraceTree, {-1, 0, 2});
    const F y = eval.NextTraceMask();
    const F is_first =
        eval.GetPreprocessedColumn({PreprocessedColumnId::Kind::kIsFirst, log_size_});
    const F y_error =
        y - (M31::FromCanonical(3) * x[0] + x[2] * M31::FromCanonical(2) - M31::FromCanonical(7));
    eval.AddConstraint(y_error);
    const auto ef = eval.CombineEF({x[0], x[1], x[2], y}) + M31::One();
    eval.AddConstraint(ef * y_error);
    // x on row 0 is public input 1, written with constants on both sides.
    eval.AddConstraint(is_first * (M31::One() - x[1] + eval.PublicInput(1) - M31::One()));
    eval.AddToRelation(relation_, x[1], {x[1], y});
    eval.AddToRelation(relation_, ef - y, {y, x[0]});
    eval.AddToRelation(relation_, M31::FromCanonical(2), {x[2], eval.PublicInput(0)});
    eval.FinalizeLogupInPairs();
  }

 private:
  uint32_t log_size_;
  Relation relation_{"pairs", 2};
};

struct Instance {
  FrameworkComponent<MixedOps> component;
  Trees trees;
  std::vector<M31> public_inputs;
};

Instance MakeInstance(uint32_t log_size, tensorstark::testing::Rng& rng) {
  Instance instance{FrameworkComponent<MixedOps>(MixedOps(log_size)), {}, {rng.M31(), rng.M31()}};
  const size_t n = size_t{1} << log_size;
  std::vector<M31> x = testing::RandomColumn(n, rng), y(n);
  auto at = [&](size_t row) { return x[CosetRowToStorageIndex(row % n, log_size)]; };
  for (size_t row = 0; row < n; ++row) {
    y[CosetRowToStorageIndex(row, log_size)] = M31::FromCanonical(3) * at(row + n - 1) +
                                               M31::FromCanonical(2) * at(row + 2) -
                                               M31::FromCanonical(7);
  }
  instance.trees[kPreprocessedTree] = testing::PreprocessedColumns(instance.component.Info());
  instance.trees[kTraceTree] = {x, y};
  instance.public_inputs[1] = x[0];
  return instance;
}

TEST_CASE("Framework: info of a component with offsets, EF values and 2-tuples") {
  const ComponentInfo info = FrameworkComponent<MixedOps>(MixedOps(5)).Info();
  CHECK(info.trace_offsets == std::vector<std::vector<int>>{{-1, 0, 2}, {0}});
  CHECK(info.n_constraints == 5);  // 3 + 2 LogUp batches
  CHECK(info.max_constraint_degree == 3);
  CHECK(info.n_public_inputs == 2);
  CHECK(info.relations == std::vector<Relation>{{"pairs", 2}});
  CHECK(info.interaction_offsets.size() == 8);
}

TEST_CASE("Framework: honest traces pass, domain and point evaluation agree") {
  tensorstark::testing::Rng rng(41);
  for (uint32_t log_size : {2u, 4u, 6u}) {
    CAPTURE(log_size);
    Instance instance = MakeInstance(log_size, rng);
    const Component& component = instance.component;
    const LookupElementsMap lookup = testing::RandomLookupElements(component.Info(), rng);
    InteractionTrace interaction = component.GenerateInteractionTrace(
        testing::View(instance.trees), {instance.public_inputs, &lookup, {}});
    instance.trees[kInteractionTree] = std::move(interaction.columns);
    const EvalContext ctx{instance.public_inputs, &lookup, interaction.claimed_sum};
    CHECK(!component.AssertConstraints(testing::View(instance.trees), ctx));

    // Domain against point, at every point of the evaluation domain.
    const uint32_t eval_log_size = component.EvalLogSize();
    const circle::TwiddleTree twiddles = circle::TwiddleTree::ForCanonicDomains(eval_log_size);
    const testing::TracePolys polys(instance.trees, log_size, twiddles);
    const Trees extended = polys.Extend(eval_log_size, twiddles);
    const QM31 alpha = rng.QM31();
    std::vector<QM31> coeffs(component.Info().n_constraints);
    QM31 power = QM31::One();
    for (size_t j = coeffs.size(); j-- > 0; power *= alpha) coeffs[j] = power;
    fri::SecureColumn accumulator = fri::SecureColumn::Zeros(size_t{1} << eval_log_size);
    const circle::CircleDomain domain = circle::CanonicCoset(eval_log_size).circle_domain();
    component.EvaluateOnDomain(domain, testing::View(extended), ctx, coeffs, accumulator);
    for (size_t position = 0; position < domain.size(); ++position) {
      const circle::CirclePoint<QM31> point(
          domain.at(circle::BitReverseIndex(position, eval_log_size)));
      QM31 expected;
      component.EvaluateAtPoint(polys.Mask(component.Info(), log_size, point), point, alpha, ctx,
                                expected);
      REQUIRE(accumulator.at(position) == expected);
    }

    // A changed y fails the first constraint on its row.
    instance.trees[kTraceTree][1][CosetRowToStorageIndex(1, log_size)] += M31::One();
    const auto failure = component.AssertConstraints(testing::View(instance.trees), ctx);
    REQUIRE(failure);
    CHECK(failure->constraint == 0);
    CHECK(failure->row == 1);
    CHECK(failure->expression == "trace_1[0] - (3 * trace_0[-1] + trace_0[2] * 2 - 7)");
  }
}

}  // namespace
}  // namespace tensorstark::air
