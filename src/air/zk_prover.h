// The zero-knowledge prover's randomness (docs/zero-knowledge.md): main and interaction
// polynomials randomized off the trace domain (f + Z_H·r), the FRI masks and the Merkle salts, each
// column from its own stream of the proof's secret seed so that columns are filled in parallel and
// the proof depends on the seed alone, not on the thread count.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "air/component.h"
#include "circle/circle_poly.h"
#include "circle/twiddles.h"
#include "field/m31.h"
#include "hash/random_stream.h"

namespace tensorstark::air {

using field::M31;

// Stream ids: a purpose in the high 32 bits, the column in the low ones.
enum class ZkStream : uint64_t { kTrace = 1, kInteraction = 2, kMask = 3, kSalt = 4, kBlind = 5 };

// Column i (values on its trace domain, CanonicCoset(k) bit-reversed) as the polynomial
// f + Z_H·r, r uniform of log size randomizer_log_size, with zero coefficients up to log size
// log_sizes[i] (at least that of f + Z_H·r).
std::vector<circle::CirclePoly> RandomizeColumns(std::vector<std::vector<M31>> columns,
                                                 std::span<const uint32_t> log_sizes,
                                                 uint32_t randomizer_log_size,
                                                 const circle::TwiddleTree& twiddles,
                                                 const hash::RandomSeed& seed, ZkStream stream);

// Uniformly random polynomials of these log sizes (the FRI masks' coordinates).
std::vector<circle::CirclePoly> RandomPolys(std::span<const uint32_t> log_sizes,
                                            const hash::RandomSeed& seed);

// Appends to each trace of `components` (as given, before ProvedComponents) the columns of its
// blinding fractions (zk_blinding.h): link j's key in row 0 (coset order) of both its components,
// with multiplicity 1 where it is yielded and -1 where consumed, zeros elsewhere. Traces that do
// not match the components are left for CheckTraces to report.
void AppendZkBlindingColumns(std::span<const Component* const> components,
                             std::vector<std::vector<std::vector<M31>>>& traces,
                             const hash::RandomSeed& seed);

// Random salt columns of a tree, 2^(log_size + log_blowup) values each; `tree` keeps trees apart.
std::vector<std::vector<M31>> SaltColumns(std::span<const uint32_t> log_sizes, uint32_t log_blowup,
                                          size_t tree, const hash::RandomSeed& seed);

}  // namespace tensorstark::air
