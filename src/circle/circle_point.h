// Points of the circle curve x² + y² = 1 over M31 and QM31, the group the Circle STARK's domains
// are built from (protocol reference §2), and CirclePointIndex, which names a point of the M31
// circle by its discrete log k with respect to the generator (k·G, k mod 2^31).
#pragma once

#include <cassert>
#include <cstdint>
#include <ostream>

#include "field/m31.h"
#include "field/qm31.h"

namespace tensorstark::circle {

using field::M31;
using field::QM31;

// The M31 circle group has order p + 1 = 2^31.
inline constexpr uint32_t kCircleLogOrder = 31;

// The group law is written additively: (x1,y1) + (x2,y2) = (x1x2 - y1y2, x1y2 + y1x2), with
// identity (1, 0). F is M31 or QM31.
template <typename F>
struct CirclePoint {
  F x, y;

  constexpr CirclePoint() : x(F::One()), y(F::Zero()) {}
  constexpr CirclePoint(F px, F py) : x(px), y(py) {}
  // Lifts an M31 point into QM31 (or copies a point of the same field).
  template <typename G>
  explicit constexpr CirclePoint(const CirclePoint<G>& p) : x(F(p.x)), y(F(p.y)) {}

  static constexpr CirclePoint Zero() { return CirclePoint(); }

  // The random point for a channel-drawn t: the rational parametrisation
  // ((1 - t²) / (1 + t²), 2t / (1 + t²)). t = ±i (1 + t² = 0) has probability ~2^-123 and is a
  // caller bug (the inverse asserts).
  static CirclePoint FromT(F t) {
    F t2 = t.Square();
    F inv = (F::One() + t2).Inverse();
    return {(F::One() - t2) * inv, t.Double() * inv};
  }

  // π(x) = 2x² - 1, the x-coordinate of the doubled point.
  static constexpr F DoubleX(F x) { return x.Square().Double() - F::One(); }

  friend constexpr CirclePoint operator+(const CirclePoint& a, const CirclePoint& b) {
    return {a.x * b.x - a.y * b.y, a.x * b.y + a.y * b.x};
  }
  // Negation is the conjugate (x, -y).
  constexpr CirclePoint operator-() const { return Conjugate(); }
  friend constexpr CirclePoint operator-(const CirclePoint& a, const CirclePoint& b) {
    return a + b.Conjugate();
  }
  constexpr CirclePoint& operator+=(const CirclePoint& o) { return *this = *this + o; }
  friend constexpr bool operator==(const CirclePoint& a, const CirclePoint& b) = default;

  constexpr CirclePoint Conjugate() const { return {x, -y}; }
  // (-x, -y) = P + (-1, 0).
  constexpr CirclePoint Antipode() const { return {-x, -y}; }
  constexpr CirclePoint Double() const { return {DoubleX(x), (x * y).Double()}; }
  constexpr CirclePoint RepeatedDouble(uint32_t n) const {
    CirclePoint p = *this;
    for (uint32_t i = 0; i < n; ++i) p = p.Double();
    return p;
  }
  // scalar · P by double-and-add.
  constexpr CirclePoint Mul(uint64_t scalar) const {
    CirclePoint result, base = *this;
    for (; scalar != 0; scalar >>= 1, base = base.Double()) {
      if (scalar & 1) result += base;
    }
    return result;
  }
  // log2 of the point's order, for points of 2-power order (every M31 point): the number of
  // doublings until x == 1.
  uint32_t LogOrder() const {
    uint32_t n = 0;
    for (F px = x; px != F::One(); px = DoubleX(px)) {
      ++n;
      assert(n <= 64 && "point of non-2-power order");
    }
    return n;
  }
};

template <typename F>
std::ostream& operator<<(std::ostream& os, const CirclePoint<F>& p) {
  return os << '(' << p.x << ", " << p.y << ')';
}

// (2, 1268011823), of order 2^31.
inline constexpr CirclePoint<M31> kM31CircleGen(M31::FromCanonical(2),
                                                M31::FromCanonical(1268011823));

// k stands for k·kM31CircleGen; arithmetic is mod 2^31, so negation gives the conjugate point.
class CirclePointIndex {
 public:
  static constexpr uint32_t kMask = (uint32_t{1} << kCircleLogOrder) - 1;

  constexpr CirclePointIndex() = default;
  explicit constexpr CirclePointIndex(uint64_t k) : k_(static_cast<uint32_t>(k) & kMask) {}

  static constexpr CirclePointIndex Zero() { return CirclePointIndex(); }
  // The generator of the subgroup of order 2^log_size, G_{2^log_size}.
  static constexpr CirclePointIndex SubgroupGen(uint32_t log_size) {
    assert(log_size <= kCircleLogOrder);
    return CirclePointIndex(uint64_t{1} << (kCircleLogOrder - log_size));
  }

  constexpr uint32_t value() const { return k_; }

  friend constexpr CirclePointIndex operator+(CirclePointIndex a, CirclePointIndex b) {
    return CirclePointIndex(uint64_t{a.k_} + b.k_);
  }
  friend constexpr CirclePointIndex operator-(CirclePointIndex a, CirclePointIndex b) {
    return CirclePointIndex(uint64_t{a.k_} + kMask + 1 - b.k_);
  }
  constexpr CirclePointIndex operator-() const { return Zero() - *this; }
  friend constexpr CirclePointIndex operator*(CirclePointIndex a, uint64_t s) {
    return CirclePointIndex(uint64_t{a.k_} * (s & kMask));
  }
  friend constexpr bool operator==(CirclePointIndex a, CirclePointIndex b) = default;

  // k / 2 for even k (the index of a point whose double is this one).
  constexpr CirclePointIndex Half() const {
    assert((k_ & 1) == 0);
    return CirclePointIndex(k_ >> 1);
  }
  CirclePoint<M31> ToPoint() const { return kM31CircleGen.Mul(k_); }

 private:
  uint32_t k_ = 0;
};

}  // namespace tensorstark::circle
