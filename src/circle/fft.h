// The fast circle FFT (protocol reference §3.3, §3.4) on 16-lane packed M31, with TBB over
// independent blocks for large domains. It computes exactly what fft_reference.h computes (every
// lane stays canonical, so the outputs agree bit for bit), only faster:
//   - above layer 8, passes fuse up to 4 layers with broadcast twiddles, so each pass streams
//     its block through cache once, and the passes recurse into cache-sized blocks;
//   - the lowest 8 layers of each 256-element block run in registers: 4 pairing whole vectors,
//     then a 16×16 transpose so that the last 4 pair whole vectors too, with the circle layer's
//     twiddles taken from the first line layer's;
//   - the inverse transform's 1/N scaling is fused into its last pass.
// Results do not depend on the number of threads.
#pragma once

#include <span>

#include "circle/coset.h"
#include "circle/twiddles.h"
#include "field/m31.h"

namespace tensorstark::circle {

// Coefficients (§3.1 basis, as many as the domain has points) → evaluations in bit-reversed
// circle-domain order, in place. `twiddles` must serve the domain (TwiddleTree::CanServe).
void CircleFft(std::span<M31> values, const CircleDomain& domain, const TwiddleTree& twiddles);

// The evaluations of the polynomial with coefficients `coeffs` (2^k ≤ N of them) on `domain`,
// written to `values` (N = domain.size()): the low-degree extension. The same as zero-extending
// and CircleFft, but the top log(N/2^k) layers, whose butterflies only copy (t·0 = 0), are
// skipped: each block of 2^k values runs the remaining layers reading straight from `coeffs`.
void CircleFftExtend(std::span<const M31> coeffs, std::span<M31> values, const CircleDomain& domain,
                     const TwiddleTree& twiddles);

// Evaluations in bit-reversed circle-domain order → coefficients, in place, including the
// scaling by 1/N.
void CircleIfft(std::span<M31> values, const CircleDomain& domain, const TwiddleTree& twiddles);

}  // namespace tensorstark::circle
