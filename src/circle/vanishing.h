// Vanishing polynomials of cosets (protocol reference §2, Stwo's constraints.rs): the
// denominators of the composition polynomial. Generic over the point's field, so the prover
// evaluates them on M31 domains and the verifier at the QM31 out-of-domain point.
#pragma once

#include <cstdint>

#include "circle/circle_point.h"
#include "circle/coset.h"

namespace tensorstark::circle {

// Z_n(p) = π^{log n - 1}(p.x): zero exactly on CanonicCoset(log_n).
template <typename F>
F CanonicVanishing(uint32_t log_n, const CirclePoint<F>& p) {
  F x = p.x;
  for (uint32_t i = 1; i < log_n; ++i) x = CirclePoint<F>::DoubleX(x);
  return x;
}

// Zero exactly on `coset`: shifts the coset onto the canonic coset of its size
// (p - initial + step/2), then applies Z_n.
template <typename F>
F CosetVanishing(const Coset& coset, const CirclePoint<F>& p) {
  CirclePoint<M31> shift = coset.step_size().Half().ToPoint() - coset.initial();
  return CanonicVanishing(coset.log_size(), p + CirclePoint<F>(shift));
}

}  // namespace tensorstark::circle
