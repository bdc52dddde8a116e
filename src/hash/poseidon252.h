// Starknet's Poseidon hash over the Stark field (felt252): the Hades permutation (width 3, x^3
// S-box, 4 full + 83 partial + 4 full rounds, MDS [[3,1,1],[1,-1,1],[1,1,-2]]) and the hashes
// built on it, bit-for-bit equal to Cairo's core::poseidon and starknet-crypto. The Poseidon252
// channel (protocol reference §6.2) and Merkle trees (§7.3) use them.
#pragma once

#include <array>
#include <cstddef>
#include <span>

#include "field/felt252.h"
#include "field/m31.h"

namespace tensorstark::hash {

using PoseidonState = std::array<field::Felt252, 3>;

void HadesPermutation(PoseidonState& state);

// Permutes every state; the same as calling HadesPermutation on each, but several permutations
// run interleaved (AVX-512 IFMA: eight per vector), which is where the speed comes from.
void HadesPermutationBatch(std::span<PoseidonState> states);

// hades([a, b, 2])[0]
field::Felt252 PoseidonHash(const field::Felt252& a, const field::Felt252& b);
// hades([x, 0, 1])[0]
field::Felt252 PoseidonHashSingle(const field::Felt252& x);
// The sponge (rate 2, capacity 1): append 1, pad with zeros to an even length, then for each
// pair add it into state[0], state[1] and permute; the hash is state[0].
field::Felt252 PoseidonHashMany(std::span<const field::Felt252> values);

// out[i] = PoseidonHashMany(inputs[i·n_per_hash, (i+1)·n_per_hash)) for every i, with
// inputs.size() == out.size()·n_per_hash. The hashes of one Merkle layer have equal lengths, so
// their permutations run in lockstep through HadesPermutationBatch.
void PoseidonHashManyBatch(std::span<const field::Felt252> inputs, size_t n_per_hash,
                           std::span<field::Felt252> out);

// Σ m_k·2^{31·(K-1-k)} for K = values.size() <= 8: M31 values packed big-endian in base 2^31, the
// way the Poseidon252 channel and Merkle hasher absorb them (protocol reference §6.2, §7.3).
field::Felt252 PackM31s(std::span<const field::M31> values);

}  // namespace tensorstark::hash
