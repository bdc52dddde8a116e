// Interaction-trace generation against a direct row-by-row computation of the LogUp columns.
#include <doctest/doctest.h>
#include <tbb/task_arena.h>

#include "air/mask_index.h"
#include "air_test_util.h"
#include "examples/range_check/range_check.h"
#include "examples/wide_fib/wide_fib.h"

namespace tensorstark::air {
namespace {

using testing::Trees;

// The columns of logup.h computed the slow way: per coset row, the fractions 1/(v_c - z) in
// pairs, the running sums, and the last column's prefix sum.
InteractionTrace Direct(const std::vector<std::vector<uint32_t>>& values, uint32_t log_size,
                        const LookupElements& elements) {
  const size_t n_rows = size_t{1} << log_size, n_values = values.size();
  const size_t n_batches = (n_values + 1) / 2;
  InteractionTrace out;
  out.columns.assign(4 * n_batches, std::vector<M31>(n_rows));
  std::vector<QM31> totals(n_rows);
  for (size_t row = 0; row < n_rows; ++row) {
    const size_t position = CosetRowToStorageIndex(row, log_size);
    QM31 cumulative;
    for (size_t c = 0; c < n_values; ++c) {
      cumulative += (QM31(M31::FromCanonical(values[c][position])) - elements.z).Inverse();
      if (c % 2 == 1 || c + 1 == n_values) {
        const std::array<M31, 4> coords = cumulative.ToM31Array();
        for (size_t k = 0; k < 4; ++k) out.columns[4 * (c / 2) + k][position] = coords[k];
      }
    }
    totals[row] = cumulative;
    out.claimed_sum += cumulative;
  }
  const QM31 shift = out.claimed_sum * M31::FromCanonical(static_cast<uint32_t>(n_rows)).Inverse();
  QM31 prefix;
  for (size_t row = 0; row < n_rows; ++row) {
    prefix += totals[row] - shift;
    const std::array<M31, 4> coords = prefix.ToM31Array();
    for (size_t k = 0; k < 4; ++k) {
      out.columns[4 * (n_batches - 1) + k][CosetRowToStorageIndex(row, log_size)] = coords[k];
    }
  }
  return out;
}

TEST_CASE("GenerateInteractionTrace matches the direct LogUp columns") {
  tensorstark::testing::Rng rng(21);
  for (auto [log_size, n_columns] :
       {std::pair{1u, 1u}, {3u, 3u}, {4u, 2u}, {6u, 5u}, {9u, 4u}, {15u, 3u}}) {
    CAPTURE(log_size);
    CAPTURE(n_columns);
    const uint32_t log_range = 4;
    const auto values = examples::RandomRangeCheckValues(log_size, log_range, n_columns, rng.U64());
    const auto instance = examples::MakeRangeCheck(log_size, log_range, values);
    const LookupElementsMap lookup = testing::RandomLookupElements(instance.values.Info(), rng);
    Trees trees;
    trees[kPreprocessedTree] = testing::PreprocessedColumns(instance.values.Info());
    trees[kTraceTree] = instance.values_trace;
    const EvalContext ctx{instance.public_inputs, &lookup, {}};
    const InteractionTrace trace =
        instance.values.GenerateInteractionTrace(testing::View(trees), ctx);
    const InteractionTrace direct = Direct(values, log_size, lookup.at("range_check_4"));
    CHECK(trace.claimed_sum == direct.claimed_sum);
    CHECK(trace.columns == direct.columns);

    // The last column's prefix sum ends at zero on the last coset row.
    const size_t last_position = CosetRowToStorageIndex((size_t{1} << log_size) - 1, log_size);
    for (size_t k = trace.columns.size() - 4; k < trace.columns.size(); ++k) {
      CHECK(trace.columns[k][last_position] == M31());
    }
  }
}

TEST_CASE("GenerateInteractionTrace does not depend on the number of threads") {
  tensorstark::testing::Rng rng(22);
  const uint32_t log_size = 15;  // several chunks and prefix-sum blocks
  const auto instance = examples::MakeRandomRangeCheck(log_size, 8, 3, rng.U64());
  const LookupElementsMap lookup = testing::RandomLookupElements(instance.values.Info(), rng);
  Trees trees;
  trees[kPreprocessedTree] = testing::PreprocessedColumns(instance.values.Info());
  trees[kTraceTree] = instance.values_trace;
  const EvalContext ctx{instance.public_inputs, &lookup, {}};
  const InteractionTrace parallel =
      instance.values.GenerateInteractionTrace(testing::View(trees), ctx);
  InteractionTrace serial;
  tbb::task_arena(1).execute(
      [&] { serial = instance.values.GenerateInteractionTrace(testing::View(trees), ctx); });
  CHECK(parallel.claimed_sum == serial.claimed_sum);
  CHECK(parallel.columns == serial.columns);
}

TEST_CASE("Components without relations have no interaction trace") {
  const auto instance = examples::MakeWideFib(5, 4);
  Trees trees;
  trees[kTraceTree] = instance.trace;
  const InteractionTrace trace = instance.component.GenerateInteractionTrace(
      testing::View(trees), {instance.public_inputs, nullptr, {}});
  CHECK(trace.columns.empty());
  CHECK(trace.claimed_sum == QM31());
}

}  // namespace
}  // namespace tensorstark::air
