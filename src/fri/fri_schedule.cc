#include "fri/fri_schedule.h"

#include <algorithm>
#include <cassert>

#include "circle/coset.h"

namespace tensorstark::fri {

bool FriInputsFit(const FriConfig& config, std::span<const uint32_t> column_log_sizes) {
  if (config.fold_step == 0 || column_log_sizes.empty()) return false;
  // In 64 bits: the configuration may come from a proof and hold anything.
  const uint64_t min_log_size =
      uint64_t{config.log_blowup_factor} + config.log_last_layer_degree_bound + 1;
  for (size_t i = 0; i < column_log_sizes.size(); ++i) {
    const uint32_t s = column_log_sizes[i];
    if (s < min_log_size || s > circle::CircleDomain::kMaxLogSize) return false;
    if (i > 0 && s >= column_log_sizes[i - 1]) return false;
  }
  return true;
}

FriSchedule MakeFriSchedule(const FriConfig& config, std::span<const uint32_t> column_log_sizes) {
  assert(FriInputsFit(config, column_log_sizes));
  FriSchedule schedule;
  schedule.column_log_sizes.assign(column_log_sizes.begin(), column_log_sizes.end());
  schedule.last_layer_log_size = config.log_last_layer_degree_bound + config.log_blowup_factor;
  const uint32_t last = schedule.last_layer_log_size;
  size_t next_column = 1;  // column 0 starts the first line layer
  for (uint32_t m = column_log_sizes[0] - 1; m > last;) {
    uint32_t j = std::min(config.fold_step, m - last);
    if (next_column < column_log_sizes.size())
      j = std::min(j, m - (column_log_sizes[next_column] - 1));
    FriInnerLayer layer{m, j, std::nullopt};
    m -= j;
    if (next_column < column_log_sizes.size() && column_log_sizes[next_column] - 1 == m) {
      layer.injected_column = next_column++;
    }
    schedule.inner_layers.push_back(layer);
  }
  // Every column's line size is at least `last`, so all have joined by now.
  assert(next_column == column_log_sizes.size());
  return schedule;
}

circle::LineDomain FriLineDomain(uint32_t log_size) {
  return circle::LineDomain(circle::CanonicCoset(log_size + 1).circle_domain());
}

std::vector<size_t> FoldPositions(std::span<const size_t> positions, uint32_t shift) {
  std::vector<size_t> folded;
  folded.reserve(positions.size());
  for (size_t p : positions) {
    const size_t f = p >> shift;
    if (folded.empty() || folded.back() != f) folded.push_back(f);
  }
  return folded;
}

}  // namespace tensorstark::fri
