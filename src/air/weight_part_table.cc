#include "air/weight_part_table.h"

#include <algorithm>
#include <cassert>
#include <memory>
#include <string>
#include <utility>

#include "air/mask_index.h"

namespace tensorstark::air {

using field::M31;

Relation WeightPartRelation(uint32_t bits) { return {"weight_part_" + std::to_string(bits), 1}; }

namespace {

std::shared_ptr<const DataColumns> PartValues(uint32_t bits) {
  const int64_t base = WeightPartBase(bits);
  auto data = std::make_shared<DataColumns>(
      1, std::vector<M31>(size_t{1} << WeightPartTable::LogSize(bits)));
  for (size_t row = 0; row < (*data)[0].size(); ++row) {
    (*data)[0][row] = M31::FromCanonical(static_cast<uint32_t>(std::min<int64_t>(row, base - 1)));
  }
  return data;
}

}  // namespace

WeightPartTable::WeightPartTable(std::string name, uint32_t bits, uint32_t first_data_column)
    : DataComponent(std::move(name), LogSize(bits), first_data_column, PartValues(bits)),
      relation_(WeightPartRelation(bits)) {}

std::vector<M31> WeightPartCounts(std::span<const WeightWord> words,
                                  std::span<const int64_t> values, uint32_t bits) {
  const uint32_t log_size = WeightPartTable::LogSize(bits);
  std::vector<M31> counts(size_t{1} << log_size);
  const int64_t offset = WeightPartOffset(bits);
  for (const WeightWord& word : words) {
    if (!word.packed) continue;
    for (int64_t index : word.index) {
      const int64_t part = (index < 0 ? 0 : values[index]) + offset;
      assert(part >= 0 && part < WeightPartBase(bits));
      M31& count = counts[CosetRowToStorageIndex(static_cast<size_t>(part), log_size)];
      count = count + M31::One();
    }
  }
  return counts;
}

}  // namespace tensorstark::air
