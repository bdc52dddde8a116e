#include "hash/merkle.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <numeric>
#include <optional>
#include <span>
#include <vector>

#include "field/felt252.h"
#include "hash/blake2s.h"
#include "hash/blake2s_merkle_hasher.h"
#include "hash/merkle_prover.h"
#include "hash/merkle_verifier.h"
#include "hash/poseidon252.h"
#include "hash/poseidon252_merkle_hasher.h"
#include "hash/poseidon2_m31_merkle_hasher.h"
#include "test_util.h"

// The tree, decommitment and tampering tests run for every hasher; each node encoding also has its
// own test against its definition.
#define MERKLE_HASHERS Blake2sMerkleHasher, Poseidon252MerkleHasher, Poseidon2M31MerkleHasher

namespace tensorstark::hash {
namespace {

using field::Felt252;
using field::M31;

// What the generic tests need from a hash type beyond the MerkleHasher concept.
template <class H>
struct TestHash;

template <>
struct TestHash<Blake2sMerkleHasher> {
  static Blake2sHash Random(testing::Rng& rng) {
    Blake2sHash h;
    for (uint8_t& b : h.bytes) b = static_cast<uint8_t>(rng.U32());
    return h;
  }
  // A hash different from h: bit `bit` (mod 256) flipped.
  static Blake2sHash Perturbed(Blake2sHash h, size_t bit) {
    bit %= 256;
    h.bytes[bit / 8] ^= static_cast<uint8_t>(1 << (bit % 8));
    return h;
  }
};

template <>
struct TestHash<Poseidon252MerkleHasher> {
  // Mostly below 2^251; one in eight just below p, the top of the field.
  static Felt252 Random(testing::Rng& rng) {
    if (rng.U32() % 8 == 0) return -Felt252::FromU64(rng.U32() % 4 + 1);
    return Felt252::FromLimbs({rng.U64(), rng.U64(), rng.U64(), rng.U64() >> 5});
  }
  // A hash different from h: h + 2^(bit mod 251), which is never 0 mod p.
  static Felt252 Perturbed(const Felt252& h, size_t bit) {
    Felt252::Limbs power{};
    bit %= 251;
    power[bit / 64] = uint64_t{1} << (bit % 64);
    return h + Felt252::FromLimbs(power);
  }
};

template <>
struct TestHash<Poseidon2M31MerkleHasher> {
  static Poseidon2M31Hash Random(testing::Rng& rng) {
    Poseidon2M31Hash h;
    for (M31& word : h.words) word = M31::FromCanonical(rng.U32() % field::kP);
    return h;
  }
  // A hash different from h: word (bit mod 8) plus one.
  static Poseidon2M31Hash Perturbed(Poseidon2M31Hash h, size_t bit) {
    M31& word = h.words[bit % h.words.size()];
    word = word + M31::One();
    return h;
  }
};

struct Columns {
  std::vector<std::vector<M31>> data;
  std::vector<uint32_t> log_sizes;
  std::vector<std::span<const M31>> Spans() const { return {data.begin(), data.end()}; }
};

Columns RandomColumns(testing::Rng& rng, const std::vector<uint32_t>& log_sizes) {
  Columns c;
  c.log_sizes = log_sizes;
  for (uint32_t k : log_sizes) {
    std::vector<M31>& col = c.data.emplace_back(size_t{1} << k);
    for (M31& v : col) v = rng.U32() % 8 == 0 ? M31::FromCanonical(field::kP - 1) : rng.M31();
  }
  return c;
}

// The tree written straight from §7.1, one HashNode per node: layers[k][j].
template <class H>
std::vector<std::vector<typename H::Hash>> ReferenceLayers(const Columns& c) {
  using Hash = typename H::Hash;
  std::vector<size_t> order(c.data.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return c.log_sizes[a] > c.log_sizes[b]; });
  const uint32_t max_log = c.log_sizes.empty() ? 0 : c.log_sizes[order[0]];
  std::vector<std::vector<Hash>> layers(max_log + 1);
  for (uint32_t k = max_log + 1; k-- > 0;) {
    for (size_t j = 0; j < (size_t{1} << k); ++j) {
      std::vector<M31> values;
      for (size_t i : order) {
        if (c.log_sizes[i] == k) values.push_back(c.data[i][j]);
      }
      std::optional<std::pair<Hash, Hash>> children;
      if (k < max_log) children.emplace(layers[k + 1][2 * j], layers[k + 1][2 * j + 1]);
      layers[k].push_back(H::HashNode(children, values));
    }
  }
  return layers;
}

QueriesPerLogSize RandomQueries(testing::Rng& rng, uint32_t max_log_size) {
  QueriesPerLogSize queries;
  for (uint32_t k = 0; k <= max_log_size; ++k) {
    if (rng.U32() % 3 == 0) continue;
    const size_t n = size_t{1} << k;
    std::vector<size_t> q;
    for (size_t i = rng.U32() % 6 + 1; i-- > 0;) q.push_back(rng.U32() % n);
    std::sort(q.begin(), q.end());
    q.erase(std::unique(q.begin(), q.end()), q.end());
    queries[k] = q;
  }
  return queries;
}

}  // namespace

