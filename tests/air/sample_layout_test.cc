// The sample layout the Cairo verifier reads (air/sample_layout.h): its numbered points are the
// ones MakeSamplePoints gives every sample, and each quotient group's batches hold every sample
// of the group's columns exactly once, at the batch's point, in column order.
#include "air/sample_layout.h"

#include <doctest/doctest.h>

#include <map>
#include <memory>
#include <set>
#include <variant>
#include <vector>

#include "air/profiles.h"
#include "examples/range_check/range_check.h"
#include "test_util.h"

namespace tensorstark::air {
namespace {

// The layout of a LogUp AIR with components of two sizes (a range check and its table).
AirLayout TwoSizeLayout() {
  examples::RangeCheckInstance instance = examples::MakeRandomRangeCheck(7, 6, 3, /*seed=*/5);
  const std::vector<const Component*> components = {&instance.values, &instance.table};
  auto made = MakeLayout(components, ProfileConfig(Profile::kTest));
  REQUIRE(std::holds_alternative<AirLayout>(made));
  return std::get<AirLayout>(made);
}

TEST_CASE("the sample layout of a LogUp AIR with components of two sizes") {
  const AirLayout layout = TwoSizeLayout();
  const SampleLayout samples = MakeSampleLayout(layout);

  // Every sample's point.
  testing::Rng rng(7);
  const auto p = circle::CirclePoint<QM31>::FromT(rng.QM31());
  const fri::SamplePoints expected = MakeSamplePoints(layout, p);
  std::vector<circle::CirclePoint<QM31>> points = {p};
  for (const DerivedPoint& d : samples.derived) points.push_back(DerivedPointAt(d, p));
  CHECK(points.size() > 1);  // the LogUp columns are read at the previous row too
  struct Sample {
    size_t tree, column, point_id;
  };
  std::vector<Sample> flat;
  for (size_t tree = 0; tree < 4; ++tree) {
    REQUIRE(samples.ids[tree].size() == expected[tree].size());
    for (size_t col = 0; col < expected[tree].size(); ++col) {
      REQUIRE(samples.ids[tree][col].size() == expected[tree][col].size());
      for (size_t k = 0; k < expected[tree][col].size(); ++k) {
        CHECK(points[samples.ids[tree][col][k]] == expected[tree][col][k]);
        flat.push_back({tree, col, samples.ids[tree][col][k]});
      }
    }
  }

  // The groups: one per column log size, largest first.
  std::array<std::vector<uint32_t>, 4> log_sizes = {
      layout.column_log_sizes[0], layout.column_log_sizes[1], layout.column_log_sizes[2],
      std::vector<uint32_t>(4 * layout.n_composition_chunks(), layout.chunk_log_size)};
  std::set<uint32_t> sizes;
  for (const auto& tree : log_sizes) sizes.insert(tree.begin(), tree.end());
  CHECK(samples.group_log_sizes == std::vector<uint32_t>(sizes.rbegin(), sizes.rend()));
  REQUIRE(samples.groups.size() == samples.group_log_sizes.size());

  // Each sample once, in the group of its column's size and the batch of its point; a batch's
  // runs name its samples' columns in order.
  std::multiset<size_t> covered;
  for (size_t g = 0; g < samples.groups.size(); ++g) {
    const uint32_t s = samples.group_log_sizes[g];
    // Each tree's columns of size s, numbered in order.
    std::map<std::pair<size_t, size_t>, size_t> index;
    std::array<size_t, 4> n{};
    for (size_t tree = 0; tree < 4; ++tree) {
      for (size_t col = 0; col < log_sizes[tree].size(); ++col) {
        if (log_sizes[tree][col] == s) index[{tree, col}] = n[tree]++;
      }
    }
    for (const QuotientBatchLayout& batch : samples.groups[g]) {
      std::vector<std::pair<size_t, size_t>> columns;  // (tree, index) from the runs
      for (const auto& [tree, first, count] : batch.runs) {
        for (size_t i = 0; i < count; ++i) columns.push_back({tree, first + i});
      }
      REQUIRE(columns.size() == batch.samples.size());
      for (size_t j = 0; j < batch.samples.size(); ++j) {
        const Sample& sample = flat.at(batch.samples[j]);
        CHECK(log_sizes[sample.tree][sample.column] == s);
        CHECK(sample.point_id == batch.point_id);
        CHECK(columns[j] == std::make_pair(sample.tree, index.at({sample.tree, sample.column})));
        if (j > 0) CHECK(columns[j - 1] < columns[j]);
        covered.insert(batch.samples[j]);
      }
    }
  }
  CHECK(covered.size() == flat.size());
  CHECK(std::set<size_t>(covered.begin(), covered.end()).size() == flat.size());
}

TEST_CASE("an out-of-domain point where the quotients are undefined is refused, not divided by") {
  const AirLayout layout = TwoSizeLayout();
  // 1 + t² = 0: no point.
  CHECK_FALSE(DrawnOodsSample(layout, QM31::FromU32(0, 1, 0, 0)));
  // t in M31: a point of the M31 circle (every trace coset's points are such); t in CM31: a
  // point with y in CM31. The DEEP quotients' denominators vanish at both.
  CHECK_FALSE(DrawnOodsSample(layout, QM31::FromU32(3, 0, 0, 0)));
  CHECK_FALSE(DrawnOodsSample(layout, QM31::FromU32(2, 3, 0, 0)));
  // A random t: the point and its samples as MakeSamplePoints gives them.
  testing::Rng rng(11);
  const QM31 t = rng.QM31();
  const auto sample = DrawnOodsSample(layout, t);
  REQUIRE(sample);
  CHECK(sample->point == circle::CirclePoint<QM31>::FromT(t));
  CHECK(sample->sample_points == MakeSamplePoints(layout, sample->point));
}

}  // namespace
}  // namespace tensorstark::air
