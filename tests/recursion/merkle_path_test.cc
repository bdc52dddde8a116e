#include "recursion/merkle_path.h"

#include <doctest/doctest.h>

#include <vector>

#include "hash/merkle_prover.h"
#include "recursion/bits.h"
#include "test_util.h"

namespace tensorstark::recursion {
namespace {

using field::M31;
using field::QM31;
using Hasher = hash::Poseidon2M31MerkleHasher;

// A mixed-degree tree (columns of 2^4, 2^2, 2^3 and 2^0 values, two of the largest), opened
// natively at some positions of its largest layer, then each query's path checked in a circuit
// whose guesses come from the native decommitment.
struct Opening {
  std::vector<uint32_t> log_sizes = {4, 2, 4, 3, 0};
  std::vector<std::vector<M31>> columns;
  hash::Poseidon2M31Hash root;
  KnownPoseidon2Nodes known;

  explicit Opening(uint64_t seed, const std::vector<size_t>& queries) {
    testing::Rng rng(seed);
    std::vector<std::span<const M31>> spans;
    for (uint32_t k : log_sizes) {
      columns.emplace_back(size_t{1} << k);
      for (M31& v : columns.back()) v = rng.M31();
    }
    for (const auto& c : columns) spans.emplace_back(c);
    const auto prover = hash::MerkleProver<Hasher>::Commit(spans);
    root = prover.root();
    hash::QueriesPerLogSize per_log_size;
    for (uint32_t k : log_sizes) {
      std::vector<size_t>& positions = per_log_size[k];
      positions.clear();
      for (size_t q : queries) positions.push_back(q >> (4 - k));
      positions.erase(std::unique(positions.begin(), positions.end()), positions.end());
    }
    const auto [values, decommitment] = prover.Decommit(per_log_size, spans);
    hash::MerkleVerifier<Hasher> verifier(root, log_sizes);
    REQUIRE(!verifier.Verify(per_log_size, values, decommitment, &known));
  }

  std::vector<M31> ValuesAt(size_t position) const {
    std::vector<M31> values;
    for (size_t c = 0; c < columns.size(); ++c) {
      values.push_back(columns[c][position >> (4 - log_sizes[c])]);
    }
    return values;
  }
};

// Checks every query's path in one circuit; returns its topology and first failure.
std::pair<hash::Blake2sHash, std::optional<std::string>> CheckPaths(
    const Opening& opening, const std::vector<size_t>& queries, bool with_values,
    size_t tampered_query = SIZE_MAX) {
  CircuitBuilder builder(with_values);
  const DigestWires root = GuessDigest(builder, opening.root);
  for (size_t q = 0; q < queries.size(); ++q) {
    std::vector<M31> values = opening.ValuesAt(queries[q]);
    // Tampering changes a value (of a leaf column or an injected one) and, for the last query,
    // the position the path claims instead.
    size_t position_value = queries[q];
    if (q == tampered_query) values[q % values.size()] += M31::One();
    if (q == tampered_query && q + 1 == queries.size()) {
      values = opening.ValuesAt(queries[q]);
      position_value ^= 1;
    }
    const Wire position = builder.Guess(
        ValueType::kM31, QM31(M31::FromCanonical(static_cast<uint32_t>(position_value))));
    const std::vector<Wire> bits = DecomposeBits(position, 4, "query position");
    MerklePathWires path{
        .values = {},
        .siblings = GuessSiblings(builder, PathSiblings(opening.known, 4, queries[q]))};
    for (M31 v : values) path.values.push_back(builder.Guess(ValueType::kM31, QM31(v)));
    AssertMerklePath(root, opening.log_sizes, bits, path, "the Merkle root");
  }
  return {builder.circuit().Digest(), builder.failure()};
}

TEST_CASE("a circuit checks the paths a native decommitment opens") {
  const std::vector<size_t> queries = {0, 5, 6, 15};
  const Opening opening(1, queries);
  const auto [topology, failure] = CheckPaths(opening, queries, true);
  CHECK_MESSAGE(!failure, *failure);

  // Other data, and no data, give the same circuit.
  const std::vector<size_t> other_queries = {3, 3, 8, 9};
  CHECK(CheckPaths(Opening(2, other_queries), other_queries, true).first.bytes == topology.bytes);
  CHECK(CheckPaths(opening, queries, false).first.bytes == topology.bytes);
}

TEST_CASE("a changed value, position or root fails at the root") {
  const std::vector<size_t> queries = {2, 7, 12};
  const Opening opening(3, queries);
  for (size_t tampered = 0; tampered < queries.size(); ++tampered) {
    const auto failure = CheckPaths(opening, queries, true, tampered).second;
    REQUIRE(failure);
    CHECK(failure->find("(the Merkle root)") != std::string::npos);
  }
  // The values of one tree against the root of another.
  Opening other(4, queries);
  other.root = opening.root;
  CHECK(CheckPaths(other, queries, true).second);
}

}  // namespace
}  // namespace tensorstark::recursion