TEST_CASE("Blake2s node hash is the zero-IV compression chain of §7.2") {
  using H = Blake2sMerkleHasher;
  using Hash = Blake2sHash;
  CHECK(H::HashNode(std::nullopt, {}) == Hash{});
  CHECK(MerkleProver<H>::Commit({}).root() == Hash{});

  testing::Rng rng;
  std::vector<M31> values(17);
  for (M31& v : values) v = rng.M31();
  Hash left = TestHash<H>::Random(rng), right = TestHash<H>::Random(rng);

  std::array<uint32_t, 8> state{};
  std::array<uint32_t, 16> message;
  for (int i = 0; i < 8; ++i) {
    message[i] = left.Words()[i];
    message[8 + i] = right.Words()[i];
  }
  Blake2sCompress(state, message, 0, 0);
  CHECK(H::HashNode(std::pair{left, right}, {}) == Hash::FromWords(state));
  for (int i = 0; i < 16; ++i) message[i] = values[i].value();
  Blake2sCompress(state, message, 0, 0);
  CHECK(H::HashNode(std::pair{left, right}, std::span(values).first(16)) == Hash::FromWords(state));
  message.fill(0);
  message[0] = values[16].value();
  Blake2sCompress(state, message, 0, 0);
  CHECK(H::HashNode(std::pair{left, right}, values) == Hash::FromWords(state));
}

TEST_CASE("Poseidon252 node hash is the encoding of poseidon252_merkle_hasher.h") {
  using H = Poseidon252MerkleHasher;
  // Big-endian base 2^31 by field arithmetic, independent of PackM31s.
  auto pack = [](std::span<const M31> values) {
    Felt252 acc;
    for (M31 v : values) {
      acc = acc * Felt252::FromU64(uint64_t{1} << 31) + Felt252::FromU64(v.value());
    }
    return acc;
  };
  testing::Rng rng;
  std::vector<M31> values(17);
  for (M31& v : values) v = rng.M31();
  values[3] = M31::FromCanonical(field::kP - 1);
  const Felt252 left = TestHash<H>::Random(rng), right = TestHash<H>::Random(rng);
  const std::span<const M31> all(values);

  CHECK(H::HashNode(std::nullopt, {}) == PoseidonHashMany({}));
  CHECK(MerkleProver<H>::Commit({}).root() == PoseidonHashMany({}));
  // Children only: the 2-to-1 hash, one permutation.
  CHECK(H::HashNode(std::pair{left, right}, {}) == PoseidonHash(left, right));
  CHECK(H::HashNode(std::pair{left, right}, {}) != PoseidonHashMany(std::vector{left, right}));
  // Otherwise the sponge over the children and the packed chunks; a short last chunk packs just
  // its own values, without zero padding.
  CHECK(H::HashNode(std::nullopt, all.first(1)) ==
        PoseidonHashMany(std::vector{pack(all.first(1))}));
  CHECK(H::HashNode(std::nullopt, all.first(8)) ==
        PoseidonHashMany(std::vector{pack(all.first(8))}));
  CHECK(H::HashNode(std::nullopt, all) ==
        PoseidonHashMany(
            std::vector{pack(all.first(8)), pack(all.subspan(8, 8)), pack(all.last(1))}));
  CHECK(H::HashNode(std::pair{left, right}, all.first(7)) ==
        PoseidonHashMany(std::vector{left, right, pack(all.first(7))}));
  CHECK(H::HashNode(std::pair{left, right}, all.first(9)) ==
        PoseidonHashMany(std::vector{left, right, pack(all.first(8)), pack(all.subspan(8, 1))}));
}

