// The prover's domain evaluator against the verifier's point evaluator: on every tested point P
// of the evaluation domain, the accumulator must equal the Horner evaluation at P from the column
// polynomials sampled at P + offsets·step. This pins down mask offsets, the vanishing
// denominators and the coefficient order, for honest and for random traces.
#include <doctest/doctest.h>
#include <tbb/task_arena.h>

#include <algorithm>

#include "air_test_util.h"
#include "examples/range_check/range_check.h"
#include "examples/wide_fib/wide_fib.h"

namespace tensorstark::air {
namespace {

using testing::Trees;

// One evaluation domain: the bit-reversed prefix of CanonicCoset(eval_log_size + parent_extra).
void CheckDomainAgainstPoint(const Component& component, const Trees& trace_trees,
                             const EvalContext& ctx, tensorstark::testing::Rng& rng,
                             uint32_t parent_extra) {
  const ComponentInfo info = component.Info();
  const uint32_t log_size = component.log_size(), eval_log_size = component.EvalLogSize();
  const uint32_t parent_log_size = eval_log_size + parent_extra;
  const circle::TwiddleTree twiddles = circle::TwiddleTree::ForCanonicDomains(parent_log_size);
  const testing::TracePolys polys(trace_trees, log_size, twiddles);
  const Trees extended = polys.Extend(eval_log_size, twiddles, parent_log_size);
  const circle::CircleDomain domain =
      circle::CanonicCoset(parent_log_size).BitReversedPrefix(eval_log_size);

  const QM31 alpha = rng.QM31();
  std::vector<QM31> coeffs(info.n_constraints);
  QM31 power = QM31::One();
  for (size_t j = coeffs.size(); j-- > 0; power *= alpha) coeffs[j] = power;

  fri::SecureColumn accumulator = fri::SecureColumn::Zeros(size_t{1} << eval_log_size);
  component.EvaluateOnDomain(domain, testing::View(extended), ctx, coeffs, accumulator);

  const size_t step = std::max<size_t>(1, domain.size() / 64);
  for (size_t position = 0; position < domain.size(); position += step) {
    const size_t checked = std::min(domain.size() - 1, position + rng.U32() % step);
    const circle::CirclePoint<QM31> point(
        domain.at(circle::BitReverseIndex(checked, eval_log_size)));
    QM31 expected;
    component.EvaluateAtPoint(polys.Mask(info, log_size, point), point, alpha, ctx, expected);
    CAPTURE(checked);
    REQUIRE(accumulator.at(checked) == expected);
  }
}

// Runs EvaluateOnDomain with coeffs[j] = α^{N-1-j} on the extended trees and compares with
// EvaluateAtPoint at every position (small domains) or a spread of positions. The evaluation
// domain is the canonic one, then bit-reversed prefixes of larger canonic domains (a blowup above
// the constraint degree).
void CheckDomainAgainstPoint(const Component& component, const Trees& trace_trees,
                             const EvalContext& ctx, tensorstark::testing::Rng& rng) {
  for (uint32_t extra : {0u, 1u, 3u}) {
    CAPTURE(extra);
    CheckDomainAgainstPoint(component, trace_trees, ctx, rng, extra);
  }
}

Trees RandomTrees(const ComponentInfo& info, uint32_t log_size, tensorstark::testing::Rng& rng) {
  Trees trees;
  trees[kPreprocessedTree] = testing::PreprocessedColumns(info);
  const size_t n = size_t{1} << log_size;
  for (size_t c = 0; c < info.trace_offsets.size(); ++c) {
    trees[kTraceTree].push_back(testing::RandomColumn(n, rng));
  }
  for (size_t c = 0; c < info.interaction_offsets.size(); ++c) {
    trees[kInteractionTree].push_back(testing::RandomColumn(n, rng));
  }
  return trees;
}

TEST_CASE("Domain and point evaluation agree: wide Fibonacci") {
  tensorstark::testing::Rng rng(31);
  for (uint32_t log_size : {2u, 3u, 4u, 7u}) {
    CAPTURE(log_size);
    const auto instance = examples::MakeWideFib(log_size, 6, M31::FromCanonical(3));
    Trees honest;
    honest[kTraceTree] = instance.trace;
    const EvalContext ctx{instance.public_inputs, nullptr, {}};
    CheckDomainAgainstPoint(instance.component, honest, ctx, rng);
    CheckDomainAgainstPoint(instance.component,
                            RandomTrees(instance.component.Info(), log_size, rng), ctx, rng);
  }
}

TEST_CASE("Domain and point evaluation agree: range check") {
  tensorstark::testing::Rng rng(32);
  for (auto [log_size, log_range, n_columns] :
       {std::tuple{2u, 2u, 3u}, {4u, 3u, 2u}, {6u, 5u, 3u}, {7u, 4u, 4u}}) {
    CAPTURE(log_size);
    CAPTURE(n_columns);
    const auto instance = examples::MakeRandomRangeCheck(log_size, log_range, n_columns, rng.U64());
    const LookupElementsMap lookup = testing::RandomLookupElements(instance.values.Info(), rng);
    // Random traces and claimed sums: the identity holds for any values.
    for (const Component* component :
         std::array<const Component*, 2>{&instance.values, &instance.table}) {
      const EvalContext ctx{instance.public_inputs, &lookup, rng.QM31()};
      CheckDomainAgainstPoint(*component,
                              RandomTrees(component->Info(), component->log_size(), rng), ctx, rng);
    }
    // The honest values component with its generated interaction trace.
    Trees honest;
    honest[kPreprocessedTree] = testing::PreprocessedColumns(instance.values.Info());
    honest[kTraceTree] = instance.values_trace;
    InteractionTrace interaction = instance.values.GenerateInteractionTrace(
        testing::View(honest), {instance.public_inputs, &lookup, {}});
    honest[kInteractionTree] = std::move(interaction.columns);
    CheckDomainAgainstPoint(instance.values, honest,
                            {instance.public_inputs, &lookup, interaction.claimed_sum}, rng);
  }
}

TEST_CASE("Domain evaluation does not depend on the number of threads") {
  tensorstark::testing::Rng rng(33);
  const auto instance = examples::MakeWideFib(10, 8);
  const uint32_t eval_log_size = instance.component.EvalLogSize();
  const circle::TwiddleTree twiddles = circle::TwiddleTree::ForCanonicDomains(eval_log_size);
  Trees trees;
  trees[kTraceTree] = instance.trace;
  const Trees extended = testing::TracePolys(trees, 10, twiddles).Extend(eval_log_size, twiddles);
  std::vector<QM31> coeffs(instance.component.Info().n_constraints);
  for (QM31& c : coeffs) c = rng.QM31();
  const EvalContext ctx{instance.public_inputs, nullptr, {}};
  fri::SecureColumn parallel = fri::SecureColumn::Zeros(size_t{1} << eval_log_size);
  fri::SecureColumn serial = parallel;
  const circle::CircleDomain domain = circle::CanonicCoset(eval_log_size).circle_domain();
  instance.component.EvaluateOnDomain(domain, testing::View(extended), ctx, coeffs, parallel);
  tbb::task_arena(1).execute([&] {
    instance.component.EvaluateOnDomain(domain, testing::View(extended), ctx, coeffs, serial);
  });
  CHECK(parallel.coords == serial.coords);
}

}  // namespace
}  // namespace tensorstark::air
