// The prover side of mixed-degree Merkle trees (protocol reference §7.1, §7.4): commits to columns
// of different power-of-two lengths by hashing every layer, and opens queried positions.
#pragma once

#include <bit>
#include <cassert>
#include <cstdint>
#include <memory>
#include <span>
#include <type_traits>
#include <utility>
#include <vector>

#include "field/large_allocation.h"
#include "field/m31.h"
#include "hash/merkle.h"
#include "hash/merkle_hasher.h"

namespace tensorstark::hash {

template <MerkleLayerHasher H>
class MerkleProver {
 public:
  using Hash = typename H::Hash;

  // Every column is 2^k long for some k ≥ 0. The column order (commit order) matters: within one
  // length it is the order of the values inside a node (§7.1). No columns gives the empty tree,
  // a single layer-0 node HashNode(nullopt, {}).
  static MerkleProver Commit(std::span<const std::span<const field::M31>> columns) {
    std::vector<std::vector<std::span<const field::M31>>> by_log_size = ByLogSize(columns);
    const uint32_t max_log_size = static_cast<uint32_t>(by_log_size.size()) - 1;
    MerkleProver prover;
    prover.layers_.resize(max_log_size + 1);
    for (uint32_t k = max_log_size + 1; k-- > 0;) {
      prover.layers_[k] = AllocateLayer(size_t{1} << k);
      std::span<const Hash> children;
      if (k < max_log_size) children = prover.layer(k + 1);
      H::HashLayer(children, by_log_size[k], {prover.layers_[k].get(), size_t{1} << k});
    }
    return prover;
  }

  const Hash& root() const { return layers_[0][0]; }
  uint32_t max_log_size() const { return static_cast<uint32_t>(layers_.size()) - 1; }
  // The 2^k node hashes of layer k.
  std::span<const Hash> layer(uint32_t k) const { return {layers_[k].get(), size_t{1} << k}; }

  // Opens the queried positions (§7.4). `columns` must be the committed columns, in commit order;
  // queries are sorted, unique, in range and at log sizes ≤ max_log_size(). Returns the queried
  // values (node by node in traversal order, each node's values in column order) and the
  // decommitment.
  std::pair<std::vector<field::M31>, MerkleDecommitment<H>> Decommit(
      const QueriesPerLogSize& queries_per_log_size,
      std::span<const std::span<const field::M31>> columns) const {
    std::vector<std::vector<std::span<const field::M31>>> by_log_size = ByLogSize(columns);
    assert(by_log_size.size() == layers_.size());
    assert(queries_per_log_size.empty() || queries_per_log_size.rbegin()->first <= max_log_size());
    std::vector<field::M31> queried_values;
    MerkleDecommitment<H> decommitment;
    const std::vector<size_t> kNoQueries;
    std::vector<size_t> child_nodes;  // nodes opened in layer k + 1
    for (uint32_t k = max_log_size() + 1; k-- > 0;) {
      auto it = queries_per_log_size.find(k);
      const std::vector<size_t>& queries =
          it == queries_per_log_size.end() ? kNoQueries : it->second;
      std::vector<size_t> nodes = MerkleLayerNodes(child_nodes, queries);
      size_t next_child = 0, next_query = 0;
      for (size_t j : nodes) {
        assert(j < layer(k).size());
        if (k < max_log_size()) {
          for (size_t child : {2 * j, 2 * j + 1}) {
            if (next_child < child_nodes.size() && child_nodes[next_child] == child) {
              ++next_child;
            } else {
              decommitment.hash_witness.push_back(layers_[k + 1][child]);
            }
          }
        }
        const bool queried = next_query < queries.size() && queries[next_query] == j;
        if (queried) ++next_query;
        std::vector<field::M31>& values = queried ? queried_values : decommitment.column_witness;
        for (std::span<const field::M31> column : by_log_size[k]) values.push_back(column[j]);
      }
      child_nodes = std::move(nodes);
    }
    return {std::move(queried_values), std::move(decommitment)};
  }

 private:
  // Layers live in uninitialised memory (field::AllocateLarge): HashLayer writes every node, and
  // zero-filling the leaf layer first would be a wasted pass over tens of MiB. malloc'ed memory
  // holds objects of trivially copyable (implicit-lifetime) types without construction.
  static_assert(std::is_trivially_copyable_v<Hash> && std::is_trivially_destructible_v<Hash>);
  using LayerBuffer = std::unique_ptr<Hash[], field::LargeDeleter>;

  static LayerBuffer AllocateLayer(size_t n) {
    return LayerBuffer(static_cast<Hash*>(field::AllocateLarge(n * sizeof(Hash))));
  }

  MerkleProver() = default;

  // Columns grouped by log size, commit order kept within a group; one group per layer.
  static std::vector<std::vector<std::span<const field::M31>>> ByLogSize(
      std::span<const std::span<const field::M31>> columns) {
    std::vector<std::vector<std::span<const field::M31>>> by_log_size(1);
    for (std::span<const field::M31> column : columns) {
      assert(std::has_single_bit(column.size()));
      const size_t k = std::bit_width(column.size()) - 1;
      if (by_log_size.size() <= k) by_log_size.resize(k + 1);
      by_log_size[k].push_back(column);
    }
    return by_log_size;
  }

  std::vector<LayerBuffer> layers_;  // layers_[k] has 2^k hashes; layers_[0] is the root
};

}  // namespace tensorstark::hash
