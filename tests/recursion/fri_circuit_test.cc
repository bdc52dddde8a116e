#include "recursion/fri_circuit.h"

#include <doctest/doctest.h>

#include <vector>

#include "circle/circle_poly.h"
#include "circle/coset.h"
#include "circle/twiddles.h"
#include "fri/fri_prover.h"
#include "hash/poseidon2_m31_channel.h"
#include "hash/queries.h"
#include "recursion/bits.h"
#include "test_util.h"

namespace tensorstark::recursion {
namespace {

using field::M31;
using field::QM31;
using Channel = hash::Poseidon2M31Channel;
using Hasher = hash::Poseidon2M31MerkleHasher;

constexpr uint64_t kPrefix = 0x5eed;  // what the application mixed in before FRI
const fri::FriConfig kConfig = {
    .log_blowup_factor = 3, .log_last_layer_degree_bound = 0, .n_queries = 6, .fold_step = 3};

// A native FRI proof of random low-degree columns (log sizes 11, 8 and 7: the smaller ones join
// inside and between the folds of fold step 3), verified natively with what it opened recorded.
struct NativeRun {
  std::vector<uint32_t> log_sizes = {11, 8, 7};
  std::vector<fri::SecureColumn> columns;
  FriProofPoseidon2 proof;
  std::vector<size_t> queries;
  FriOpenedPoseidon2 opened;
  hash::Poseidon2M31Hash digest_after_commit;

  explicit NativeRun(uint64_t seed) {
    testing::Rng rng(seed);
    const circle::TwiddleTree twiddles = circle::TwiddleTree::ForCanonicDomains(11);
    for (uint32_t s : log_sizes) {
      const circle::CircleDomain domain = circle::CanonicCoset(s).circle_domain();
      fri::SecureColumn& column = columns.emplace_back();
      for (std::vector<M31>& coord : column.coords) {
        std::vector<M31> coeffs(size_t{1} << (s - kConfig.log_blowup_factor));
        for (M31& c : coeffs) c = rng.M31();
        const circle::CircleEvaluation eval = circle::CirclePoly(coeffs).Evaluate(domain, twiddles);
        coord.assign(eval.values().begin(), eval.values().end());
      }
    }
    Channel channel;
    channel.MixU64(kPrefix);
    const auto prover = fri::FriProver<Channel, Hasher>::Commit(channel, kConfig, columns);
    queries = hash::DrawQueryPositions(channel, log_sizes[0], kConfig.n_queries);
    proof = prover.Decommit(queries);

    Channel verifier_channel;
    verifier_channel.MixU64(kPrefix);
    auto verifier =
        fri::FriVerifier<Channel, Hasher>::Commit(verifier_channel, kConfig, proof, log_sizes);
    digest_after_commit = verifier_channel.digest();
    std::vector<std::vector<QM31>> evals;
    for (size_t i = 0; i < columns.size(); ++i) {
      evals.emplace_back();
      for (size_t p : fri::FoldPositions(queries, log_sizes[0] - log_sizes[i])) {
        evals.back().push_back(columns[i].at(p));
      }
    }
    REQUIRE(!std::get<0>(verifier).Decommit(queries, evals, fri::FriOpenings(proof), &opened));
  }

  QM31 ValueAt(size_t column, size_t query) const {
    return columns[column].at(query >> (log_sizes[0] - log_sizes[column]));
  }
};

// The run's FRI checked in a circuit, every query; `opening_of` picks whose opening each query
// is given (itself, unless a test says otherwise). Returns the topology and the first failure.
std::pair<hash::Blake2sHash, std::optional<std::string>> CheckInCircuit(
    const NativeRun& run, bool with_values, size_t swapped_query = SIZE_MAX) {
  CircuitBuilder builder(with_values);
  CircuitChannel channel(builder);
  channel.MixU64Limbs({builder.Guess(ValueType::kM31, QM31(M31::FromCanonical(kPrefix))),
                       builder.Guess(ValueType::kM31, QM31()),
                       builder.Guess(ValueType::kM31, QM31())});
  const FriCommitWires fri =
      CommitFri(channel, kConfig, run.log_sizes, with_values ? &run.proof : nullptr);
  for (size_t w = 0; w < 8 && with_values; ++w) {
    CHECK(channel.digest()[w].value() == QM31(run.digest_after_commit.words[w]));
  }
  for (size_t q = 0; q < run.queries.size(); ++q) {
    const size_t query = run.queries[q];
    const Wire position =
        builder.Guess(ValueType::kM31, QM31(M31::FromCanonical(static_cast<uint32_t>(query))));
    const std::vector<Wire> bits = DecomposeBits(position, run.log_sizes[0], "query position");
    std::vector<Wire> values;
    for (size_t i = 0; i < run.columns.size(); ++i) {
      values.push_back(builder.Guess(ValueType::kQM31, run.ValueAt(i, query)));
    }
    const size_t opened_query =
        q == swapped_query ? run.queries[(q + 1) % run.queries.size()] : query;
    CheckFriQuery(fri, bits, values,
                  QueryOpening(fri.schedule, with_values ? &run.opened : nullptr, opened_query));
  }
  return {builder.circuit().Digest(), builder.failure()};
}

TEST_CASE("a circuit checks the FRI proof a native verifier accepts, query by query") {
  const NativeRun run(1);
  const auto [topology, failure] = CheckInCircuit(run, true);
  CHECK_MESSAGE(!failure, *failure);
  CHECK(CheckInCircuit(NativeRun(2), true).first.bytes == topology.bytes);
  CHECK(CheckInCircuit(run, false).first.bytes == topology.bytes);
}

TEST_CASE("a query given another query's opening fails") {
  const NativeRun run(3);
  const auto failure = CheckInCircuit(run, true, 2).second;
  REQUIRE(failure);
  CHECK(failure->find("FRI") != std::string::npos);
}

}  // namespace
}  // namespace tensorstark::recursion
