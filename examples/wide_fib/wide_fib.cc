#include "examples/wide_fib/wide_fib.h"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <array>
#include <cassert>

#include "air/mixed_arithmetic.h"
#include "field/packed_m31.h"

namespace tensorstark::examples {
namespace {

using field::kLanes;
using field::kLogLanes;
using field::PackedM31;

// Packed rows generated together, column by column: each column is then written in runs of
// 4 KiB instead of one cache line per column per row, which keeps the 100 output streams from
// waiting on memory.
constexpr size_t kBlockVecRows = 64;

// Small traces (fewer rows than lanes), one row at a time.
void WriteRows(std::vector<std::vector<M31>>& columns, size_t n_rows, M31 a) {
  for (size_t j = 0; j < n_rows; ++j) {
    M31 x = a, y = M31::FromCanonical(static_cast<uint32_t>(j));
    columns[0][j] = x;
    columns[1][j] = y;
    for (size_t i = 2; i < columns.size(); ++i) {
      const M31 z = x * x + y * y;
      columns[i][j] = z;
      x = y;
      y = z;
    }
  }
}

// Packed rows [begin, end), end - begin ≤ kBlockVecRows.
void WriteBlock(std::vector<std::vector<M31>>& columns, size_t begin, size_t end, M31 a) {
  std::array<M31, kLanes> lane_index;
  for (int l = 0; l < kLanes; ++l) lane_index[l] = M31::FromCanonical(l);
  const PackedM31 lanes = PackedM31::FromArray(lane_index);
  std::array<PackedM31, kBlockVecRows> x, y;
  for (size_t v = begin; v < end; ++v) {
    x[v - begin] = PackedM31::Broadcast(a);
    y[v - begin] = lanes + M31::FromCanonical(static_cast<uint32_t>(v * kLanes));
    x[v - begin].Store(columns[0].data() + v * kLanes);
    y[v - begin].Store(columns[1].data() + v * kLanes);
  }
  for (size_t i = 2; i < columns.size(); ++i) {
    M31* column = columns[i].data();
    for (size_t v = begin; v < end; ++v) {
      const PackedM31 z = x[v - begin] * x[v - begin] + y[v - begin] * y[v - begin];
      z.Store(column + v * kLanes);
      x[v - begin] = y[v - begin];
      y[v - begin] = z;
    }
  }
}

}  // namespace

WideFib::WideFib(uint32_t log_size, uint32_t n_columns)
    : log_size_(log_size), n_columns_(n_columns) {
  assert(n_columns >= 2);
  assert(log_size <= 30);
}

WideFibInstance MakeWideFib(uint32_t log_size, uint32_t n_columns, M31 a) {
  WideFibInstance instance{air::FrameworkComponent<WideFib>(WideFib(log_size, n_columns)),
                           std::vector<std::vector<M31>>(n_columns),
                           {a}};
  std::vector<std::vector<M31>>& columns = instance.trace;
  const size_t n_rows = size_t{1} << log_size;
  // Allocating (and zeroing) the columns in parallel spreads the page faults over the cores.
  tbb::parallel_for(size_t{0}, columns.size(), [&](size_t i) { columns[i].resize(n_rows); });
  if (log_size < kLogLanes) {
    WriteRows(columns, n_rows, a);
    return instance;
  }
  tbb::parallel_for(tbb::blocked_range<size_t>(0, n_rows >> kLogLanes, kBlockVecRows),
                    [&](const tbb::blocked_range<size_t>& range) {
                      // The partitioner may hand out more than the grain.
                      for (size_t v = range.begin(); v < range.end(); v += kBlockVecRows) {
                        WriteBlock(columns, v, std::min(range.end(), v + kBlockVecRows), a);
                      }
                    });
  return instance;
}

}  // namespace tensorstark::examples
