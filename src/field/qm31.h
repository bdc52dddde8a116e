// QM31 = CM31[u] / (u^2 - 2 - i), the degree-4 secure extension of M31 (protocol reference
// §1.3). Coordinate order [a, b, c, d] = (a + bi) + (c + di)u everywhere: hashing, columns and
// serialization.
#pragma once

#include <array>

#include "field/cm31.h"

namespace tensorstark::field {

struct QM31 {
  CM31 c0, c1;  // c0 + c1·u

  static constexpr CM31 kR = CM31(M31::FromCanonical(2), M31::FromCanonical(1));  // u^2 = 2 + i

  constexpr QM31() = default;
  constexpr QM31(CM31 x0, CM31 x1) : c0(x0), c1(x1) {}
  explicit constexpr QM31(M31 v) : c0(v) {}
  explicit constexpr QM31(CM31 v) : c0(v) {}
  constexpr QM31(M31 a, M31 b, M31 c, M31 d) : c0(a, b), c1(c, d) {}
  static constexpr QM31 FromU32(uint32_t a, uint32_t b, uint32_t c, uint32_t d) {
    return {CM31::FromU32(a, b), CM31::FromU32(c, d)};
  }
  static constexpr QM31 FromM31Array(const std::array<M31, 4>& v) {
    return {v[0], v[1], v[2], v[3]};
  }
  constexpr std::array<M31, 4> ToM31Array() const { return {c0.a, c0.b, c1.a, c1.b}; }
  // 1, i, u, iu: the coordinates' basis.
  static constexpr std::array<QM31, 4> Basis() {
    return {QM31(M31::One()), QM31(CM31(M31(), M31::One())), QM31(CM31(), CM31::One()),
            QM31(CM31(), CM31(M31(), M31::One()))};
  }
  // e0 + e1·i + e2·u + e3·iu: rebuilds a QM31 value from its four coordinate polynomials.
  static constexpr QM31 FromPartialEvals(const std::array<QM31, 4>& e) {
    constexpr std::array<QM31, 4> kBasis = Basis();
    return e[0] + e[1] * kBasis[1] + e[2] * kBasis[2] + e[3] * kBasis[3];
  }
  static constexpr QM31 Zero() { return {}; }
  static constexpr QM31 One() { return QM31(M31::One()); }

  constexpr bool IsZero() const { return c0.IsZero() && c1.IsZero(); }
  friend constexpr QM31 operator+(QM31 x, QM31 y) { return {x.c0 + y.c0, x.c1 + y.c1}; }
  friend constexpr QM31 operator-(QM31 x, QM31 y) { return {x.c0 - y.c0, x.c1 - y.c1}; }
  friend constexpr QM31 operator*(QM31 x, QM31 y) {
    // (x0 + x1 u)(y0 + y1 u) = (x0 y0 + R x1 y1) + (x0 y1 + x1 y0) u
    return {x.c0 * y.c0 + kR * (x.c1 * y.c1), x.c0 * y.c1 + x.c1 * y.c0};
  }
  friend constexpr QM31 operator*(QM31 x, M31 y) { return {x.c0 * y, x.c1 * y}; }
  friend constexpr QM31 operator*(M31 y, QM31 x) { return x * y; }
  friend constexpr QM31 operator+(QM31 x, M31 y) { return {x.c0 + CM31(y), x.c1}; }
  friend constexpr QM31 operator-(QM31 x, M31 y) { return {x.c0 - CM31(y), x.c1}; }
  constexpr QM31 operator-() const { return {-c0, -c1}; }
  constexpr QM31& operator+=(QM31 o) { return *this = *this + o; }
  constexpr QM31& operator-=(QM31 o) { return *this = *this - o; }
  constexpr QM31& operator*=(QM31 o) { return *this = *this * o; }
  constexpr QM31& operator*=(M31 o) { return *this = *this * o; }
  friend constexpr bool operator==(QM31 x, QM31 y) = default;

  constexpr QM31 Square() const { return *this * *this; }
  constexpr QM31 Double() const { return *this + *this; }
  // Conjugation with respect to u: (x0 + x1 u) -> (x0 - x1 u).
  constexpr QM31 ComplexConjugate() const { return {c0, -c1}; }
  constexpr QM31 Pow(uint64_t e) const {
    QM31 result = One(), base = *this;
    for (; e != 0; e >>= 1, base = base.Square()) {
      if (e & 1) result *= base;
    }
    return result;
  }
  // (x0 - x1 u) / (x0^2 - R x1^2)
  QM31 Inverse() const {
    CM31 denom_inv = (c0.Square() - kR * c1.Square()).Inverse();
    return {c0 * denom_inv, -c1 * denom_inv};
  }
};

std::ostream& operator<<(std::ostream& os, const QM31& v);

}  // namespace tensorstark::field
