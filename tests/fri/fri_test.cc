// FRI prover and verifier end to end: honest proofs of random low-degree columns verify for every
// fold step, blowup, last-layer bound and hash, with both channels ending in the same state;
// tampered proofs and inputs are rejected with their typed error.
#include <doctest/doctest.h>
#include <tbb/global_control.h>

#include <optional>
#include <span>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "circle/circle_poly.h"
#include "circle/coset.h"
#include "circle/line.h"
#include "circle/twiddles.h"
#include "fri/fri_error.h"
#include "fri/fri_prover.h"
#include "fri/fri_schedule.h"
#include "fri/fri_verifier.h"
#include "hash/blake2s_channel.h"
#include "hash/blake2s_merkle_hasher.h"
#include "hash/poseidon252_channel.h"
#include "hash/poseidon252_merkle_hasher.h"
#include "hash/queries.h"
#include "hash_families.h"
#include "test_util.h"

namespace tensorstark::fri {
namespace {

using Kind = FriError::Kind;

using testing::Blake2s;
using testing::Poseidon252;
using testing::Poseidon2M31;
#define FRI_HASHES Blake2s, Poseidon252, Poseidon2M31

constexpr uint32_t kMaxTestLogSize = 15;
constexpr uint64_t kTranscriptPrefix = 0x5eed;  // what the application mixed in before FRI

const circle::TwiddleTree& Twiddles() {
  static const circle::TwiddleTree twiddles =
      circle::TwiddleTree::ForCanonicDomains(kMaxTestLogSize);
  return twiddles;
}

// The evaluation on CanonicCoset(log_size) of 4 random polynomials of log size log_poly_size.
SecureColumn LowDegreeColumn(testing::Rng& rng, uint32_t log_size, uint32_t log_poly_size) {
  const circle::CircleDomain domain = circle::CanonicCoset(log_size).circle_domain();
  SecureColumn column;
  for (std::vector<M31>& coord : column.coords) {
    std::vector<M31> coeffs(size_t{1} << log_poly_size);
    for (M31& c : coeffs) c = rng.M31();
    const circle::CircleEvaluation eval = circle::CirclePoly(coeffs).Evaluate(domain, Twiddles());
    coord.assign(eval.values().begin(), eval.values().end());
  }
  return column;
}

SecureColumn RandomColumn(testing::Rng& rng, uint32_t log_size) {
  SecureColumn column = SecureColumn::Zeros(size_t{1} << log_size);
  for (size_t i = 0; i < column.size(); ++i) column.Set(i, rng.QM31());
  return column;
}

std::vector<SecureColumn> LowDegreeColumns(testing::Rng& rng, const FriConfig& config,
                                           const std::vector<uint32_t>& log_sizes) {
  std::vector<SecureColumn> columns;
  for (uint32_t s : log_sizes) {
    columns.push_back(LowDegreeColumn(rng, s, s - config.log_blowup_factor));
  }
  return columns;
}

// Everything a verifier gets from an honest run: the proof, the queries, the first-layer values
// at the queries, and the prover's next challenge after drawing the queries.
template <class T>
struct ProverRun {
  FriProof<typename T::H> proof;
  std::vector<uint32_t> log_sizes;
  std::vector<size_t> queries;
  std::vector<std::vector<QM31>> evals;
  QM31 next_felt;
};

template <class T>
ProverRun<T> Prove(const FriConfig& config, const std::vector<SecureColumn>& columns,
                   size_t n_queries) {
  typename T::C channel;
  channel.MixU64(kTranscriptPrefix);
  const auto prover = FriProver<typename T::C, typename T::H>::Commit(
      channel, config, std::vector<SecureColumn>(columns));
  ProverRun<T> run;
  run.log_sizes = prover.schedule().column_log_sizes;
  const uint32_t max_log_size = run.log_sizes[0];
  run.queries = hash::DrawQueryPositions(channel, max_log_size, n_queries);
  run.proof = prover.Decommit(run.queries);
  for (size_t i = 0; i < columns.size(); ++i) {
    std::vector<QM31>& evals = run.evals.emplace_back();
    for (size_t p : FoldPositions(run.queries, max_log_size - run.log_sizes[i])) {
      evals.push_back(columns[i].at(p));
    }
  }
  run.next_felt = channel.DrawFelt();
  return run;
}

// Verifies with the given queries (the prover's, so that tampering with the proof does not move
// them); nullopt means accepted.
template <class T>
std::optional<FriError> Verify(const FriConfig& config, const FriProof<typename T::H>& proof,
                               const std::vector<uint32_t>& log_sizes,
                               std::span<const size_t> queries,
                               std::span<const std::vector<QM31>> evals) {
  typename T::C channel;
  channel.MixU64(kTranscriptPrefix);
  auto committed =
      FriVerifier<typename T::C, typename T::H>::Commit(channel, config, proof, log_sizes);
  if (const FriError* error = std::get_if<FriError>(&committed)) return *error;
  return std::get<0>(committed).Decommit(queries, evals, FriOpenings(proof));
}

template <class T>
std::optional<FriError> Verify(const FriConfig& config, const ProverRun<T>& run) {
  return Verify<T>(config, run.proof, run.log_sizes, run.queries, run.evals);
}

}  // namespace

TEST_CASE_TEMPLATE("Honest FRI proofs verify and both channels end equal", T, FRI_HASHES) {
  testing::Rng rng;
  size_t n_runs = 0;
  for (uint32_t fold_step = 1; fold_step <= 4; ++fold_step) {
    for (uint32_t log_blowup = 1; log_blowup <= 3; ++log_blowup) {
      for (uint32_t log_last = 0; log_last <= 2; ++log_last) {
        const FriConfig config{.log_blowup_factor = log_blowup,
                               .log_last_layer_degree_bound = log_last,
                               .n_queries = 6,
                               .fold_step = fold_step};
        const uint32_t min = log_blowup + log_last + 1;
        // 1 to 3 columns; the largest at most 2^12 (min ≤ 6).
        const std::vector<std::vector<uint32_t>> size_sets = {
            {min + 3}, {min + 5, min + 1}, {min + 6, min + 4, min}};
        const std::vector<uint32_t>& log_sizes = size_sets[n_runs++ % size_sets.size()];
        CAPTURE(fold_step);
        CAPTURE(log_blowup);
        CAPTURE(log_last);
        CAPTURE(log_sizes.size());
        const ProverRun<T> run =
            Prove<T>(config, LowDegreeColumns(rng, config, log_sizes), config.n_queries);
        CHECK(run.proof.last_layer_poly.size() == (size_t{1} << log_last));

        typename T::C channel;
        channel.MixU64(kTranscriptPrefix);
        auto committed = FriVerifier<typename T::C, typename T::H>::Commit(channel, config,
                                                                           run.proof, log_sizes);
        REQUIRE(std::holds_alternative<FriVerifier<typename T::C, typename T::H>>(committed));
        const std::vector<size_t> queries =
            hash::DrawQueryPositions(channel, log_sizes[0], config.n_queries);
        CHECK(queries == run.queries);
        const std::optional<FriError> error =
            std::get<0>(committed).Decommit(queries, run.evals, FriOpenings(run.proof));
        CHECK_MESSAGE(!error, (error ? error->ToString() : ""));
        CHECK(channel.DrawFelt() == run.next_felt);
      }
    }
  }
}

TEST_CASE("Every query position opened: no witness needed") {
  testing::Rng rng;
  const FriConfig config{.log_blowup_factor = 1, .log_last_layer_degree_bound = 0, .fold_step = 2};
  const std::vector<uint32_t> log_sizes = {4, 2};
  const std::vector<SecureColumn> columns = LowDegreeColumns(rng, config, log_sizes);
  hash::Blake2sChannel channel;
  channel.MixU64(kTranscriptPrefix);
  const auto prover =
      FriProver<hash::Blake2sChannel, hash::Blake2sMerkleHasher>::Commit(channel, config, columns);
  std::vector<size_t> queries(16);
  for (size_t q = 0; q < 16; ++q) queries[q] = q;
  const FriProof<hash::Blake2sMerkleHasher> proof = prover.Decommit(queries);
  CHECK(proof.first_layer.fri_witness.empty());
  for (const auto& layer : proof.inner_layers) CHECK(layer.fri_witness.empty());
  std::vector<std::vector<QM31>> evals(2);
  for (size_t p = 0; p < 16; ++p) evals[0].push_back(columns[0].at(p));
  for (size_t p = 0; p < 4; ++p) evals[1].push_back(columns[1].at(p));
  CHECK(!Verify<Blake2s>(config, proof, log_sizes, queries, evals));
  // No queries: nothing opened, nothing to check.
  const FriProof<hash::Blake2sMerkleHasher> empty = prover.Decommit({});
  CHECK(!Verify<Blake2s>(config, empty, log_sizes, {}, std::vector<std::vector<QM31>>(2)));
}

TEST_CASE("The prover's proof does not depend on the thread count") {
  testing::Rng rng;
  const FriConfig config{.log_blowup_factor = 1, .log_last_layer_degree_bound = 1, .fold_step = 3};
  // Large enough for the parallel fold and leaf-column paths (chunks of 2^12 pairs).
  const std::vector<SecureColumn> columns =
      LowDegreeColumns(rng, config, std::vector<uint32_t>{15, 12});
  const ProverRun<Blake2s> parallel = Prove<Blake2s>(config, columns, 20);
  tbb::global_control single(tbb::global_control::max_allowed_parallelism, 1);
  const ProverRun<Blake2s> serial = Prove<Blake2s>(config, columns, 20);
  CHECK(serial.proof == parallel.proof);
  CHECK(serial.next_felt == parallel.next_felt);
  CHECK(!Verify<Blake2s>(config, parallel));
}

TEST_CASE_TEMPLATE("A column of too high a degree is rejected", T, FRI_HASHES) {
  testing::Rng rng;
  const FriConfig config{.log_blowup_factor = 1, .log_last_layer_degree_bound = 1, .fold_step = 2};
  const std::vector<uint32_t> log_sizes = {8, 5};
  // Column 0 is a full random evaluation. A prover configured without blowup (and a last layer
  // of the same domain size, so the same schedule) commits to it honestly; the proof is then
  // passed off under the real config.
  const FriConfig cheat{.log_blowup_factor = 0, .log_last_layer_degree_bound = 2, .fold_step = 2};
  const std::vector<SecureColumn> columns = {RandomColumn(rng, 8), LowDegreeColumn(rng, 5, 5 - 1)};
  ProverRun<T> run = Prove<T>(cheat, columns, 8);
  REQUIRE(run.proof.last_layer_poly.size() == 4);
  const std::optional<FriError> too_long = Verify<T>(config, run);
  REQUIRE(too_long);
  CHECK(too_long->kind == Kind::kLastLayerDegreeTooHigh);
  // Cutting the last layer down to the allowed degree makes it disagree with the folded values.
  std::vector<QM31> coeffs = circle::LinePoly(run.proof.last_layer_poly).OrderedCoefficients();
  REQUIRE(!coeffs[2].IsZero());
  coeffs.resize(2);
  const circle::LinePoly truncated = circle::LinePoly::FromOrderedCoefficients(coeffs);
  run.proof.last_layer_poly.assign(truncated.coeffs().begin(), truncated.coeffs().end());
  const std::optional<FriError> error = Verify<T>(config, run);
  REQUIRE(error);
  CHECK(error->kind == Kind::kLastLayerMismatch);
  CHECK(error->layer == run.proof.inner_layers.size() + 1);
}

TEST_CASE_TEMPLATE("Tampered proofs are rejected with their error", T, FRI_HASHES) {
  testing::Rng rng;
  const FriConfig config{.log_blowup_factor = 1, .log_last_layer_degree_bound = 1, .fold_step = 2};
  // Schedule: line sizes 8 → 6 → 5 (column 1) → 3 → 2 (column 2).
  const std::vector<uint32_t> log_sizes = {9, 6, 3};
  const ProverRun<T> honest = Prove<T>(config, LowDegreeColumns(rng, config, log_sizes), 6);
  REQUIRE(!Verify<T>(config, honest));
  REQUIRE(honest.proof.inner_layers.size() == 4);
  const size_t last = honest.proof.inner_layers.size() + 1;

  auto expect = [&](const ProverRun<T>& run, Kind kind, size_t layer) {
    const std::optional<FriError> error = Verify<T>(config, run);
    REQUIRE(error);
    CHECK_MESSAGE(error->kind == kind, error->ToString());
    CHECK(error->layer == layer);
  };
  // Layer 0 is the first layer, layer k the inner layer k - 1.
  auto layer_proof = [](auto& run, size_t layer) -> auto& {
    return layer == 0 ? run.proof.first_layer : run.proof.inner_layers[layer - 1];
  };

  for (size_t layer = 0; layer <= 4; ++layer) {
    CAPTURE(layer);
    REQUIRE(!layer_proof(honest, layer).fri_witness.empty());
    ProverRun<T> run = honest;
    layer_proof(run, layer).fri_witness.back() += QM31::One();  // a flipped witness value
    expect(run, Kind::kMerkleFailed, layer);
    run = honest;
    layer_proof(run, layer).fri_witness.pop_back();
    expect(run, Kind::kWitnessTooShort, layer);
    run = honest;
    layer_proof(run, layer).fri_witness.push_back(QM31::One());
    expect(run, Kind::kWitnessTooLong, layer);
    run = honest;
    // The smallest layer's openings may cover its whole tree below the root.
    if (!layer_proof(run, layer).decommitment.hash_witness.empty()) {
      layer_proof(run, layer).decommitment.hash_witness.pop_back();
      expect(run, Kind::kMerkleFailed, layer);
    }
    run = honest;
    layer_proof(run, layer).commitment = layer_proof(honest, (layer + 1) % 5).commitment;
    expect(run, Kind::kMerkleFailed, layer);
  }
  {  // wrong first-layer evaluation
    for (size_t column = 0; column < 3; ++column) {
      ProverRun<T> run = honest;
      run.evals[column][0] += QM31::One();
      expect(run, Kind::kMerkleFailed, 0);
    }
  }
  {  // extra inner layer
    ProverRun<T> run = honest;
    run.proof.inner_layers.push_back(run.proof.inner_layers.back());
    expect(run, Kind::kInvalidNumLayers, 0);
  }
  {  // missing inner layer
    ProverRun<T> run = honest;
    run.proof.inner_layers.pop_back();
    expect(run, Kind::kInvalidNumLayers, 0);
  }
  {  // last layer too long
    ProverRun<T> run = honest;
    run.proof.last_layer_poly.push_back(QM31::Zero());
    expect(run, Kind::kLastLayerDegreeTooHigh, last);
  }
  {  // empty last layer
    ProverRun<T> run = honest;
    run.proof.last_layer_poly.clear();
    expect(run, Kind::kLastLayerNotPowerOfTwo, last);
  }
  {  // changed last-layer coefficient
    ProverRun<T> run = honest;
    run.proof.last_layer_poly[1] += QM31::One();
    expect(run, Kind::kLastLayerMismatch, last);
  }
  {  // wrong number of first-layer evaluations
    ProverRun<T> run = honest;
    run.evals.pop_back();
    expect(run, Kind::kWrongNumberOfEvals, 0);
    run = honest;
    run.evals[1].push_back(QM31::One());
    expect(run, Kind::kWrongNumberOfEvals, 0);
    run = honest;
    run.evals[2].pop_back();
    expect(run, Kind::kWrongNumberOfEvals, 0);
  }
  {  // queries out of range, unsorted or repeated
    ProverRun<T> run = honest;
    run.queries.back() = size_t{1} << 9;
    expect(run, Kind::kInvalidQueries, 0);
    run = honest;
    std::swap(run.queries[0], run.queries[1]);
    expect(run, Kind::kInvalidQueries, 0);
    run = honest;
    run.queries[1] = run.queries[0];
    expect(run, Kind::kInvalidQueries, 0);
  }
  {  // invalid config or column log sizes
    FriConfig bad = config;
    bad.fold_step = 0;
    std::optional<FriError> error =
        Verify<T>(bad, honest.proof, honest.log_sizes, honest.queries, honest.evals);
    REQUIRE(error);
    CHECK(error->kind == Kind::kInvalidConfig);
    bad = config;
    bad.log_blowup_factor = 0;
    error = Verify<T>(bad, honest.proof, honest.log_sizes, honest.queries, honest.evals);
    REQUIRE(error);
    CHECK(error->kind == Kind::kInvalidConfig);
    for (const std::vector<uint32_t>& log_sizes :
         {std::vector<uint32_t>{}, std::vector<uint32_t>{9, 9}, std::vector<uint32_t>{9, 6, 2},
          std::vector<uint32_t>{31}}) {
      error = Verify<T>(config, honest.proof, log_sizes, honest.queries, honest.evals);
      REQUIRE(error);
      CHECK(error->kind == Kind::kInvalidColumnLogSizes);
    }
  }
}

// Structurally random proofs (witnesses and decommitments of random lengths and contents) must
// give typed errors, never a crash.
TEST_CASE("Garbage proofs are rejected without crashing") {
  testing::Rng rng;
  const FriConfig config{.log_blowup_factor = 1, .log_last_layer_degree_bound = 1, .fold_step = 3};
  const std::vector<uint32_t> log_sizes = {8, 5};
  const ProverRun<Blake2s> honest =
      Prove<Blake2s>(config, LowDegreeColumns(rng, config, log_sizes), 5);
  auto scramble = [&](std::vector<QM31>& values) {
    values.resize(rng.U32() % (2 * values.size() + 2));
    for (QM31& v : values) {
      if (rng.U32() % 4 == 0) v = rng.QM31();
    }
  };
  for (int trial = 0; trial < 200; ++trial) {
    ProverRun<Blake2s> run = honest;
    std::vector<FriLayerProof<hash::Blake2sMerkleHasher>*> layers = {&run.proof.first_layer};
    for (auto& layer : run.proof.inner_layers) layers.push_back(&layer);
    for (auto* layer : layers) {
      if (rng.U32() % 2) scramble(layer->fri_witness);
      if (rng.U32() % 4 == 0) {
        auto& hashes = layer->decommitment.hash_witness;
        hashes.resize(rng.U32() % (hashes.size() + 2));
      }
      if (rng.U32() % 4 == 0) {
        auto& values = layer->decommitment.column_witness;
        values.resize(rng.U32() % (values.size() + 9));
      }
    }
    for (std::vector<QM31>& evals : run.evals) {
      if (rng.U32() % 8 == 0) scramble(evals);
    }
    if (rng.U32() % 8 == 0) scramble(run.proof.last_layer_poly);
    if (run.proof == honest.proof && run.evals == honest.evals) continue;
    CHECK(Verify<Blake2s>(config, run).has_value());
  }
}

TEST_CASE("FriError messages are one line and name the layer") {
  const FriError merkle{Kind::kMerkleFailed, 2, hash::MerkleError::kRootMismatch};
  CHECK(merkle.ToString() == "FRI layer 2: Merkle decommitment failed: Merkle root mismatch");
  CHECK(FriError{Kind::kWitnessTooShort, 0}.ToString() == "FRI layer 0: FRI witness too short");
  CHECK(FriError{Kind::kInvalidNumLayers}.ToString() == "wrong number of FRI inner layers");
  for (Kind kind : {Kind::kInvalidConfig, Kind::kInvalidColumnLogSizes, Kind::kInvalidNumLayers,
                    Kind::kLastLayerDegreeTooHigh, Kind::kLastLayerNotPowerOfTwo,
                    Kind::kInvalidQueries, Kind::kWrongNumberOfEvals, Kind::kWitnessTooShort,
                    Kind::kWitnessTooLong, Kind::kMerkleFailed, Kind::kLastLayerMismatch}) {
    const std::string message = FriError{kind, 1}.ToString();
    CHECK(!message.empty());
    CHECK(message.find('\n') == std::string::npos);
  }
}

}  // namespace tensorstark::fri