TEST_CASE_TEMPLATE("HashLayer equals HashNode node by node", H, MERKLE_HASHERS) {
  using Hash = typename H::Hash;
  testing::Rng rng;
  // Sizes around SIMD widths (8 or 16 nodes) and TBB tasks (256 Poseidon nodes); column counts
  // around Poseidon's 8-value felts and BLAKE2s's 16-value blocks.
  for (size_t n : {1, 2, 3, 8, 16, 24, 32, 48, 64, 300, 512, 16 * 17}) {
    for (size_t n_columns : {0, 1, 7, 8, 9, 15, 16, 17, 33, 40}) {
      for (bool with_children : {false, true}) {
        std::vector<std::vector<M31>> data(n_columns, std::vector<M31>(n));
        for (auto& col : data) {
          for (M31& v : col) v = rng.U32() % 8 == 0 ? M31::FromCanonical(field::kP - 1) : rng.M31();
        }
        std::vector<std::span<const M31>> columns(data.begin(), data.end());
        std::vector<Hash> children;
        if (with_children) {
          for (size_t i = 0; i < 2 * n; ++i) children.push_back(TestHash<H>::Random(rng));
        }
        std::vector<Hash> out(n);
        H::HashLayer(children, columns, out);
        for (size_t j = 0; j < n; ++j) {
          std::vector<M31> values;
          for (const auto& col : data) values.push_back(col[j]);
          std::optional<std::pair<Hash, Hash>> node_children;
          if (with_children) node_children.emplace(children[2 * j], children[2 * j + 1]);
          CHECK(out[j] == H::HashNode(node_children, values));
        }
      }
    }
  }
}

TEST_CASE_TEMPLATE("Single-column tree root is the chain of node hashes", H, MERKLE_HASHERS) {
  using Hash = typename H::Hash;
  const std::vector<M31> col = {M31::FromCanonical(1), M31::FromCanonical(2), M31::FromCanonical(3),
                                M31::FromCanonical(field::kP - 1)};
  std::vector<Hash> leaves;
  for (M31 v : col) leaves.push_back(H::HashNode(std::nullopt, std::span(&v, 1)));
  Hash l0 = H::HashNode(std::pair{leaves[0], leaves[1]}, {});
  Hash l1 = H::HashNode(std::pair{leaves[2], leaves[3]}, {});
  const std::vector<std::span<const M31>> columns = {col};
  MerkleProver<H> prover = MerkleProver<H>::Commit(columns);
  CHECK(prover.max_log_size() == 2);
  CHECK(prover.root() == H::HashNode(std::pair{l0, l1}, {}));
}

TEST_CASE_TEMPLATE("Mixed-size trees match the reference tree of §7.1", H, MERKLE_HASHERS) {
  using Hash = typename H::Hash;
  testing::Rng rng;
  const std::vector<std::vector<uint32_t>> shapes = {
      {0},
      {3, 5, 3, 5, 0, 4, 5},  // interleaved sizes: the stable order matters
      {6, 2},                 // layers without columns in between
      std::vector<uint32_t>(40, 6),
      {9, 9, 1, 8, 9, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4},
      {13, 12, 13, 3},  // leaves hashed in several blocks, a column joining their parents
  };
  for (const auto& shape : shapes) {
    Columns c = RandomColumns(rng, shape);
    MerkleProver<H> prover = MerkleProver<H>::Commit(c.Spans());
    std::vector<std::vector<Hash>> expected = ReferenceLayers<H>(c);
    REQUIRE(prover.max_log_size() + 1 == expected.size());
    // The leaf layer is not kept (unless it is the root); the layer above is hashed from it.
    for (uint32_t k = 0; k + 1 < expected.size() || k == 0; ++k) {
      CHECK(std::ranges::equal(prover.layer(k), expected[k]));
    }
  }
}

