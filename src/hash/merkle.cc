#include "hash/merkle.h"

namespace tensorstark::hash {

const char* ToString(MerkleError error) {
  switch (error) {
    case MerkleError::kWitnessTooShort:
      return "Merkle witness too short";
    case MerkleError::kWitnessTooLong:
      return "Merkle witness too long";
    case MerkleError::kTooManyQueriedValues:
      return "too many queried values";
    case MerkleError::kTooFewQueriedValues:
      return "too few queried values";
    case MerkleError::kRootMismatch:
      return "Merkle root mismatch";
  }
  return "unknown Merkle error";
}

std::vector<size_t> MerkleLayerNodes(const std::vector<size_t>& child_nodes,
                                     const std::vector<size_t>& queries) {
  std::vector<size_t> nodes;
  nodes.reserve(child_nodes.size() + queries.size());
  size_t c = 0, q = 0;
  while (c < child_nodes.size() || q < queries.size()) {
    size_t next;
    if (q == queries.size() || (c < child_nodes.size() && child_nodes[c] / 2 <= queries[q])) {
      next = child_nodes[c++] / 2;
    } else {
      next = queries[q++];
    }
    if (nodes.empty() || nodes.back() != next) nodes.push_back(next);
  }
  return nodes;
}

}  // namespace tensorstark::hash
