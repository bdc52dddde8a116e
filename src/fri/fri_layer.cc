#include "fri/fri_layer.h"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <cassert>

namespace tensorstark::fri {

std::vector<std::vector<M31>> FriLeafColumns(const SecureColumn& layer, uint32_t log_leaf_size) {
  const size_t coset_size = size_t{1} << log_leaf_size;
  assert(layer.size() % coset_size == 0);
  const size_t n_leaves = layer.size() / coset_size;
  std::vector<std::vector<M31>> columns(4 * coset_size, std::vector<M31>(n_leaves));
  // A pure copy: any split over leaves gives the same columns.
  tbb::parallel_for(tbb::blocked_range<size_t>(0, n_leaves, 1 << 12),
                    [&](const tbb::blocked_range<size_t>& range) {
                      for (size_t t = 0; t < coset_size; ++t) {
                        for (size_t c = 0; c < 4; ++c) {
                          const std::vector<M31>& coord = layer.coords[c];
                          std::vector<M31>& column = columns[4 * t + c];
                          for (size_t i = range.begin(); i < range.end(); ++i) {
                            column[i] = coord[i * coset_size + t];
                          }
                        }
                      }
                    });
  return columns;
}

std::vector<size_t> AppendFriWitness(std::span<const std::vector<M31>> leaf_columns,
                                     uint32_t log_leaf_size, std::span<const size_t> positions,
                                     std::vector<QM31>& witness) {
  const size_t coset_size = size_t{1} << log_leaf_size;
  assert(leaf_columns.size() == 4 * coset_size);
  std::vector<size_t> leaves;
  size_t next = 0;  // the first known position not yet passed
  for (size_t p : positions) {
    const size_t leaf = p >> log_leaf_size;
    if (!leaves.empty() && leaves.back() == leaf) continue;
    leaves.push_back(leaf);
    for (size_t t = 0; t < coset_size; ++t) {
      const size_t position = leaf * coset_size + t;
      while (next < positions.size() && positions[next] < position) ++next;
      if (next < positions.size() && positions[next] == position) continue;
      witness.push_back(
          QM31::FromM31Array({leaf_columns[4 * t][leaf], leaf_columns[4 * t + 1][leaf],
                              leaf_columns[4 * t + 2][leaf], leaf_columns[4 * t + 3][leaf]}));
    }
  }
  return leaves;
}

std::optional<FriOpenedCosets> OpenFriCosets(std::span<const size_t> positions,
                                             std::span<const QM31> values, uint32_t log_leaf_size,
                                             std::span<const QM31>& witness) {
  assert(positions.size() == values.size());
  const size_t coset_size = size_t{1} << log_leaf_size;
  FriOpenedCosets opened;
  opened.values.reserve(positions.size() * coset_size);
  size_t next = 0;
  for (size_t p : positions) {
    const size_t leaf = p >> log_leaf_size;
    if (!opened.leaves.empty() && opened.leaves.back() == leaf) continue;
    opened.leaves.push_back(leaf);
    for (size_t t = 0; t < coset_size; ++t) {
      const size_t position = leaf * coset_size + t;
      while (next < positions.size() && positions[next] < position) ++next;
      if (next < positions.size() && positions[next] == position) {
        opened.values.push_back(values[next]);
      } else {
        if (witness.empty()) return std::nullopt;
        opened.values.push_back(witness.front());
        witness = witness.subspan(1);
      }
    }
  }
  return opened;
}

std::vector<M31> FriLeafValues(std::span<const QM31> values) {
  std::vector<M31> flat;
  flat.reserve(4 * values.size());
  for (const QM31& v : values) {
    for (M31 c : v.ToM31Array()) flat.push_back(c);
  }
  return flat;
}

}  // namespace tensorstark::fri