TEST_CASE_TEMPLATE("Decommitment follows the traversal order of §7.4", H, MERKLE_HASHERS) {
  using Hash = typename H::Hash;
  testing::Rng rng;
  Columns c = RandomColumns(rng, {2, 1});
  MerkleProver<H> prover = MerkleProver<H>::Commit(c.Spans());
  const QueriesPerLogSize queries = {{2, {0}}, {1, {1}}};
  auto [values, decommitment] = prover.Decommit(queries, c.Spans());
  // Layer 2 opens leaf 0; layer 1 opens node 0 (the parent) and node 1 (queried).
  CHECK(values == std::vector<M31>{c.data[0][0], c.data[1][1]});
  CHECK(decommitment.column_witness == std::vector<M31>{c.data[1][0]});
  const std::vector<Hash> leaves = ReferenceLayers<H>(c)[2];  // hashed again for the witness
  CHECK(decommitment.hash_witness == std::vector<Hash>{leaves[1], leaves[2], leaves[3]});
  CHECK(MerkleVerifier<H>(prover.root(), c.log_sizes).Verify(queries, values, decommitment) ==
        std::nullopt);
}

TEST_CASE_TEMPLATE("Random decommitments verify, and every tampering is rejected with its error", H,
                   MERKLE_HASHERS) {
  using Hash = typename H::Hash;
  using Verifier = MerkleVerifier<H>;
  testing::Rng rng;
  int n_checked = 0;
  for (int iter = 0; iter < 60; ++iter) {
    std::vector<uint32_t> shape(rng.U32() % 8 + 1);
    for (uint32_t& k : shape) k = rng.U32() % 8;
    Columns c = RandomColumns(rng, shape);
    MerkleProver<H> prover = MerkleProver<H>::Commit(c.Spans());
    QueriesPerLogSize queries = RandomQueries(rng, prover.max_log_size());
    if (queries.empty()) continue;
    auto [values, decommitment] = prover.Decommit(queries, c.Spans());
    Verifier verifier(prover.root(), c.log_sizes);
    REQUIRE(verifier.Verify(queries, values, decommitment) == std::nullopt);
    ++n_checked;

    // The queried values are the columns at the queries, layer by layer from the leaves.
    std::vector<M31> expected_values;
    for (uint32_t k = prover.max_log_size() + 1; k-- > 0;) {
      for (size_t q : queries.count(k) ? queries[k] : std::vector<size_t>{}) {
        for (size_t i = 0; i < shape.size(); ++i) {
          if (shape[i] == k) expected_values.push_back(c.data[i][q]);
        }
      }
    }
    CHECK(values == expected_values);

    auto verify = [&](const std::vector<M31>& v, const MerkleDecommitment<H>& d) {
      return verifier.Verify(queries, v, d);
    };
    const size_t pick = rng.U32();
    if (!values.empty()) {
      std::vector<M31> v = values;
      v[pick % v.size()] += M31::One();
      CHECK(verify(v, decommitment) == MerkleError::kRootMismatch);
      v = values;
      v.pop_back();
      CHECK(verify(v, decommitment) == MerkleError::kTooFewQueriedValues);
    }
    {
      std::vector<M31> v = values;
      v.push_back(M31::One());
      CHECK(verify(v, decommitment) == MerkleError::kTooManyQueriedValues);
    }
    if (!decommitment.hash_witness.empty()) {
      MerkleDecommitment<H> d = decommitment;
      Hash& h = d.hash_witness[pick % d.hash_witness.size()];
      h = TestHash<H>::Perturbed(h, 8 * pick);
      CHECK(verify(values, d) == MerkleError::kRootMismatch);
      d = decommitment;
      d.hash_witness.erase(d.hash_witness.begin() + pick % d.hash_witness.size());
      CHECK(verify(values, d) == MerkleError::kWitnessTooShort);
    }
    if (!decommitment.column_witness.empty()) {
      MerkleDecommitment<H> d = decommitment;
      d.column_witness[pick % d.column_witness.size()] += M31::One();
      CHECK(verify(values, d) == MerkleError::kRootMismatch);
      d = decommitment;
      d.column_witness.pop_back();
      CHECK(verify(values, d) == MerkleError::kWitnessTooShort);
    }
    {
      MerkleDecommitment<H> d = decommitment;
      d.hash_witness.push_back(Hash{});
      CHECK(verify(values, d) == MerkleError::kWitnessTooLong);
      d = decommitment;
      d.column_witness.push_back(M31::One());
      CHECK(verify(values, d) == MerkleError::kWitnessTooLong);
    }
    const Hash wrong_root = TestHash<H>::Perturbed(prover.root(), 8 * pick + 7);
    CHECK(Verifier(wrong_root, c.log_sizes).Verify(queries, values, decommitment) ==
          MerkleError::kRootMismatch);
  }
  CHECK(n_checked > 40);
}

