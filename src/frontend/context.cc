#include "frontend/context.h"

#include <fmt/format.h>

#include <cassert>
#include <charconv>
#include <cstdint>
#include <optional>

#include "frontend/frontend_error.h"

namespace tensorstark::frontend {

using field::Felt252;
using field::M31;

std::vector<M31> ContextWords(std::span<const Felt252> felts) {
  std::vector<M31> words;
  for (const Felt252& felt : felts) {
    const Felt252::Limbs bits = felt.ToLimbs();  // little-endian 64-bit limbs
    for (size_t limb = kContextLimbs; limb-- > 0;) {
      const size_t first = limb * kContextLimbBits;
      uint64_t value = bits[first / 64] >> (first % 64);
      if (first % 64 + kContextLimbBits > 64 && first / 64 + 1 < bits.size()) {
        value |= bits[first / 64 + 1] << (64 - first % 64);
      }
      words.push_back(M31::FromCanonical(
          static_cast<uint32_t>(value & ((uint64_t{1} << kContextLimbBits) - 1))));
    }
  }
  return words;
}

std::variant<std::vector<Felt252>, std::string> ContextFelts(std::span<const M31> words) {
  assert(words.size() % kContextLimbs == 0);
  std::vector<Felt252> felts;
  for (size_t f = 0; f * kContextLimbs < words.size(); ++f) {
    Felt252::Limbs bits = {0, 0, 0, 0};
    for (size_t i = 0; i < kContextLimbs; ++i) {
      const uint64_t limb = words[f * kContextLimbs + i].value();
      if (limb >> kContextLimbBits) {
        return fmt::format("context felt {} has limb {} = {}, not below 2^{}", f, i, limb,
                           kContextLimbBits);
      }
      const size_t first = (kContextLimbs - 1 - i) * kContextLimbBits;
      bits[first / 64] |= limb << (first % 64);
      if (first % 64 + kContextLimbBits > 64) bits[first / 64 + 1] |= limb >> (64 - first % 64);
    }
    const auto felt = Felt252::FromLimbsChecked(bits);
    if (!felt) return fmt::format("context felt {} is not below the Stark field's modulus", f);
    felts.push_back(*felt);
  }
  return felts;
}

std::vector<Felt252> ParseContextFelts(std::string_view text) {
  std::vector<Felt252> felts;
  for (size_t begin = 0; begin <= text.size();) {
    size_t end = text.find(',', begin);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view item = text.substr(begin, end - begin);
    std::optional<Felt252> felt;
    if (item.starts_with("0x") || item.starts_with("0X")) {
      felt = Felt252::FromHex(item);
    } else {
      uint64_t value = 0;
      const auto [rest, error] = std::from_chars(item.data(), item.data() + item.size(), value);
      if (error == std::errc() && rest == item.data() + item.size() && !item.empty()) {
        felt = Felt252::FromU64(value);
      }
    }
    if (!felt) {
      throw FrontendError(fmt::format(
          "context felt {} ('{}') is not a felt: 0x and hex digits of a value below the Stark "
          "field's modulus, or a decimal below 2^64",
          felts.size(), item));
    }
    felts.push_back(*felt);
    begin = end + 1;
  }
  return felts;
}

}  // namespace tensorstark::frontend
