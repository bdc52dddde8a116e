// Where the committed columns are opened, as static data for the Cairo verifier (cairo_gen.h):
// each distinct sample point once, every sample's point, and the DEEP quotients' batches of each
// evaluation size (fri/quotients.h) with the columns and samples each batch reads. The C++
// verifier derives the same from the layout for every proof (MakeSamplePoints,
// BatchSamplesByPoint); the Cairo verifier reads it from the generated module, where deriving it
// again would cost more gas than the arithmetic it organises.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "air/layout.h"
#include "circle/circle_point.h"

namespace tensorstark::air {

// A sample point other than the out-of-domain point p: p shifted by `offset` steps of the trace
// domain of 2^log_size points (offset 0: no shift), then doubled `doublings` times.
struct DerivedPoint {
  uint32_t doublings = 0;
  uint32_t log_size = 0;
  int offset = 0;
  bool operator==(const DerivedPoint&) const = default;
};

// One batch of a group's quotients: the samples at one point. Its columns in column order, as
// runs of consecutive columns of one tree (tree, index of the first among the tree's columns of
// the group's size, count), and its samples' indices in the proof's flat sampled values, in the
// same order.
struct QuotientBatchLayout {
  size_t point_id = 0;
  std::vector<std::array<size_t, 3>> runs;
  std::vector<size_t> samples;
};

struct SampleLayout {
  std::vector<DerivedPoint> derived;  // point i + 1; point 0 is the out-of-domain point
  // ids[tree][column][sample]: the sample's point (trees 0 … 3, composition last).
  std::array<std::vector<std::vector<size_t>>, 4> ids;
  // The columns' log sizes, distinct and descending: one group of quotients each.
  std::vector<uint32_t> group_log_sizes;
  // Per group, its batches in order of their points' first samples, the order they are
  // combined in (fri/quotients.h).
  std::vector<std::vector<QuotientBatchLayout>> groups;
};

// Points are numbered in order of first sample: tree 0's columns, then trees 1 and 2 (in
// column order), then the composition's chunks, all at the out-of-domain point.
SampleLayout MakeSampleLayout(const AirLayout& layout);

// The point of `derived` for the out-of-domain point p (MakeSamplePoints' points).
circle::CirclePoint<QM31> DerivedPointAt(const DerivedPoint& derived,
                                         const circle::CirclePoint<QM31>& p);

}  // namespace tensorstark::air