TEST_CASE_TEMPLATE("Garbage decommitments of any length are rejected without crashing", H,
                   MERKLE_HASHERS) {
  using Hash = typename H::Hash;
  testing::Rng rng;
  Columns c = RandomColumns(rng, {5, 3, 5, 0});
  MerkleProver<H> prover = MerkleProver<H>::Commit(c.Spans());
  const QueriesPerLogSize queries = {{5, {1, 7, 30}}, {3, {2}}, {0, {0}}};
  auto [values, decommitment] = prover.Decommit(queries, c.Spans());
  MerkleVerifier<H> verifier(prover.root(), c.log_sizes);
  for (int iter = 0; iter < 300; ++iter) {
    std::vector<M31> v(rng.U32() % (2 * values.size() + 2));
    for (M31& x : v) x = rng.M31();
    MerkleDecommitment<H> d;
    d.hash_witness.resize(rng.U32() % (2 * decommitment.hash_witness.size() + 2));
    for (Hash& h : d.hash_witness) h = TestHash<H>::Random(rng);
    d.column_witness.resize(rng.U32() % (2 * decommitment.column_witness.size() + 2));
    for (M31& x : d.column_witness) x = rng.M31();
    CHECK(verifier.Verify(queries, v, d).has_value());
  }
}

TEST_CASE_TEMPLATE("Querying every position needs no witness", H, MERKLE_HASHERS) {
  testing::Rng rng;
  Columns c = RandomColumns(rng, {3, 3, 1});
  MerkleProver<H> prover = MerkleProver<H>::Commit(c.Spans());
  QueriesPerLogSize queries = {{3, {0, 1, 2, 3, 4, 5, 6, 7}}, {1, {0, 1}}};
  auto [values, decommitment] = prover.Decommit(queries, c.Spans());
  CHECK(decommitment == MerkleDecommitment<H>{});
  CHECK(values.size() == 8 * 2 + 2);
  CHECK(MerkleVerifier<H>(prover.root(), c.log_sizes).Verify(queries, values, decommitment) ==
        std::nullopt);
}

TEST_CASE_TEMPLATE("Empty tree", H, MERKLE_HASHERS) {
  using Hash = typename H::Hash;
  MerkleProver<H> prover = MerkleProver<H>::Commit({});
  CHECK(prover.root() == H::HashNode(std::nullopt, {}));
  CHECK(prover.max_log_size() == 0);
  MerkleVerifier<H> verifier(prover.root(), {});
  for (const QueriesPerLogSize& queries : {QueriesPerLogSize{}, QueriesPerLogSize{{0, {0}}}}) {
    auto [values, decommitment] = prover.Decommit(queries, {});
    CHECK(values.empty());
    CHECK(decommitment == MerkleDecommitment<H>{});
    CHECK(verifier.Verify(queries, values, decommitment) == std::nullopt);
    CHECK(verifier.Verify(queries, values, {{Hash{}}, {}}) == MerkleError::kWitnessTooLong);
    CHECK(verifier.Verify(queries, std::vector{M31::One()}, decommitment) ==
          MerkleError::kTooManyQueriedValues);
  }
  const Hash wrong_root = TestHash<H>::Perturbed(prover.root(), 0);
  CHECK(MerkleVerifier<H>(wrong_root, {}).Verify({{0, {0}}}, {}, {}) == MerkleError::kRootMismatch);
}

}  // namespace tensorstark::hash
