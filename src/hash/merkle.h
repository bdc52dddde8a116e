// Definitions shared by the Merkle prover and verifier (protocol reference §7.4): the query map,
// the decommitment, the verifier's errors, and the node traversal both sides replay.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <vector>

#include "field/m31.h"
#include "hash/merkle_hasher.h"

namespace tensorstark::hash {

// For each log size k, the queried positions among the columns of length 2^k, sorted and unique.
// Log sizes without columns may be queried too; they just open a node with no column values.
using QueriesPerLogSize = std::map<uint32_t, std::vector<size_t>>;

// What the verifier needs besides the queried values, in the order the traversal consumes it:
// for each layer from the leaves up, node by node in ascending order, the missing child hashes
// (left, then right) and the column values of nodes that were not queried.
template <MerkleHasher H>
struct MerkleDecommitment {
  std::vector<typename H::Hash> hash_witness;
  std::vector<field::M31> column_witness;

  friend bool operator==(const MerkleDecommitment&, const MerkleDecommitment&) = default;
};

enum class MerkleError {
  kWitnessTooShort,
  kWitnessTooLong,
  kTooManyQueriedValues,
  kTooFewQueriedValues,
  kRootMismatch,
};

const char* ToString(MerkleError error);

// The nodes of a layer that a decommitment opens: the parents of the nodes opened in the layer
// below (sorted) merged with this layer's queries (sorted), without duplicates.
std::vector<size_t> MerkleLayerNodes(const std::vector<size_t>& child_nodes,
                                     const std::vector<size_t>& queries);

}  // namespace tensorstark::hash
