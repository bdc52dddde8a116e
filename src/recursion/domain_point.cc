#include "recursion/domain_point.h"

#include <cassert>

#include "circle/coset.h"

namespace tensorstark::recursion {

using field::M31;
using field::QM31;

Wire DoubleX(Wire x) {
  const Wire square = x * x;
  return square + square - QM31::One();
}

PointWires Doubled(const PointWires& p) {
  const Wire xy = p.x * p.y;
  return {DoubleX(p.x), xy + xy};
}

PointWires Plus(const PointWires& p, const circle::CirclePoint<M31>& c) {
  return {p.x * QM31(c.x) - p.y * QM31(c.y), p.x * QM31(c.y) + p.y * QM31(c.x)};
}

PointWires CanonicDomainPoint(uint32_t log_size, std::span<const Wire> position_bits) {
  assert(log_size >= 1 && position_bits.size() == log_size);
  CircuitBuilder& builder = position_bits[0].builder();
  const circle::Coset half = circle::CanonicCoset(log_size).half_coset();
  PointWires p = {builder.Constant(QM31(half.initial().x)),
                  builder.Constant(QM31(half.initial().y))};
  // Bit k of the half-coset index is the position's bit log_size - 1 - k.
  for (uint32_t k = 0; k + 1 < log_size; ++k) {
    const circle::CirclePoint<M31> g = (half.step_size() * (uint64_t{1} << k)).ToPoint();
    const Wire bit = position_bits[log_size - 1 - k];
    // bit ? g : (1, 0)
    const PointWires q = {bit * QM31(g.x - M31::One()) + QM31(M31::One()), bit * QM31(g.y)};
    p = {p.x * q.x - p.y * q.y, p.x * q.y + p.y * q.x};
  }
  // The conjugate where the position's lowest bit is 1: y·(1 - 2·bit).
  const Wire sign = QM31(M31::One()) - position_bits[0] * QM31(M31::FromCanonical(2));
  p.y = p.y * sign;
  return p;
}

}  // namespace tensorstark::recursion
