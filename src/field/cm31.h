// CM31 = M31[i] / (i^2 + 1), the complex extension of M31 (protocol reference §1.2).
#pragma once

#include "field/m31.h"

namespace tensorstark::field {

struct CM31 {
  M31 a, b;  // a + b·i

  constexpr CM31() = default;
  constexpr CM31(M31 real, M31 imag) : a(real), b(imag) {}
  explicit constexpr CM31(M31 real) : a(real) {}
  static constexpr CM31 FromU32(uint32_t a, uint32_t b) { return {M31::Reduce(a), M31::Reduce(b)}; }
  static constexpr CM31 Zero() { return {}; }
  static constexpr CM31 One() { return CM31(M31::One()); }

  constexpr bool IsZero() const { return a.IsZero() && b.IsZero(); }
  friend constexpr CM31 operator+(CM31 x, CM31 y) { return {x.a + y.a, x.b + y.b}; }
  friend constexpr CM31 operator-(CM31 x, CM31 y) { return {x.a - y.a, x.b - y.b}; }
  friend constexpr CM31 operator*(CM31 x, CM31 y) {
    return {x.a * y.a - x.b * y.b, x.a * y.b + x.b * y.a};
  }
  friend constexpr CM31 operator*(CM31 x, M31 y) { return {x.a * y, x.b * y}; }
  constexpr CM31 operator-() const { return {-a, -b}; }
  constexpr CM31& operator+=(CM31 o) { return *this = *this + o; }
  constexpr CM31& operator-=(CM31 o) { return *this = *this - o; }
  constexpr CM31& operator*=(CM31 o) { return *this = *this * o; }
  friend constexpr bool operator==(CM31 x, CM31 y) = default;

  constexpr CM31 Square() const { return *this * *this; }
  constexpr CM31 Conjugate() const { return {a, -b}; }
  // (a - bi) / (a^2 + b^2)
  CM31 Inverse() const { return Conjugate() * (a.Square() + b.Square()).Inverse(); }
};

}  // namespace tensorstark::field
