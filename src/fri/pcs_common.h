// Bookkeeping shared by the commitment-scheme prover and verifier (protocol reference §5.3, §5.4,
// §7.4): how samples are listed and flattened into the channel, how columns of all trees are
// grouped by evaluation size for the DEEP quotients, and which positions each tree opens.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include "circle/circle_point.h"
#include "field/qm31.h"
#include "fri/quotients.h"
#include "hash/merkle.h"

namespace tensorstark::fri {

// sample_points[tree][column]: the points a column is opened at.
using SamplePoints = std::vector<std::vector<std::vector<circle::CirclePoint<QM31>>>>;

// True if values[tree][column] has one value per point of sample_points[tree][column].
bool SampledValuesMatch(const SamplePoints& sample_points,
                        const std::vector<std::vector<std::vector<QM31>>>& values);

// Tree-major, then column, then point order.
std::vector<QM31> FlattenSamples(const std::vector<std::vector<std::vector<QM31>>>& values);

std::vector<PointSample> Samples(const std::vector<circle::CirclePoint<QM31>>& points,
                                 const std::vector<QM31>& values);

// A uniformly random QM31 polynomial (4 coordinate columns of one tree) that the zero-knowledge
// prover commits and adds to the DEEP quotient of its evaluation size, so that what FRI commits and
// opens is independent of the witness (docs/zero-knowledge.md §5). Its columns are not sampled.
struct FriMask {
  uint32_t eval_log_size = 0;
  size_t tree = 0;
  std::array<size_t, 4> columns{};  // the column of each coordinate (QM31::FromM31Array order)
};

// The columns of one evaluation log size across all trees, in tree order then column order.
struct ColumnGroup {
  uint32_t log_size = 0;
  std::vector<std::pair<size_t, size_t>> columns;  // (tree, column)
};

// Groups by evaluation log size, largest first; log_sizes[tree][column].
std::vector<ColumnGroup> GroupColumnsByLogSize(const std::vector<std::vector<uint32_t>>& log_sizes);

// The positions a tree opens: for each log size s of its columns, the queries (positions in the
// domain of log size max_log_size) shifted down to s, deduplicated.
hash::QueriesPerLogSize TreeQueries(std::span<const size_t> queries, uint32_t max_log_size,
                                    const std::vector<uint32_t>& column_log_sizes);

}  // namespace tensorstark::fri
