// PackedQM31: 16 QM31 values as two PackedCM31, i.e. four PackedM31 coordinate vectors
// [a, b, c, d] = (a + bi) + (c + di)u (structure of arrays, like SecureColumnByCoords). The packed
// secure field of protocol reference §1.4; u^2 = 2 + i as in §1.3.
#pragma once

#include <array>

#include "field/packed_cm31.h"
#include "field/qm31.h"

namespace tensorstark::field {

struct PackedQM31 {
  PackedCM31 c0, c1;  // c0 + c1·u, lane by lane

  static PackedQM31 Zero() { return {}; }
  static PackedQM31 One() { return {PackedCM31::One(), PackedCM31::Zero()}; }
  static PackedQM31 Broadcast(QM31 v) {
    return {PackedCM31::Broadcast(v.c0), PackedCM31::Broadcast(v.c1)};
  }
  // From the 4 M31 coordinates (QM31::ToM31Array order), e.g. PackedLinearCombination4::Sums().
  static PackedQM31 FromCoords(const std::array<PackedM31, 4>& c) {
    return {{c[0], c[1]}, {c[2], c[3]}};
  }
  // Reads 16 consecutive values from each coordinate array; any alignment.
  static PackedQM31 LoadCoords(const M31* a, const M31* b, const M31* c, const M31* d) {
    return {{PackedM31::Load(a), PackedM31::Load(b)}, {PackedM31::Load(c), PackedM31::Load(d)}};
  }
  void StoreCoords(M31* a, M31* b, M31* c, M31* d) const {
    c0.a.Store(a);
    c0.b.Store(b);
    c1.a.Store(c);
    c1.b.Store(d);
  }
  static PackedQM31 FromArray(const std::array<QM31, kLanes>& v) {
    std::array<CM31, kLanes> x0, x1;
    for (int i = 0; i < kLanes; ++i) x0[i] = v[i].c0, x1[i] = v[i].c1;
    return {PackedCM31::FromArray(x0), PackedCM31::FromArray(x1)};
  }
  std::array<QM31, kLanes> ToArray() const {
    const std::array<CM31, kLanes> x0 = c0.ToArray(), x1 = c1.ToArray();
    std::array<QM31, kLanes> r;
    for (int i = 0; i < kLanes; ++i) r[i] = {x0[i], x1[i]};
    return r;
  }

  TENSORSTARK_PACKED_INLINE friend PackedQM31 operator+(PackedQM31 x, PackedQM31 y) {
    return {x.c0 + y.c0, x.c1 + y.c1};
  }
  TENSORSTARK_PACKED_INLINE friend PackedQM31 operator-(PackedQM31 x, PackedQM31 y) {
    return {x.c0 - y.c0, x.c1 - y.c1};
  }
  // (x0 + x1 u)(y0 + y1 u) = (x0 y0 + R x1 y1) + (x0 y1 + x1 y0) u with R = u^2 = 2 + i.
  // Karatsuba: x0 y1 + x1 y0 = (x0 + x1)(y0 + y1) - x0 y0 - x1 y1, so 3 CM31 products
  // (12 M31 products) instead of 4.
  TENSORSTARK_PACKED_INLINE friend PackedQM31 operator*(PackedQM31 x, PackedQM31 y) {
    const PackedCM31 t0 = x.c0 * y.c0, t1 = x.c1 * y.c1;
    const PackedCM31 t2 = (x.c0 + x.c1) * (y.c0 + y.c1);
    return {t0 + MulByR(t1), t2 - t0 - t1};
  }
  TENSORSTARK_PACKED_INLINE friend PackedQM31 operator*(PackedQM31 x, PackedM31 y) {
    return {x.c0 * y, x.c1 * y};
  }
  TENSORSTARK_PACKED_INLINE friend PackedQM31 operator*(PackedM31 y, PackedQM31 x) { return x * y; }
  TENSORSTARK_PACKED_INLINE PackedQM31 operator-() const { return {-c0, -c1}; }
  TENSORSTARK_PACKED_INLINE PackedQM31& operator+=(PackedQM31 o) { return *this = *this + o; }
  TENSORSTARK_PACKED_INLINE PackedQM31& operator-=(PackedQM31 o) { return *this = *this - o; }
  TENSORSTARK_PACKED_INLINE PackedQM31& operator*=(PackedQM31 o) { return *this = *this * o; }
  TENSORSTARK_PACKED_INLINE PackedQM31& operator*=(PackedM31 o) { return *this = *this * o; }
  friend bool operator==(PackedQM31 x, PackedQM31 y) { return x.c0 == y.c0 && x.c1 == y.c1; }

  PackedQM31 Square() const { return *this * *this; }
  PackedQM31 Double() const { return *this + *this; }
  // Lane-wise (x0 - x1 u) / (x0^2 - R x1^2); zero lanes stay zero.
  PackedQM31 Inverse() const {
    const PackedCM31 denom_inv = (c0.Square() - MulByR(c1.Square())).Inverse();
    return {c0 * denom_inv, -c1 * denom_inv};
  }

 private:
  // (2 + i)(a + bi) = (2a - b) + (2b + a)i: additions only.
  static PackedCM31 MulByR(PackedCM31 v) { return {v.a.Double() - v.b, v.b.Double() + v.a}; }
};

}  // namespace tensorstark::field
