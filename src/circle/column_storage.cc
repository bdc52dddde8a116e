#include "circle/column_storage.h"

#include <type_traits>

#include "field/large_allocation.h"

namespace tensorstark::circle {
namespace {

constexpr size_t kCacheLine = 64;

constexpr size_t RoundUp(size_t n, size_t multiple) {
  return (n + multiple - 1) / multiple * multiple;
}

}  // namespace

ColumnStorage::ColumnStorage(std::span<const size_t> sizes) {
  static_assert(std::is_trivially_copyable_v<field::M31> &&
                std::is_trivially_destructible_v<field::M31>);
  // Columns are read side by side (a Merkle leaf, a constraint, a quotient row reads the same row
  // of many columns). Power-of-two columns packed back to back would put those values a multiple
  // of the cache's set period apart, all in one set; one spare cache line after each column
  // staggers them across the sets.
  constexpr size_t kLineElems = kCacheLine / sizeof(field::M31);
  size_t total = 0;
  for (size_t size : sizes) {
    columns_.emplace_back(total, size);
    total += RoundUp(size, kLineElems) + kLineElems;
  }
  data_.reset(static_cast<field::M31*>(field::AllocateLarge(total * sizeof(field::M31))));
}

std::vector<std::span<const field::M31>> ColumnStorage::Columns() const {
  std::vector<std::span<const field::M31>> columns;
  for (size_t i = 0; i < n_columns(); ++i) columns.push_back(column(i));
  return columns;
}

}  // namespace tensorstark::circle
