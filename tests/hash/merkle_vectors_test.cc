// Merkle roots against tests/vectors/merkle_roots.json, made by an independent JavaScript
// implementation of the tree and the three node hashes (scripts/gen_merkle_vectors.mjs).
#include <doctest/doctest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "field/felt252.h"
#include "field/m31.h"
#include "hash/blake2s.h"
#include "hash/blake2s_merkle_hasher.h"
#include "hash/merkle_prover.h"
#include "hash/poseidon252_merkle_hasher.h"
#include "hash/poseidon2_m31_merkle_hasher.h"

namespace tensorstark::hash {
namespace {

using field::M31;
using nlohmann::json;

TEST_CASE("Merkle roots match the JavaScript reference trees") {
  std::ifstream in(std::string(TENSORSTARK_TEST_VECTORS) + "/merkle_roots.json");
  REQUIRE(in.good());
  const json trees = json::parse(in).at("trees");
  REQUIRE(trees.size() >= 8);
  for (const json& tree : trees) {
    std::vector<std::vector<M31>> data;
    for (const json& column : tree.at("columns")) {
      std::vector<M31>& values = data.emplace_back();
      for (const json& v : column) {
        REQUIRE(v.get<uint32_t>() < field::kP);
        values.push_back(M31::FromCanonical(v.get<uint32_t>()));
      }
    }
    const std::vector<std::span<const M31>> columns(data.begin(), data.end());
    CAPTURE(columns.size());

    std::optional<field::Felt252> poseidon_root =
        field::Felt252::FromHex(tree.at("poseidon252_root").get<std::string>());
    REQUIRE(poseidon_root.has_value());
    CHECK(MerkleProver<Poseidon252MerkleHasher>::Commit(columns).root() == *poseidon_root);
    std::optional<Blake2sHash> blake2s_root =
        Blake2sHash::FromHex(tree.at("blake2s_root").get<std::string>());
    REQUIRE(blake2s_root.has_value());
    CHECK(MerkleProver<Blake2sMerkleHasher>::Commit(columns).root() == *blake2s_root);
    CHECK(MerkleProver<Poseidon2M31MerkleHasher>::Commit(columns).root().ToHex() ==
          tree.at("poseidon2_root").get<std::string>());
  }
}

}  // namespace
}  // namespace tensorstark::hash
