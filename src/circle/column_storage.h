// Memory for the blown-up evaluations the prover commits to (protocol reference §5.2: the
// low-degree extensions of every committed column): one uninitialised allocation holding many
// columns. The prover's FFT overwrites every value, so zero-filling first (as std::vector does)
// would be a wasted pass, and it would fault the pages in before the (parallel) FFT could (see
// field/large_allocation.h).
#pragma once

#include <cstddef>
#include <memory>
#include <span>
#include <utility>
#include <vector>

#include "field/large_allocation.h"
#include "field/m31.h"

namespace tensorstark::circle {

class ColumnStorage {
 public:
  ColumnStorage() = default;
  // Room for columns of the given sizes, each starting on a cache line, staggered so that the
  // same row of different columns falls in different cache sets. The values are
  // uninitialised until written. M31 is trivially copyable and destructible, so malloc'ed memory
  // holds M31 objects without construction.
  explicit ColumnStorage(std::span<const size_t> sizes);

  size_t n_columns() const { return columns_.size(); }
  std::span<field::M31> column(size_t i) {
    return {data_.get() + columns_[i].first, columns_[i].second};
  }
  std::span<const field::M31> column(size_t i) const {
    return {data_.get() + columns_[i].first, columns_[i].second};
  }
  // Every column, in order.
  std::vector<std::span<const field::M31>> Columns() const;

 private:
  std::unique_ptr<field::M31[], field::LargeDeleter> data_;
  std::vector<std::pair<size_t, size_t>> columns_;  // (offset, size) in elements
};

}  // namespace tensorstark::circle
