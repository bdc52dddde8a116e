// The Poseidon252 node hash of Merkle trees (protocol reference §7.3, with the encoding fixed
// here). Column values are absorbed 8 per felt252 with PackM31s (big-endian base 2^31; a last
// chunk of K < 8 values packs just those K values, as the channel does):
//   children only            PoseidonHash(left, right)           (one permutation)
//   otherwise                PoseidonHashMany([left, right]? ++ packed column chunks)
// The tree shape (which layers have children, how many columns each layer has) is fixed by the
// committed column sizes, which the verifier knows, so the two forms cannot be confused.
// This differs from Stwo at dad3688 (§7.3) on purpose, in two ways: a node with children only
// costs one permutation instead of two (a quarter of a tree's permutations, both for the prover
// and for the Cairo verifier, which hashes every such node on a decommitment path), and the last
// chunk is not zero-padded, matching the channel's packing. Stwo's own Poseidon252 node encoding
// has changed between its versions; no Stwo verifier is meant to read these trees.
#pragma once

#include <optional>
#include <span>
#include <utility>

#include "field/felt252.h"
#include "field/m31.h"
#include "hash/merkle_hasher.h"

namespace tensorstark::hash {

struct Poseidon252MerkleHasher {
  using Hash = field::Felt252;

  static Hash HashNode(const std::optional<std::pair<Hash, Hash>>& children,
                       std::span<const field::M31> column_values);

  // Prover only: the nodes of a layer have equal input lengths, so their permutations run in
  // lockstep (HadesPermutationBatch, eight per AVX-512 IFMA vector), split across TBB threads.
  static void HashLayer(std::span<const Hash> children,
                        std::span<const std::span<const field::M31>> columns, std::span<Hash> out);
};

static_assert(MerkleLayerHasher<Poseidon252MerkleHasher>);

}  // namespace tensorstark::hash
