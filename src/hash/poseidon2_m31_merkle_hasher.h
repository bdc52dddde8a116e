// The Poseidon2-M31 node hash of Merkle trees (protocol reference §7, the encoding fixed here):
// the hash a recursion circuit verifies with the fewest permutations, as every value it reads is
// an M31 and one permutation (poseidon2_m31.h, width 16) compresses two 8-word digests. P is the
// permutation, a node's digest 8 M31 words:
//   compress(a, b)          P(a ‖ b)[0..8]: truncated permutation (as Plonky3's Merkle trees)
//   leaf (no children)      an overwrite sponge of rate 8 over the n column values: the state
//                           starts as 0 with lane 8 = n (so leaves of different widths cannot
//                           collide), each chunk of 8 values (the last zero-padded) overwrites
//                           lanes 0–7 and is followed by P; the digest is lanes 0–7. A leaf of no
//                           values (the empty tree's root) is P of that state once: ⌈n/8⌉
//                           permutations, at least 1.
//   children only           compress(left, right): one permutation
//   children and columns    the state starts as left ‖ right, P, then the columns' values are
//                           absorbed as a leaf's are: 1 + ⌈n/8⌉ permutations
// The tree's shape (which layers have children, how many columns each layer injects) is fixed by
// the committed column sizes, which the verifier knows, so the three forms cannot be confused.
// A digest is serialised as its 8 words, 4 little-endian bytes each; a word must be below p.
#pragma once

#include <array>
#include <optional>
#include <span>
#include <string>
#include <utility>

#include "field/m31.h"
#include "hash/merkle_hasher.h"

namespace tensorstark::hash {

struct Poseidon2M31Hash {
  std::array<field::M31, 8> words{};

  bool operator==(const Poseidon2M31Hash&) const = default;
  // The 32 bytes of the serialisation, in hex.
  std::string ToHex() const;
};

// P(a ‖ b)[0..8].
Poseidon2M31Hash Poseidon2M31Compress(const Poseidon2M31Hash& a, const Poseidon2M31Hash& b);

struct Poseidon2M31MerkleHasher {
  using Hash = Poseidon2M31Hash;

  static Hash HashNode(const std::optional<std::pair<Hash, Hash>>& children,
                       std::span<const field::M31> column_values);

  // Prover only: a layer's nodes split across TBB threads.
  static void HashLayer(std::span<const Hash> children,
                        std::span<const std::span<const field::M31>> columns, std::span<Hash> out);
};

static_assert(MerkleLayerHasher<Poseidon2M31MerkleHasher>);

}  // namespace tensorstark::hash
