// Felt252: the Stark field F_p, p = 2^251 + 17·2^192 + 1, Cairo's and Starknet's native field.
// The prover needs it for Starknet's Poseidon hash (the Poseidon252 channel and Merkle trees,
// protocol reference §6.2 and §7.3), which is what a Cairo verifier can check cheaply.
//
// Values are kept in Montgomery form (a·2^256 mod p, canonical in [0, p)) so that multiplication
// needs no division; the conversions happen only at the edges (limbs, hex, bytes).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <ostream>
#include <span>
#include <string>
#include <string_view>

#include "field/felt252_montgomery.h"

namespace tensorstark::field {

class Felt252 {
 public:
  using Limbs = std::array<uint64_t, 4>;
  // p as little-endian limbs.
  static constexpr Limbs kModulus = felt252_internal::kModulus;

  constexpr Felt252() = default;

  static constexpr Felt252 Zero() { return Felt252(); }
  static constexpr Felt252 One() { return Felt252(felt252_internal::kRModP); }
  static constexpr Felt252 FromU64(uint64_t v) { return FromCanonicalLimbs({v, 0, 0, 0}); }
  // The caller guarantees that the little-endian integer is below p (checked in debug builds).
  static constexpr Felt252 FromLimbs(const Limbs& v) {
#ifndef NDEBUG
    if (!felt252_internal::LessThanModulus(v)) __builtin_trap();
#endif
    return FromCanonicalLimbs(v);
  }
  static constexpr std::optional<Felt252> FromLimbsChecked(const Limbs& v) {
    if (!felt252_internal::LessThanModulus(v)) return std::nullopt;
    return FromCanonicalLimbs(v);
  }
  // "0x" followed by 1 to 64 hex digits (either case) of a value below p.
  static std::optional<Felt252> FromHex(std::string_view hex);
  // 32 big-endian bytes of a value below p.
  static std::optional<Felt252> FromBigEndianBytes(std::span<const uint8_t, 32> bytes);

  // The canonical integer in [0, p) as little-endian limbs.
  constexpr Limbs ToLimbs() const {
    uint64_t t[8] = {m_[0], m_[1], m_[2], m_[3], 0, 0, 0, 0};
    return felt252_internal::MontReduce(t);
  }
  // Lowercase, minimal digits: "0x0", "0x1f".
  std::string ToHex() const;
  std::array<uint8_t, 32> ToBigEndianBytes() const;

  // Direct access to the Montgomery representation, for vectorized kernels that keep their own
  // layout. FromMontgomery requires limbs below p.
  constexpr const Limbs& montgomery() const { return m_; }
  static constexpr Felt252 FromMontgomery(const Limbs& m) { return Felt252(m); }

  constexpr bool IsZero() const { return (m_[0] | m_[1] | m_[2] | m_[3]) == 0; }

  friend constexpr Felt252 operator+(const Felt252& a, const Felt252& b) {
    return Felt252(felt252_internal::AddMod(a.m_, b.m_));
  }
  friend constexpr Felt252 operator-(const Felt252& a, const Felt252& b) {
    return Felt252(felt252_internal::SubMod(a.m_, b.m_));
  }
  friend constexpr Felt252 operator*(const Felt252& a, const Felt252& b) {
    return Felt252(felt252_internal::MontMul(a.m_, b.m_));
  }
  constexpr Felt252 operator-() const { return Zero() - *this; }
  constexpr Felt252& operator+=(const Felt252& o) { return *this = *this + o; }
  constexpr Felt252& operator-=(const Felt252& o) { return *this = *this - o; }
  constexpr Felt252& operator*=(const Felt252& o) { return *this = *this * o; }
  friend constexpr bool operator==(const Felt252& a, const Felt252& b) = default;

  constexpr Felt252 Square() const { return Felt252(felt252_internal::MontSquare(m_)); }
  constexpr Felt252 Double() const { return *this + *this; }
  // this^e for an exponent given as little-endian limbs.
  Felt252 Pow(const Limbs& e) const;
  // this^(p-2); the inverse of zero is a caller bug (it returns zero).
  Felt252 Inverse() const;

 private:
  explicit constexpr Felt252(const Limbs& m) : m_(m) {}
  static constexpr Felt252 FromCanonicalLimbs(const Limbs& v) {
    return Felt252(felt252_internal::MontMul(v, felt252_internal::kR2ModP));
  }

  Limbs m_ = {0, 0, 0, 0};
};

std::ostream& operator<<(std::ostream& os, const Felt252& v);

}  // namespace tensorstark::field
