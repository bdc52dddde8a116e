// What a hash function must provide to build mixed-degree Merkle trees (protocol reference §7.1):
// the definition of one node hash, and (for the prover only) a batched version that hashes a whole
// layer. Implementations: Blake2sMerkleHasher (§7.2); a Poseidon252 hasher (§7.3) follows.
#pragma once

#include <concepts>
#include <optional>
#include <span>
#include <utility>

#include "field/m31.h"

namespace tensorstark::hash {

// The node hash is the protocol's definition: node j of layer k is
//   HashNode(children of j (nullopt on the leaf layer), {col[j] for each column injected at k})
// with the columns in the tree's column order (§7.1). An empty tree's root is
// HashNode(nullopt, {}).
template <class H>
concept MerkleHasher = std::regular<typename H::Hash> &&
    requires(const std::optional<std::pair<typename H::Hash, typename H::Hash>>& children,
             std::span<const field::M31> column_values) {
  { H::HashNode(children, column_values) } -> std::same_as<typename H::Hash>;
};

// The prover's batched layer hash. With n = out.size():
//   children: empty (leaf layer) or the 2n hashes of the layer below, node j's at 2j and 2j + 1;
//   columns:  the columns injected at this layer, in tree order, each n long.
// out[j] must equal HashNode of node j; how it gets there (SIMD, threads) is the hasher's business,
// but the result may not depend on the thread count.
template <class H>
concept MerkleLayerHasher = MerkleHasher<H> &&
    requires(std::span<const typename H::Hash> children,
             std::span<const std::span<const field::M31>> columns,
             std::span<typename H::Hash> out) {
  { H::HashLayer(children, columns, out) } -> std::same_as<void>;
};

}  // namespace tensorstark::hash
