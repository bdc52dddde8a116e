// The assert evaluator on honest and corrupted example traces, with generated interaction traces.
#include <doctest/doctest.h>

#include "air/mask_index.h"
#include "air_test_util.h"
#include "examples/range_check/range_check.h"
#include "examples/wide_fib/wide_fib.h"

namespace tensorstark::air {
namespace {

using testing::Trees;

TEST_CASE("Assert evaluator: wide Fibonacci") {
  const uint32_t log_size = 6;
  auto instance = examples::MakeWideFib(log_size, 8, M31::FromCanonical(7));
  const Component& component = instance.component;
  Trees trees;
  trees[kTraceTree] = instance.trace;
  EvalContext ctx{instance.public_inputs, nullptr, {}};
  CHECK(!component.AssertConstraints(testing::View(trees), ctx));

  SUBCASE("a corrupted cell names its first constraint and row") {
    // c_5 appears in the constraints of c_5, c_6 and c_7; the first is constraint 4.
    trees[kTraceTree][5][CosetRowToStorageIndex(17, log_size)] += M31::One();
    const auto failure = component.AssertConstraints(testing::View(trees), ctx);
    REQUIRE(failure);
    CHECK(failure->component == "wide_fib");
    CHECK(failure->constraint == 4);
    CHECK(failure->row == 17);
    CHECK(failure->expression ==
          "trace_5[0] - (trace_3[0] * trace_3[0] + trace_4[0] * trace_4[0])");
  }
  SUBCASE("a wrong public input fails constraint 0 on row 0") {
    const std::vector<M31> wrong = {M31::FromCanonical(8)};
    const auto failure = component.AssertConstraints(testing::View(trees), {wrong, nullptr, {}});
    REQUIRE(failure);
    CHECK(failure->constraint == 0);
    CHECK(failure->row == 0);
  }
}

// Both range-check components with generated interaction traces and their claimed sums.
struct RangeCheckRun {
  Trees values, table;
  QM31 values_sum, table_sum;
};

RangeCheckRun Run(const examples::RangeCheckInstance& instance, const LookupElementsMap& lookup) {
  RangeCheckRun run;
  run.values[kPreprocessedTree] = testing::PreprocessedColumns(instance.values.Info());
  run.values[kTraceTree] = instance.values_trace;
  run.table[kPreprocessedTree] = testing::PreprocessedColumns(instance.table.Info());
  run.table[kTraceTree] = instance.table_trace;
  const EvalContext ctx{instance.public_inputs, &lookup, {}};
  InteractionTrace values =
      instance.values.GenerateInteractionTrace(testing::View(run.values), ctx);
  InteractionTrace table = instance.table.GenerateInteractionTrace(testing::View(run.table), ctx);
  run.values[kInteractionTree] = std::move(values.columns);
  run.table[kInteractionTree] = std::move(table.columns);
  run.values_sum = values.claimed_sum;
  run.table_sum = table.claimed_sum;
  return run;
}

TEST_CASE("Assert evaluator: range check with LogUp") {
  tensorstark::testing::Rng rng(11);
  // log sizes below and above the 16-lane packing; odd and even numbers of value columns.
  for (auto [log_size, log_range, n_columns] :
       {std::tuple{2u, 3u, 3u}, {5u, 4u, 1u}, {6u, 3u, 2u}, {7u, 5u, 3u}, {6u, 6u, 4u}}) {
    CAPTURE(log_size);
    CAPTURE(n_columns);
    const auto instance = examples::MakeRandomRangeCheck(log_size, log_range, n_columns, rng.U64());
    const LookupElementsMap lookup = testing::RandomLookupElements(instance.values.Info(), rng);
    RangeCheckRun run = Run(instance, lookup);
    CHECK(run.values_sum + run.table_sum == QM31());
    CHECK(run.values[kInteractionTree].size() == instance.values.Info().interaction_offsets.size());

    const EvalContext values_ctx{instance.public_inputs, &lookup, run.values_sum};
    const EvalContext table_ctx{instance.public_inputs, &lookup, run.table_sum};
    CHECK(!instance.values.AssertConstraints(testing::View(run.values), values_ctx));
    CHECK(!instance.table.AssertConstraints(testing::View(run.table), table_ctx));

    // A wrong claimed sum breaks the last batch's constraint.
    const EvalContext wrong_sum{instance.public_inputs, &lookup, run.values_sum + QM31::One()};
    const auto failure = instance.values.AssertConstraints(testing::View(run.values), wrong_sum);
    REQUIRE(failure);
    CHECK(failure->component == "range_checked_values");
    CHECK(failure->constraint == instance.values.Info().n_constraints - 1);

    // A value changed after the interaction trace was built breaks its batch on its row.
    const size_t row = 3;
    run.values[kTraceTree].back()[CosetRowToStorageIndex(row, log_size)] += M31::One();
    const auto changed = instance.values.AssertConstraints(testing::View(run.values), values_ctx);
    REQUIRE(changed);
    CHECK(changed->row == row);
    CHECK(changed->constraint == 1 + (n_columns - 1) / 2);
  }
}

TEST_CASE("A wrong multiplicity leaves the claimed sums unbalanced") {
  tensorstark::testing::Rng rng(12);
  auto instance = examples::MakeRandomRangeCheck(5, 4, 2, 5);
  const LookupElementsMap lookup = testing::RandomLookupElements(instance.values.Info(), rng);
  CHECK(Run(instance, lookup).values_sum + Run(instance, lookup).table_sum == QM31());
  instance.table_trace[0][CosetRowToStorageIndex(9, 4)] += M31::One();
  const RangeCheckRun unbalanced = Run(instance, lookup);
  CHECK(unbalanced.values_sum + unbalanced.table_sum != QM31());
  // Each component is still consistent with its own claimed sum: only the sum check catches it.
  const EvalContext table_ctx{instance.public_inputs, &lookup, unbalanced.table_sum};
  CHECK(!instance.table.AssertConstraints(testing::View(unbalanced.table), table_ctx));
}

}  // namespace
}  // namespace tensorstark::air
