// The BLAKE2s node hash of Merkle trees (protocol reference §7.2). This is not standard BLAKE2s:
// the chaining value starts at zero (not the IV), there is no parameter block, and every
// compression runs with t = f = 0:
//   state = 0; if children: state = compress(state, left ‖ right)
//   for each 16 column values (zero-padded): state = compress(state, values)
// so a node without children and without values hashes to 32 zero bytes.
#pragma once

#include <optional>
#include <span>
#include <utility>

#include "field/m31.h"
#include "hash/blake2s.h"
#include "hash/merkle_hasher.h"

namespace tensorstark::hash {

struct Blake2sMerkleHasher {
  using Hash = Blake2sHash;

  static Hash HashNode(const std::optional<std::pair<Hash, Hash>>& children,
                       std::span<const field::M31> column_values);

  // Prover only (blake2s_merkle_layer.cc): 16 nodes per SIMD compression, reading the columns in
  // place, nodes split across TBB threads.
  static void HashLayer(std::span<const Hash> children,
                        std::span<const std::span<const field::M31>> columns, std::span<Hash> out);
};

static_assert(MerkleLayerHasher<Blake2sMerkleHasher>);

}  // namespace tensorstark::hash
