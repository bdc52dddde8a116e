#include "fri/pcs_common.h"

#include <algorithm>
#include <cassert>
#include <map>

namespace tensorstark::fri {

bool SampledValuesMatch(const SamplePoints& sample_points,
                        const std::vector<std::vector<std::vector<QM31>>>& values) {
  if (values.size() != sample_points.size()) return false;
  for (size_t t = 0; t < values.size(); ++t) {
    if (values[t].size() != sample_points[t].size()) return false;
    for (size_t c = 0; c < values[t].size(); ++c) {
      if (values[t][c].size() != sample_points[t][c].size()) return false;
    }
  }
  return true;
}

std::vector<QM31> FlattenSamples(const std::vector<std::vector<std::vector<QM31>>>& values) {
  std::vector<QM31> flat;
  for (const auto& tree : values) {
    for (const auto& column : tree) flat.insert(flat.end(), column.begin(), column.end());
  }
  return flat;
}

std::vector<PointSample> Samples(const std::vector<circle::CirclePoint<QM31>>& points,
                                 const std::vector<QM31>& values) {
  assert(points.size() == values.size());
  std::vector<PointSample> samples;
  for (size_t i = 0; i < points.size(); ++i) samples.push_back({points[i], values[i]});
  return samples;
}

std::vector<ColumnGroup> GroupColumnsByLogSize(
    const std::vector<std::vector<uint32_t>>& log_sizes) {
  std::map<uint32_t, ColumnGroup, std::greater<>> groups;
  for (size_t t = 0; t < log_sizes.size(); ++t) {
    for (size_t c = 0; c < log_sizes[t].size(); ++c) {
      ColumnGroup& group = groups[log_sizes[t][c]];
      group.log_size = log_sizes[t][c];
      group.columns.emplace_back(t, c);
    }
  }
  std::vector<ColumnGroup> result;
  for (auto& [log_size, group] : groups) result.push_back(std::move(group));
  return result;
}

hash::QueriesPerLogSize TreeQueries(std::span<const size_t> queries, uint32_t max_log_size,
                                    const std::vector<uint32_t>& column_log_sizes) {
  hash::QueriesPerLogSize result;
  for (uint32_t s : column_log_sizes) {
    if (result.contains(s)) continue;
    assert(s <= max_log_size);
    std::vector<size_t>& positions = result[s];
    for (size_t q : queries) positions.push_back(q >> (max_log_size - s));
    positions.erase(std::unique(positions.begin(), positions.end()), positions.end());
  }
  return result;
}

}  // namespace tensorstark::fri
