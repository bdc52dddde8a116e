// The commitment scheme end to end: trees of polynomials of several sizes, opened at several
// points, verify for both hashes; a wrong sampled value or a wrong proof-of-work nonce is
// rejected with the matching error.
#include <doctest/doctest.h>

#include <vector>

#include "circle/circle_point.h"
#include "circle/twiddles.h"
#include "fri/pcs_prover.h"
#include "fri/pcs_verifier.h"
#include "hash/blake2s_channel.h"
#include "hash/blake2s_merkle_hasher.h"
#include "hash/poseidon252_channel.h"
#include "hash/poseidon252_merkle_hasher.h"
#include "test_util.h"

namespace tensorstark::fri {
namespace {

using circle::CirclePoint;

struct Opening {
  SamplePoints points;
  std::vector<std::vector<uint32_t>> log_sizes;  // per tree, polynomial log sizes
};

template <class C, class H>
PcsProof<H> ProveRandomTrees(const PcsConfig& config, Opening& opening, testing::Rng& rng) {
  const std::vector<std::vector<uint32_t>> log_sizes = {{5, 7, 7}, {6}, {}};
  const circle::TwiddleTree twiddles =
      circle::TwiddleTree::ForCanonicDomains(7 + config.fri.log_blowup_factor);
  CommitmentSchemeProver<C, H> prover(config, twiddles);
  C channel;
  const CirclePoint<QM31> a = CirclePoint<QM31>::FromT(rng.QM31());
  const CirclePoint<QM31> b = CirclePoint<QM31>::FromT(rng.QM31());
  for (const std::vector<uint32_t>& tree : log_sizes) {
    std::vector<std::vector<M31>> columns;
    std::vector<std::vector<CirclePoint<QM31>>> points;
    for (uint32_t log_size : tree) {
      std::vector<M31> column(size_t{1} << log_size);
      for (M31& v : column) v = rng.M31();
      columns.push_back(std::move(column));
      points.push_back(points.size() % 2 == 0 ? std::vector{a} : std::vector{a, b});
    }
    prover.CommitEvaluations(std::move(columns), channel);
    opening.points.push_back(std::move(points));
  }
  opening.log_sizes = log_sizes;
  return prover.Prove(opening.points, channel);
}

template <class C, class H>
std::optional<PcsError> VerifyTrees(const PcsConfig& config, const Opening& opening,
                                    const PcsProof<H>& proof) {
  CommitmentSchemeVerifier<C, H> verifier(config);
  C channel;
  for (size_t t = 0; t < opening.log_sizes.size(); ++t) {
    verifier.Commit(proof.commitments[t], opening.log_sizes[t], channel);
  }
  return verifier.Verify(opening.points, proof, channel);
}

template <class C, class H>
void CheckRoundTrip(const PcsConfig& config) {
  testing::Rng rng(3);
  Opening opening;
  PcsProof<H> proof = ProveRandomTrees<C, H>(config, opening, rng);
  CHECK_FALSE(VerifyTrees<C, H>(config, opening, proof).has_value());

  PcsProof<H> bad_sample = proof;
  bad_sample.sampled_values[0][1][0] += QM31::One();
  auto error = VerifyTrees<C, H>(config, opening, bad_sample);
  REQUIRE(error.has_value());
  // The samples are mixed before the proof of work and the queries: with pow bits the nonce
  // fails; without, the queries move and the decommitments no longer open them.
  CHECK(error->kind ==
        (config.pow_bits == 0 ? PcsError::Kind::kMerkle : PcsError::Kind::kProofOfWork));

  PcsProof<H> bad_nonce = proof;
  bad_nonce.proof_of_work ^= 1;
  // A changed nonce is rejected by the proof-of-work check or, if it happens to be valid too,
  // by everything drawn after it.
  error = VerifyTrees<C, H>(config, opening, bad_nonce);
  REQUIRE(error.has_value());
  CHECK((error->kind == PcsError::Kind::kProofOfWork || error->kind == PcsError::Kind::kFri ||
         error->kind == PcsError::Kind::kMerkle));

  PcsProof<H> bad_value = proof;
  bad_value.queried_values[1][0] += M31::One();
  error = VerifyTrees<C, H>(config, opening, bad_value);
  REQUIRE(error.has_value());
  CHECK(error->kind == PcsError::Kind::kMerkle);
  CHECK(error->tree == 1);
}

TEST_CASE("PCS opens mixed-size trees (BLAKE2s)") {
  for (uint32_t fold_step : {1u, 3u}) {
    for (uint32_t log_blowup : {1u, 2u}) {
      PcsConfig config{.pow_bits = fold_step == 1 ? 0u : 8u,
                       .fri = {.log_blowup_factor = log_blowup,
                               .log_last_layer_degree_bound = 1,
                               .n_queries = 8,
                               .fold_step = fold_step}};
      CheckRoundTrip<hash::Blake2sChannel, hash::Blake2sMerkleHasher>(config);
    }
  }
}

TEST_CASE("PCS opens mixed-size trees (Poseidon252)") {
  PcsConfig config{.pow_bits = 4,
                   .fri = {.log_blowup_factor = 2,
                           .log_last_layer_degree_bound = 0,
                           .n_queries = 5,
                           .fold_step = 2}};
  CheckRoundTrip<hash::Poseidon252Channel, hash::Poseidon252MerkleHasher>(config);
}

}  // namespace
}  // namespace tensorstark::fri
