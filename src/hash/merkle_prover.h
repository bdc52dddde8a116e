// The prover side of mixed-degree Merkle trees (protocol reference §7.1, §7.4): commits to columns
// of different power-of-two lengths by hashing every layer, and opens queried positions.
#pragma once

#include <tbb/parallel_for.h>

#include <algorithm>
#include <bit>
#include <cassert>
#include <cstdint>
#include <memory>
#include <optional>
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
  //
  // The leaf layer (the largest, half of the tree) is not kept: it is hashed a block at a time
  // into a small buffer that stays in cache while the block's parents are hashed from it, and
  // Decommit hashes the few leaves it needs again from the columns.
  static MerkleProver Commit(std::span<const std::span<const field::M31>> columns) {
    std::vector<std::vector<std::span<const field::M31>>> by_log_size = ByLogSize(columns);
    const uint32_t max_log_size = static_cast<uint32_t>(by_log_size.size()) - 1;
    MerkleProver prover;
    prover.layers_.resize(max_log_size + 1);
    uint32_t k = max_log_size;
    if (max_log_size > 0) {
      k = max_log_size - 1;
      prover.layers_[k] = AllocateLayer(size_t{1} << k);
      HashLeavesAndParents(by_log_size[max_log_size], by_log_size[k],
                           {prover.layers_[k].get(), size_t{1} << k});
    } else {
      prover.layers_[0] = AllocateLayer(1);
      H::HashLayer({}, by_log_size[0], {prover.layers_[0].get(), 1});
    }
    while (k-- > 0) {
      prover.layers_[k] = AllocateLayer(size_t{1} << k);
      H::HashLayer(prover.layer(k + 1), by_log_size[k], {prover.layers_[k].get(), size_t{1} << k});
    }
    return prover;
  }

  const Hash& root() const { return layers_[0][0]; }
  uint32_t max_log_size() const { return static_cast<uint32_t>(layers_.size()) - 1; }
  // The 2^k node hashes of layer k, for the layers kept: k < max_log_size(), or the root alone.
  std::span<const Hash> layer(uint32_t k) const {
    assert(layers_[k] != nullptr && "the leaf layer is not kept");
    return {layers_[k].get(), size_t{1} << k};
  }

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
        assert(j < (size_t{1} << k));
        if (k < max_log_size()) {
          for (size_t child : {2 * j, 2 * j + 1}) {
            if (next_child < child_nodes.size() && child_nodes[next_child] == child) {
              ++next_child;
            } else if (k + 1 == max_log_size()) {
              decommitment.hash_witness.push_back(LeafHash(by_log_size[k + 1], child));
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
  // zero-filling the largest layers first would be a wasted pass over tens of MiB. malloc'ed
  // memory holds objects of trivially copyable (implicit-lifetime) types without construction.
  static_assert(std::is_trivially_copyable_v<Hash> && std::is_trivially_destructible_v<Hash>);
  using LayerBuffer = std::unique_ptr<Hash[], field::LargeDeleter>;

  static LayerBuffer AllocateLayer(size_t n) {
    return LayerBuffer(static_cast<Hash*>(field::AllocateLarge(n * sizeof(Hash))));
  }

  MerkleProver() = default;

  // Leaves per block of HashLeavesAndParents: 2^11 hashes of 32 bytes (64 KiB) stay in L2.
  static constexpr size_t kLeafBlock = size_t{1} << 11;

  // Layer max - 1 (`out`, with its own columns `parent_columns`) from the leaf columns, the
  // leaves hashed block by block into a buffer that does not outlive the block.
  static void HashLeavesAndParents(std::span<const std::span<const field::M31>> leaf_columns,
                                   std::span<const std::span<const field::M31>> parent_columns,
                                   std::span<Hash> out) {
    const size_t n_leaves = 2 * out.size();
    const size_t block = std::min(n_leaves, kLeafBlock);
    tbb::parallel_for(size_t{0}, n_leaves / block, [&](size_t b) {
      const size_t first = b * block;
      std::vector<std::span<const field::M31>> leaves, parents;
      for (std::span<const field::M31> c : leaf_columns) leaves.push_back(c.subspan(first, block));
      for (std::span<const field::M31> c : parent_columns) {
        parents.push_back(c.subspan(first / 2, block / 2));
      }
      const std::unique_ptr<Hash[]> buffer = std::make_unique_for_overwrite<Hash[]>(block);
      const std::span<Hash> leaf_hashes(buffer.get(), block);
      H::HashLayer({}, leaves, leaf_hashes);
      H::HashLayer(leaf_hashes, parents, out.subspan(first / 2, block / 2));
    });
  }

  // The hash of leaf j, from the leaf columns.
  static Hash LeafHash(std::span<const std::span<const field::M31>> leaf_columns, size_t j) {
    std::vector<field::M31> values;
    for (std::span<const field::M31> c : leaf_columns) values.push_back(c[j]);
    return H::HashNode(std::nullopt, values);
  }

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
