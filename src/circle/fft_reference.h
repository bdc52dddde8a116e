// The plain circle FFT (protocol reference §3.2–§3.4): one butterfly at a time, layer by layer,
// exactly as the definition reads. It is the ground truth the fast FFT (fft.h) is tested against
// and what the fast FFT falls back to for tiny domains.
#pragma once

#include <span>

#include "circle/twiddles.h"
#include "field/m31.h"

namespace tensorstark::circle {

// v0' = v0 + t·v1, v1' = v0 - t·v1.
inline void Butterfly(M31& v0, M31& v1, M31 t) {
  M31 tv1 = t * v1;
  v1 = v0 - tv1;
  v0 = v0 + tv1;
}

// v0' = v0 + v1, v1' = (v0 - v1)·it.
inline void IButterfly(M31& v0, M31& v1, M31 it) {
  M31 sum = v0 + v1;
  v1 = (v0 - v1) * it;
  v0 = sum;
}

// Coefficients (§3.1 basis, zero-extended to the domain's size) → evaluations in bit-reversed
// circle-domain order. Layers n-1, …, 1 (line layers), then layer 0 (circle layer).
void ReferenceCircleFft(std::span<M31> values, const LayerTwiddles& twiddles);

// The inverse: layer 0 first, inverse twiddles, then the scaling by 1/N.
void ReferenceCircleIfft(std::span<M31> values, const LayerTwiddles& itwiddles);

}  // namespace tensorstark::circle
