// Trace polynomials randomized for zero knowledge (docs/zero-knowledge.md §3): f' = f + Z_H·r
// agrees with f on the trace domain H = CanonicCoset(k), where Z_H = π^{k-1}(x) vanishes, while r
// makes its values anywhere else uniformly random. And the way back: the polynomial of log size k
// that agrees with a larger one on H.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "circle/twiddles.h"
#include "field/m31.h"

namespace tensorstark::circle {

using field::M31;

// The coefficients of f + Z_H·r, of log size max(k, m) + 1, for f of log size k (H =
// CanonicCoset(k)) and r of log size m. Where m ≤ k this is f followed by r (and zeros): Z_H is the
// basis polynomial of bit k, and its product with a basis polynomial of bits below k is the
// basis polynomial of both. `twiddles` must serve CanonicCoset(m + 1) when m > k.
std::vector<M31> AddVanishingMultiple(std::span<const M31> f, uint32_t k, std::span<const M31> r,
                                      const TwiddleTree& twiddles);

// The coefficients (log size k) of the polynomial that agrees with `coeffs` (log size ≥ k) on
// CanonicCoset(k): there π^{k-1}(x) = 0, π^k(x) = -1 and π^j(x) = 1 for j > k, so a basis
// polynomial whose index has bit k set vanishes, and one without it is its low k bits' with sign
// (-1)^(bit k+1).
std::vector<M31> RestrictToCanonicCoset(std::span<const M31> coeffs, uint32_t k);

}  // namespace tensorstark::circle
