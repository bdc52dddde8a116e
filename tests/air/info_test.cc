// The info evaluator on the example components: columns, offsets, constraint counts, degrees.
#include <doctest/doctest.h>

#include "air/info_evaluator.h"
#include "examples/range_check/range_check.h"
#include "examples/wide_fib/wide_fib.h"

namespace tensorstark::air {
namespace {

using Kind = PreprocessedColumnId::Kind;

TEST_CASE("Wide-Fibonacci info") {
  const auto instance = examples::MakeWideFib(5, 100);
  const ComponentInfo info = instance.component.Info();
  CHECK(info.preprocessed_columns.empty());
  CHECK(info.trace_offsets == std::vector<std::vector<int>>(100, {0}));
  CHECK(info.interaction_offsets.empty());
  CHECK(info.n_constraints == 99);
  CHECK(info.max_constraint_degree == 2);
  CHECK(info.relations.empty());
  CHECK(info.n_public_inputs == 1);
  CHECK(instance.component.EvalLogSize() == 6);
  CHECK(instance.component.name() == "wide_fib");
  CHECK(instance.component.log_size() == 5);
}

TEST_CASE("Range-checked values info, by number of value columns") {
  const std::vector<int> zero = {0}, last = {-1, 0};
  const Relation relation{"range_check_4", 1};
  // (value columns, LogUp batches, max degree): pairs have degree 3, a lone fraction 2.
  for (auto [n_columns, n_batches, degree] :
       {std::tuple{1u, 1u, 2u}, {2u, 1u, 3u}, {3u, 2u, 3u}, {4u, 2u, 3u}}) {
    CAPTURE(n_columns);
    const ComponentInfo info =
        ComputeInfo(examples::RangeCheckedValues(/*log_size=*/6, /*log_range=*/4, n_columns));
    CHECK(info.preprocessed_columns == std::vector<PreprocessedColumnId>{{Kind::kIsFirst, 6}});
    CHECK(info.trace_offsets == std::vector<std::vector<int>>(n_columns, zero));
    std::vector<std::vector<int>> interaction(4 * (n_batches - 1), zero);
    interaction.insert(interaction.end(), 4, last);
    CHECK(info.interaction_offsets == interaction);
    CHECK(info.n_constraints == 1 + n_batches);
    CHECK(info.max_constraint_degree == degree);
    CHECK(info.relations == std::vector<Relation>{relation});
    CHECK(info.n_public_inputs == 1);
  }
}

TEST_CASE("Range table info") {
  const auto instance = examples::MakeRandomRangeCheck(4, 5, /*n_columns=*/2, /*seed=*/3);
  const ComponentInfo info = instance.table.Info();
  CHECK(info.preprocessed_columns == std::vector<PreprocessedColumnId>{{Kind::kSeq, 5}});
  CHECK(info.trace_offsets == std::vector<std::vector<int>>{{0}});
  CHECK(info.interaction_offsets == std::vector<std::vector<int>>(4, {-1, 0}));
  CHECK(info.n_constraints == 1);
  CHECK(info.max_constraint_degree == 2);
  CHECK(info.n_public_inputs == 0);
  CHECK(instance.table.EvalLogSize() == 6);
  CHECK(instance.values.EvalLogSize() == 5);  // log size 4, degree 3 (quotient_degree_test.cc)
  CHECK(instance.table.name() == "range_table_5");
}

}  // namespace
}  // namespace tensorstark::air
