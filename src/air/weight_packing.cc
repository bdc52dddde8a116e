#include "air/weight_packing.h"

#include <cassert>
#include <stdexcept>
#include <string>

namespace tensorstark::air {

using field::M31;

bool WeightFits(int64_t w, uint32_t bits) {
  assert(bits >= 1 && bits < 63);
  const int64_t bound = int64_t{1} << (bits - 1);
  return -bound <= w && w <= bound;
}

int64_t WeightPartBase(uint32_t bits) {
  assert(bits >= 1 && bits <= kMaxPackedWeightBits);
  return (int64_t{1} << bits) + 1;
}

int64_t WeightPartOffset(uint32_t bits) {
  assert(bits >= 1 && bits <= kMaxPackedWeightBits);
  return int64_t{1} << (bits - 1);
}

std::vector<WeightWord> PackWeightWords(const std::vector<bool>& packable) {
  std::vector<WeightWord> words;
  // Places used in the last word if it is packed with room left; kWeightPartsPerWord otherwise.
  uint32_t filled = kWeightPartsPerWord;
  for (size_t i = 0; i < packable.size(); ++i) {
    const auto index = static_cast<int64_t>(i);
    if (!packable[i]) {
      words.push_back({{index, -1, -1}, false});
      filled = kWeightPartsPerWord;
    } else if (filled < kWeightPartsPerWord) {
      words.back().index[filled++] = index;
    } else {
      words.push_back({{index, -1, -1}, true});
      filled = 1;
    }
  }
  return words;
}

std::vector<WeightWordPlaces> WeightWordEntries(std::span<const WeightWord> words,
                                                std::span<const int64_t> values) {
  std::vector<WeightWordPlaces> entries(words.size());
  for (size_t w = 0; w < words.size(); ++w) {
    for (uint32_t k = 0; k < kWeightPartsPerWord; ++k) {
      const int64_t index = words[w].index[k];
      if (index >= 0) entries[w][k] = M31::FromSigned(values[index]);
    }
  }
  return entries;
}

std::vector<M31> WeightWordValues(std::span<const WeightWord> words,
                                  std::span<const int64_t> values, uint32_t bits) {
  std::vector<M31> out;
  out.reserve(words.size());
  for (const WeightWord& word : words) {
    if (!word.packed) {
      out.push_back(M31::FromSigned(values[word.index[0]]));
      continue;
    }
    const int64_t base = WeightPartBase(bits), offset = WeightPartOffset(bits);
    int64_t packed = 0, scale = 1;
    for (int64_t index : word.index) {
      const int64_t value = index < 0 ? 0 : values[index];
      if (!WeightFits(value, bits)) {
        throw std::out_of_range("weight " + std::to_string(value) + " does not fit in " +
                                std::to_string(bits) + " bits");
      }
      packed += (value + offset) * scale;
      scale *= base;
    }
    out.push_back(M31::FromCanonical(static_cast<uint32_t>(packed)));
  }
  return out;
}

}  // namespace tensorstark::air
