// Doubling π(x, y) = (2x² - 1, 2xy) maps the canonic circle domain of log size n two-to-one onto
// the canonic domain of log size n - 1: in natural order, index i of the half coset
// G_{2^(n+1)} + i·G_{2^(n-1)} goes to index i mod 2^(n-2) of the smaller half coset, and its
// conjugate to the conjugate. In bit-reversed storage order that drops bit 1 of the position.
// Doubling k times therefore sends storage position s to s's bit 0 followed by its bits above k:
// the point that a column of log size n - k, read periodically by a component of log size n
// (coset row r sees the column's row r mod 2^(n-k)), is evaluated at.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "field/m31.h"

namespace tensorstark::circle {

// The storage position of π^doublings(P) in the doubled domain, for P at storage position
// `position` of a bit-reversed canonic domain or of a bit-reversed prefix of one (the doubled
// points then form the prefix of the doubled domain of 2^doublings times fewer points).
constexpr size_t DoubledPosition(size_t position, uint32_t doublings) {
  return (position & 1) | ((position >> (doublings + 1)) << 1);
}

// out[s] = doubled[DoubledPosition(s, doublings)]: a polynomial's evaluations on a domain from its
// evaluations on the domain doubled `doublings` times, for the polynomial composed with
// π^doublings.
inline void ExpandDoubled(std::span<const field::M31> doubled, uint32_t doublings,
                          std::span<field::M31> out) {
  for (size_t s = 0; s < out.size(); ++s) out[s] = doubled[DoubledPosition(s, doublings)];
}

}  // namespace tensorstark::circle
