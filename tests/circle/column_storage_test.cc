#include "circle/column_storage.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <utility>
#include <vector>

#include "test_util.h"

namespace tensorstark::circle {
namespace {

using field::M31;

TEST_CASE("ColumnStorage lays out disjoint, cache-line aligned columns of the given sizes") {
  // Mixed sizes, some not multiples of a cache line, and one large enough for huge pages.
  const std::vector<size_t> sizes = {1, 2, 16, 7, size_t{1} << 20, 0, 33, 4};
  ColumnStorage storage(sizes);
  REQUIRE(storage.n_columns() == sizes.size());
  testing::Rng rng;
  std::vector<std::vector<M31>> expected;
  for (size_t i = 0; i < sizes.size(); ++i) {
    const std::span<M31> column = storage.column(i);
    CHECK(column.size() == sizes[i]);
    CHECK(reinterpret_cast<uintptr_t>(column.data()) % 64 == 0);
    expected.emplace_back(sizes[i]);
    for (size_t j = 0; j < sizes[i]; ++j) column[j] = expected[i][j] = rng.M31();
  }
  // Writing every column left the others intact, so they do not overlap.
  const std::vector<std::span<const M31>> columns = storage.Columns();
  REQUIRE(columns.size() == sizes.size());
  for (size_t i = 0; i < sizes.size(); ++i) {
    CHECK(std::equal(columns[i].begin(), columns[i].end(), expected[i].begin(), expected[i].end()));
  }
}

TEST_CASE("ColumnStorage without columns and moved storage") {
  ColumnStorage empty(std::vector<size_t>{});
  CHECK(empty.n_columns() == 0);
  CHECK(empty.Columns().empty());

  ColumnStorage storage(std::vector<size_t>{8});
  storage.column(0)[3] = M31::One();
  const M31* data = storage.column(0).data();
  ColumnStorage moved = std::move(storage);
  // The values stay where they are: spans taken before a move stay valid.
  CHECK(moved.column(0).data() == data);
  CHECK(moved.column(0)[3] == M31::One());
}

}  // namespace
}  // namespace tensorstark::circle
