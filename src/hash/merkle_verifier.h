// The verifier side of mixed-degree Merkle trees (protocol reference §7.4): replays the prover's
// traversal from the leaves to the root, taking missing hashes and values from the decommitment,
// and compares the recomputed root. A malformed decommitment is a typed error, never a crash.
#pragma once

#include <cassert>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <utility>
#include <vector>

#include "field/m31.h"
#include "hash/merkle.h"
#include "hash/merkle_hasher.h"

namespace tensorstark::hash {

template <MerkleHasher H>
class MerkleVerifier {
 public:
  using Hash = typename H::Hash;
  // Every node hash a verification knew, recomputed or read from the witness, by (layer log
  // size, index): what a recursion circuit's witness takes its paths' sibling hashes from.
  using KnownNodes = std::map<std::pair<uint32_t, size_t>, Hash>;

  // column_log_sizes in commit order; none for the empty tree.
  MerkleVerifier(Hash root, std::span<const uint32_t> column_log_sizes) : root_(root) {
    n_columns_per_log_size_.resize(1);
    for (uint32_t k : column_log_sizes) {
      if (n_columns_per_log_size_.size() <= k) n_columns_per_log_size_.resize(k + 1);
      ++n_columns_per_log_size_[k];
    }
  }

  // nullopt means the decommitment opens `queried_values` at the queried positions of the tree
  // with this root. The queries are the verifier's own (drawn from the channel) and must be
  // sorted, unique, in range and at log sizes of at most the largest column; no queries claim
  // nothing and verify trivially when nothing else is sent.
  std::optional<MerkleError> Verify(const QueriesPerLogSize& queries_per_log_size,
                                    std::span<const field::M31> queried_values,
                                    const MerkleDecommitment<H>& decommitment,
                                    KnownNodes* known_nodes = nullptr) const {
    std::span<const Hash> hash_witness = decommitment.hash_witness;
    std::span<const field::M31> column_witness = decommitment.column_witness;
    const uint32_t max_log_size = static_cast<uint32_t>(n_columns_per_log_size_.size()) - 1;
    assert(queries_per_log_size.empty() || queries_per_log_size.rbegin()->first <= max_log_size);
    const std::vector<size_t> kNoQueries;
    std::vector<size_t> child_nodes;  // nodes recomputed in layer k + 1, with their hashes
    std::vector<Hash> child_hashes;
    for (uint32_t k = max_log_size + 1; k-- > 0;) {
      const size_t n_columns = n_columns_per_log_size_[k];
      auto it = queries_per_log_size.find(k);
      const std::vector<size_t>& queries =
          it == queries_per_log_size.end() ? kNoQueries : it->second;
      std::vector<size_t> nodes = MerkleLayerNodes(child_nodes, queries);
      std::vector<Hash> hashes;
      hashes.reserve(nodes.size());
      size_t next_child = 0, next_query = 0;
      for (size_t j : nodes) {
        std::optional<std::pair<Hash, Hash>> children;
        if (k < max_log_size) {
          std::optional<Hash> left =
              ChildHash(2 * j, child_nodes, child_hashes, next_child, hash_witness);
          std::optional<Hash> right =
              ChildHash(2 * j + 1, child_nodes, child_hashes, next_child, hash_witness);
          if (!left || !right) return MerkleError::kWitnessTooShort;
          children.emplace(*left, *right);
          if (known_nodes) {
            known_nodes->insert_or_assign({k + 1, 2 * j}, *left);
            known_nodes->insert_or_assign({k + 1, 2 * j + 1}, *right);
          }
        }
        const bool queried = next_query < queries.size() && queries[next_query] == j;
        if (queried) ++next_query;
        std::span<const field::M31>& source = queried ? queried_values : column_witness;
        if (source.size() < n_columns) {
          return queried ? MerkleError::kTooFewQueriedValues : MerkleError::kWitnessTooShort;
        }
        hashes.push_back(H::HashNode(children, source.first(n_columns)));
        if (known_nodes) known_nodes->insert_or_assign({k, j}, hashes.back());
        source = source.subspan(n_columns);
      }
      child_nodes = std::move(nodes);
      child_hashes = std::move(hashes);
    }
    if (!hash_witness.empty()) return MerkleError::kWitnessTooLong;
    if (!queried_values.empty()) return MerkleError::kTooManyQueriedValues;
    if (!column_witness.empty()) return MerkleError::kWitnessTooLong;
    if (child_nodes.empty()) return std::nullopt;
    // Anything but the single node 0 can only come from out-of-range queries.
    if (child_nodes.size() != 1 || child_nodes[0] != 0 || child_hashes[0] != root_) {
      return MerkleError::kRootMismatch;
    }
    return std::nullopt;
  }

 private:
  // The hash of `child` in layer k + 1: recomputed if that node was opened, else the next witness
  // hash (nullopt when the witness is exhausted).
  static std::optional<Hash> ChildHash(size_t child, const std::vector<size_t>& child_nodes,
                                       const std::vector<Hash>& child_hashes, size_t& next_child,
                                       std::span<const Hash>& hash_witness) {
    if (next_child < child_nodes.size() && child_nodes[next_child] == child) {
      return child_hashes[next_child++];
    }
    if (hash_witness.empty()) return std::nullopt;
    Hash h = hash_witness.front();
    hash_witness = hash_witness.subspan(1);
    return h;
  }

  Hash root_;
  std::vector<size_t> n_columns_per_log_size_;  // indexed by log size; at least one entry
};

}  // namespace tensorstark::hash
