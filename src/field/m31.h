// M31: the Mersenne-31 prime field, p = 2^31 - 1, the base field of the Circle STARK
// (protocol reference §1.1). Values are kept canonical, in [0, p).
#pragma once

#include <cstdint>
#include <ostream>

namespace tensorstark::field {

inline constexpr uint32_t kP = 0x7fffffff;

class M31 {
 public:
  constexpr M31() = default;

  // Reduces any 64-bit value mod p. 2^31 ≡ 1 (mod p), so folding the high bits onto the low
  // bits twice leaves a value in [0, p], and one conditional subtraction makes it canonical.
  static constexpr M31 Reduce(uint64_t v) {
    v = (v & kP) + (v >> 31);
    v = (v & kP) + (v >> 31);
    uint32_t r = static_cast<uint32_t>(v);
    return M31(r >= kP ? r - kP : r, Raw{});
  }
  // v mod p for a signed v with |v| < 2^63.
  static constexpr M31 FromSigned(int64_t v) {
    return v >= 0 ? Reduce(static_cast<uint64_t>(v)) : -Reduce(static_cast<uint64_t>(-v));
  }
  // The caller guarantees v < p (checked in debug builds).
  static constexpr M31 FromCanonical(uint32_t v) { return M31(v, Raw{}); }
  static constexpr M31 Zero() { return M31(); }
  static constexpr M31 One() { return M31(1, Raw{}); }

  constexpr uint32_t value() const { return v_; }
  constexpr bool IsZero() const { return v_ == 0; }

  friend constexpr M31 operator+(M31 a, M31 b) {
    uint32_t s = a.v_ + b.v_;
    return M31(s >= kP ? s - kP : s, Raw{});
  }
  friend constexpr M31 operator-(M31 a, M31 b) {
    uint32_t d = a.v_ + kP - b.v_;
    return M31(d >= kP ? d - kP : d, Raw{});
  }
  // this · 2^s for s < 31: a rotation of the 31-bit value (2^31 ≡ 1), no multiplication.
  constexpr M31 MulPow2(uint32_t s) const {
    return M31(((v_ << s) | (v_ >> (31 - s))) & kP, Raw{});
  }
  friend constexpr M31 operator*(M31 a, M31 b) {
    return Reduce(static_cast<uint64_t>(a.v_) * b.v_);
  }
  constexpr M31 operator-() const { return M31(v_ == 0 ? 0 : kP - v_, Raw{}); }
  constexpr M31& operator+=(M31 o) { return *this = *this + o; }
  constexpr M31& operator-=(M31 o) { return *this = *this - o; }
  constexpr M31& operator*=(M31 o) { return *this = *this * o; }
  friend constexpr bool operator==(M31 a, M31 b) = default;

  constexpr M31 Square() const { return *this * *this; }
  constexpr M31 Double() const { return *this + *this; }
  constexpr M31 Pow(uint64_t e) const {
    M31 result = One(), base = *this;
    for (; e != 0; e >>= 1, base = base.Square()) {
      if (e & 1) result *= base;
    }
    return result;
  }
  // a^(p-2); the inverse of zero is a caller bug.
  M31 Inverse() const;

 private:
  struct Raw {};
  constexpr M31(uint32_t v, Raw) : v_(v) {}
  uint32_t v_ = 0;
};

std::ostream& operator<<(std::ostream& os, M31 v);

}  // namespace tensorstark::field
