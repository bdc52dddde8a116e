// A Merkle path in a circuit, for the mixed-degree Poseidon2-M31 trees of
// hash/poseidon2_m31_merkle_hasher.h: one query's leaf and its way up to the root, every node
// recomputed by the native rule code (poseidon2_rules::HashNode) over wires. The query's position
// enters as bits that choose each node's side through gates, so no C++ branch depends on it.
// Queries are not deduplicated: every query's path is checked whole.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "hash/merkle_verifier.h"
#include "hash/poseidon2_m31_merkle_hasher.h"
#include "recursion/circuit_channel.h"

namespace tensorstark::recursion {

struct MerklePathWires {
  std::vector<Wire> values;           // the columns' values at the query, in commit order
  std::vector<DigestWires> siblings;  // from the leaf layer up: the sibling in layer L, L-1, ... 1
};

// Asserts that `path` opens its values at the position given by `position_bits` (least
// significant first, one per layer below the root: L of them for a tree of largest log size L)
// in the tree of this root. column_log_sizes is the tree's, in commit order.
void AssertMerklePath(const DigestWires& root, std::span<const uint32_t> column_log_sizes,
                      std::span<const Wire> position_bits, const MerklePathWires& path,
                      std::string_view what);

using KnownPoseidon2Nodes = hash::MerkleVerifier<hash::Poseidon2M31MerkleHasher>::KnownNodes;

// The witness of a path: its sibling hashes, from the leaf layer up, out of the nodes a native
// verification of the same decommitment knew.
std::vector<hash::Poseidon2M31Hash> PathSiblings(const KnownPoseidon2Nodes& known,
                                                 uint32_t max_log_size, size_t position);

// Digests as guessed M31 words: one, or a path's siblings.
DigestWires GuessDigest(CircuitBuilder& builder, const hash::Poseidon2M31Hash& digest);
std::vector<DigestWires> GuessSiblings(CircuitBuilder& builder,
                                       std::span<const hash::Poseidon2M31Hash> siblings);

}  // namespace tensorstark::recursion
