// Circle points in a circuit: a point doubled or moved by a constant point, and the points of the
// canonic circle domains: the point a query's position names, from the
// position's bits, as the native verifier's domain.at(BitReverseIndex(position, log_size)). With
// i the bit-reversed index, point i of the domain's half coset H is initial + Σ i_k·2^k·step, and
// i's top bit (the position's lowest) selects the conjugate half: each bit selects a constant
// point or the identity, and the selected points are multiplied in.
#pragma once

#include <cstdint>
#include <span>

#include "circle/circle_point.h"
#include "recursion/circuit_builder.h"

namespace tensorstark::recursion {

struct PointWires {
  Wire x, y;
};

// π(x) = 2x² - 1, the x-coordinate of the doubled point.
Wire DoubleX(Wire x);
// 2·p = (π(x), 2xy).
PointWires Doubled(const PointWires& p);
// p + c for a constant point c.
PointWires Plus(const PointWires& p, const circle::CirclePoint<field::M31>& c);

// position_bits: the position's log_size bits, least significant first.
PointWires CanonicDomainPoint(uint32_t log_size, std::span<const Wire> position_bits);

}  // namespace tensorstark::recursion
