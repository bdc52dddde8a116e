#include "field/felt252.h"

namespace tensorstark::field {

namespace {

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::optional<Felt252> Felt252::FromHex(std::string_view hex) {
  if (hex.size() < 3 || hex.size() > 66 || hex[0] != '0' || (hex[1] != 'x' && hex[1] != 'X')) {
    return std::nullopt;
  }
  hex.remove_prefix(2);
  Limbs v = {0, 0, 0, 0};
  for (size_t i = 0; i < hex.size(); ++i) {
    int d = HexDigit(hex[hex.size() - 1 - i]);
    if (d < 0) return std::nullopt;
    v[i / 16] |= static_cast<uint64_t>(d) << (4 * (i % 16));
  }
  return FromLimbsChecked(v);
}

std::optional<Felt252> Felt252::FromBigEndianBytes(std::span<const uint8_t, 32> bytes) {
  Limbs v = {0, 0, 0, 0};
  for (size_t i = 0; i < 32; ++i) v[3 - i / 8] = (v[3 - i / 8] << 8) | bytes[i];
  return FromLimbsChecked(v);
}

std::string Felt252::ToHex() const {
  static constexpr char kDigits[] = "0123456789abcdef";
  Limbs v = ToLimbs();
  std::string out = "0x";
  for (int i = 63; i >= 0; --i) {
    int d = static_cast<int>((v[i / 16] >> (4 * (i % 16))) & 0xf);
    if (d != 0 || out.size() > 2 || i == 0) out.push_back(kDigits[d]);
  }
  return out;
}

std::array<uint8_t, 32> Felt252::ToBigEndianBytes() const {
  Limbs v = ToLimbs();
  std::array<uint8_t, 32> out;
  for (size_t i = 0; i < 32; ++i) out[i] = static_cast<uint8_t>(v[3 - i / 8] >> (8 * (7 - i % 8)));
  return out;
}

Felt252 Felt252::Pow(const Limbs& e) const {
  Felt252 result = One();
  for (int i = 255; i >= 0; --i) {
    result = result.Square();
    if ((e[i / 64] >> (i % 64)) & 1) result *= *this;
  }
  return result;
}

Felt252 Felt252::Inverse() const {
  // Fermat: a^(p-2) = a⁻¹. Inversion is rare (conversions, tests), so no faster algorithm.
  static constexpr Limbs kPMinus2 = {~uint64_t{0}, ~uint64_t{0}, ~uint64_t{0}, kModulus[3] - 1};
  return Pow(kPMinus2);
}

std::ostream& operator<<(std::ostream& os, const Felt252& v) { return os << v.ToHex(); }

}  // namespace tensorstark::field
