#include "examples/range_check/range_check.h"

#include <cassert>
#include <random>
#include <span>

#include "circle/bit_reverse.h"

namespace tensorstark::examples {

RangeCheckedValues::RangeCheckedValues(uint32_t log_size, uint32_t log_range, uint32_t n_columns)
    : log_size_(log_size), n_columns_(n_columns), relation_(air::RangeCheckRelation(log_range)) {
  assert(n_columns >= 1);
}

RangeCheckInstance MakeRangeCheck(uint32_t log_size, uint32_t log_range,
                                  const std::vector<std::vector<uint32_t>>& values) {
  assert(!values.empty() && log_range <= 30);
  const size_t n_rows = size_t{1} << log_size;
  RangeCheckInstance instance{air::FrameworkComponent<RangeCheckedValues>(RangeCheckedValues(
                                  log_size, log_range, static_cast<uint32_t>(values.size()))),
                              air::FrameworkComponent<air::RangeTable>(air::RangeTable(log_range)),
                              {},
                              {},
                              {M31::FromCanonical(values[0][0])}};
  // Table row r holds the value r, so its multiplicity is counted at row r (coset order) and
  // then moved to storage order like the Seq column.
  std::vector<M31> multiplicities(size_t{1} << log_range);
  for (const std::vector<uint32_t>& column : values) {
    assert(column.size() == n_rows);
    std::vector<M31> trace_column(n_rows);
    for (size_t j = 0; j < n_rows; ++j) {
      assert(column[j] < multiplicities.size());
      trace_column[j] = M31::FromCanonical(column[j]);
      multiplicities[column[j]] += M31::One();
    }
    instance.values_trace.push_back(std::move(trace_column));
  }
  circle::BitReverseCosetToCircleDomainOrder(std::span<M31>(multiplicities));
  instance.table_trace.push_back(std::move(multiplicities));
  return instance;
}

std::vector<std::vector<uint32_t>> RandomRangeCheckValues(uint32_t log_size, uint32_t log_range,
                                                          uint32_t n_columns, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<std::vector<uint32_t>> values(n_columns,
                                            std::vector<uint32_t>(size_t{1} << log_size));
  for (std::vector<uint32_t>& column : values) {
    for (uint32_t& v : column) v = static_cast<uint32_t>(rng() & ((uint64_t{1} << log_range) - 1));
  }
  return values;
}

RangeCheckInstance MakeRandomRangeCheck(uint32_t log_size, uint32_t log_range, uint32_t n_columns,
                                        uint64_t seed) {
  return MakeRangeCheck(log_size, log_range,
                        RandomRangeCheckValues(log_size, log_range, n_columns, seed));
}

}  // namespace tensorstark::examples
