#include "air/sample_layout.h"

#include <algorithm>
#include <map>

namespace tensorstark::air {

namespace {

// Every sample's point before numbering (0 for the out-of-domain point itself), tree by tree.
std::array<std::vector<std::vector<DerivedPoint>>, 4> SampleSpecs(const AirLayout& layout) {
  std::array<std::vector<std::vector<DerivedPoint>>, 4> specs;
  for (const std::vector<uint32_t>& doublings : layout.preprocessed_doublings) {
    std::vector<DerivedPoint>& column = specs[kPreprocessedTree].emplace_back();
    for (uint32_t k : doublings) column.push_back({.doublings = k});
  }
  for (const ComponentLayout& c : layout.components) {
    // Offset 0 is the point itself, whatever the size.
    const auto shifted = [&](int offset) {
      return offset == 0 ? DerivedPoint{} : DerivedPoint{.log_size = c.log_size, .offset = offset};
    };
    for (size_t col = 0; col < c.trace_reads.size(); ++col) {
      if (c.trace_reads[col].borrowed) continue;
      std::vector<DerivedPoint>& column = specs[kTraceTree].emplace_back();
      for (int offset : c.info.trace_offsets[col]) column.push_back(shifted(offset));
      for (uint32_t k : layout.trace_doublings[c.trace_reads[col].column]) {
        column.push_back({.doublings = k});
      }
    }
    for (const std::vector<int>& offsets : c.info.interaction_offsets) {
      std::vector<DerivedPoint>& column = specs[kInteractionTree].emplace_back();
      for (int offset : offsets) column.push_back(shifted(offset));
    }
  }
  specs[kCompositionTree].assign(4 * layout.n_composition_chunks(), {DerivedPoint{}});
  return specs;
}

}  // namespace

SampleLayout MakeSampleLayout(const AirLayout& layout) {
  SampleLayout out;
  const auto specs = SampleSpecs(layout);
  // Number the points, and note each sample's flat index and its column's log size.
  struct Sample {
    size_t tree, column, point_id, flat_index;
  };
  std::vector<Sample> samples;
  std::array<std::vector<uint32_t>, 4> log_sizes = {
      layout.column_log_sizes[kPreprocessedTree], layout.column_log_sizes[kTraceTree],
      layout.column_log_sizes[kInteractionTree],
      std::vector<uint32_t>(4 * layout.n_composition_chunks(), layout.chunk_log_size)};
  for (size_t tree = 0; tree < 4; ++tree) {
    for (size_t col = 0; col < specs[tree].size(); ++col) {
      std::vector<size_t>& ids = out.ids[tree].emplace_back();
      for (const DerivedPoint& spec : specs[tree][col]) {
        size_t id = 0;
        if (spec != DerivedPoint{}) {
          auto it = std::find(out.derived.begin(), out.derived.end(), spec);
          if (it == out.derived.end()) it = out.derived.insert(it, spec);
          id = static_cast<size_t>(it - out.derived.begin()) + 1;
        }
        ids.push_back(id);
        samples.push_back({tree, col, id, samples.size()});
      }
    }
  }
  for (const auto& sizes : log_sizes) {
    out.group_log_sizes.insert(out.group_log_sizes.end(), sizes.begin(), sizes.end());
  }
  std::sort(out.group_log_sizes.begin(), out.group_log_sizes.end(), std::greater<>());
  out.group_log_sizes.erase(std::unique(out.group_log_sizes.begin(), out.group_log_sizes.end()),
                            out.group_log_sizes.end());

  for (uint32_t s : out.group_log_sizes) {
    // Each column's index among its tree's columns of size s.
    std::map<std::pair<size_t, size_t>, size_t> index_of;
    std::array<size_t, 4> next_index{};
    std::vector<QuotientBatchLayout>& batches = out.groups.emplace_back();
    for (const Sample& sample : samples) {
      if (log_sizes[sample.tree][sample.column] != s) continue;
      auto [it, inserted] = index_of.try_emplace({sample.tree, sample.column}, 0);
      if (inserted) it->second = next_index[sample.tree]++;
      auto batch = std::find_if(batches.begin(), batches.end(),
                                [&](const auto& b) { return b.point_id == sample.point_id; });
      if (batch == batches.end()) {
        batch = batches.insert(batches.end(), QuotientBatchLayout{});
        batch->point_id = sample.point_id;
      }
      std::vector<std::array<size_t, 3>>& runs = batch->runs;
      if (!runs.empty() && runs.back()[0] == sample.tree &&
          runs.back()[1] + runs.back()[2] == it->second) {
        ++runs.back()[2];
      } else {
        runs.push_back({sample.tree, it->second, 1});
      }
      batch->samples.push_back(sample.flat_index);
    }
  }
  return out;
}

circle::CirclePoint<QM31> DerivedPointAt(const DerivedPoint& derived,
                                         const circle::CirclePoint<QM31>& p) {
  circle::CirclePoint<QM31> point =
      derived.offset == 0 ? p : ShiftedPoint(p, derived.log_size, derived.offset);
  return point.RepeatedDouble(derived.doublings);
}

}  // namespace tensorstark::air
