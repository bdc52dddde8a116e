// Poseidon2 over M31 with a state of 16 (Grassi, Khovratovich, Schofnegger, ePrint 2023/323): the
// M31-native hash that committed tensors are hashed with inside the AIR (docs/zero-knowledge.md,
// visibility). S-box x^5, 4 + 4 full rounds around 14 partial ones (128-bit security for a 31-bit
// field and width 16), the instance of Plonky3's Poseidon2Mersenne31<16>: the external layer is
// circ(2·M4, M4, M4, M4) with M4 = [[2,3,1,1],[1,2,3,1],[1,1,2,3],[3,1,1,2]], the internal one
// 1·1ᵀ + diag(-2, 2^0 … 2^8, 2^10, 2^12 … 2^16), the round constants drawn from Xoroshiro128+
// seeded with 1 (SplitMix64), one M31 per next_u32() >> 1 below p: initial rounds, terminal
// rounds, then the partial rounds' (lane 0 only).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "field/m31.h"
#include "field/packed_m31.h"

namespace tensorstark::hash {

inline constexpr size_t kPoseidon2Width = 16;
inline constexpr size_t kPoseidon2HalfFullRounds = 4;
inline constexpr size_t kPoseidon2PartialRounds = 14;

using Poseidon2State = std::array<field::M31, kPoseidon2Width>;

// The internal layer's diagonal is (-2, 2^s for s in these shifts).
inline constexpr std::array<uint32_t, kPoseidon2Width - 1> kPoseidon2InternalShifts = {
    0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 12, 13, 14, 15, 16};

struct Poseidon2Constants {
  std::array<Poseidon2State, kPoseidon2HalfFullRounds> initial;   // all lanes
  std::array<Poseidon2State, kPoseidon2HalfFullRounds> terminal;  // all lanes
  std::array<field::M31, kPoseidon2PartialRounds> partial;        // lane 0
};
const Poseidon2Constants& Poseidon2RoundConstants();

// The linear layers over M31 or any value type of the AIR evaluators (the sponge's permutation,
// air/poseidon2_permutation_row.h, builds the same sums as expressions): circ(2·M4, M4, M4, M4),
// and 1·1ᵀ + diag.
template <class F>
void Poseidon2ExternalLayer(std::array<F, kPoseidon2Width>& state) {
  for (size_t k = 0; k < kPoseidon2Width; k += 4) {
    // M4 in 11 additions (15 done one row at a time).
    const F a = state[k], b = state[k + 1], c = state[k + 2], d = state[k + 3];
    const F ab = a + b, cd = c + d, abcd = ab + cd;
    const F abbcd = abcd + b, abcdd = abcd + d;
    state[k] = abbcd + ab;          // 2a + 3b + c + d
    state[k + 1] = abbcd + c + c;   // a + 2b + 3c + d
    state[k + 2] = abcdd + cd;      // a + b + 2c + 3d
    state[k + 3] = abcdd + a + a;   // 3a + b + c + 2d
  }
  std::array<F, 4> sums = {state[0], state[1], state[2], state[3]};
  for (size_t i = 4; i < kPoseidon2Width; ++i) sums[i % 4] = sums[i % 4] + state[i];
  for (size_t i = 0; i < kPoseidon2Width; ++i) state[i] = state[i] + sums[i % 4];
}

// x · 2^s: a rotation for field values (M31, PackedM31), a product for the AIR's expression types.
template <class F>
F Poseidon2MulPow2(const F& x, uint32_t s) {
  if constexpr (requires { x.MulPow2(s); }) {
    return x.MulPow2(s);
  } else {
    return x * field::M31::FromCanonical(1u << s);
  }
}

template <class F>
void Poseidon2InternalLayer(std::array<F, kPoseidon2Width>& state) {
  F sum = state[0];
  for (size_t i = 1; i < kPoseidon2Width; ++i) sum = sum + state[i];
  state[0] = sum - state[0] - state[0];
  for (size_t i = 1; i < kPoseidon2Width; ++i) {
    state[i] = sum + Poseidon2MulPow2(state[i], kPoseidon2InternalShifts[i - 1]);
  }
}

// The permutation: external layer, 4 full rounds, 14 partial rounds, 4 full rounds.
void Poseidon2Permute(Poseidon2State& state);

// 16 permutations at once, one per lane of the packed M31 vectors (AVX-512, AVX2 or portable):
// states[k] holds lane k of the 16 states.
using Poseidon2PackedStates = std::array<field::PackedM31, kPoseidon2Width>;
void Poseidon2PermutePacked(Poseidon2PackedStates& states);

// The digest of a committed tensor (air/poseidon2_sponge.h proves it): a sponge of rate 8 and
// capacity 8 whose first capacity lane starts at the number of values; the values are absorbed
// 8 at a time (added to lanes 0–7, then a permutation), zero-padded to 2^Poseidon2SpongeLogBlocks
// blocks; the digest is lanes 0–7 of the last state.
inline constexpr size_t kPoseidon2Rate = 8;
uint32_t Poseidon2SpongeLogBlocks(size_t n_values);  // at least 4 (16 blocks)
std::array<field::M31, kPoseidon2Rate> Poseidon2SpongeDigest(std::span<const field::M31> values);

}  // namespace tensorstark::hash
