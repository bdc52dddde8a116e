// The Hades permutation (poseidon252.h) on eight states at once with AVX-512 IFMA: one state per
// 64-bit lane, felt252 values as five 52-bit limbs multiplied by vpmadd52{lo,hi}uq. Only built at
// the AVX-512 SIMD level; HadesPermutationBatch uses it for each full group of eight.
#pragma once

#include <cstddef>
#include <span>

#include "hash/poseidon252.h"

namespace tensorstark::hash::poseidon252_internal {

#ifdef TENSORSTARK_SIMD_AVX512
inline constexpr size_t kIfmaLanes = 8;

// Permutes the longest prefix of states whose length is a multiple of kIfmaLanes, in place, with
// the same result as HadesPermutation on each; returns that length.
size_t HadesPermutationIfma(std::span<PoseidonState> states);
#endif

}  // namespace tensorstark::hash::poseidon252_internal
