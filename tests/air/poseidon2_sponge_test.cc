// A committed tensor's digest: the sponge component's trace states hash::Poseidon2SpongeDigest of
// the values, its proof verifies against public LogUp terms that yield those values (with and
// without zero knowledge), and a wrong stated digest or other values are rejected.
#include "air/poseidon2_sponge.h"

#include <doctest/doctest.h>

#include <vector>

#include "air/framework.h"
#include "air/mask_index.h"
#include "air/profiles.h"
#include "air/prover.h"
#include "air/setup.h"
#include "air/verifier.h"
#include "hash/blake2s_channel.h"
#include "hash/blake2s_merkle_hasher.h"
#include "test_util.h"

namespace tensorstark::air {
namespace {

using C = hash::Blake2sChannel;
using H = hash::Blake2sMerkleHasher;
using field::M31;

struct Tensor {
  std::vector<M31> addresses, values;
};

Tensor RandomTensor(size_t n) {
  testing::Rng rng(n);
  Tensor t;
  for (size_t i = 0; i < n; ++i) {
    t.addresses.push_back(M31::FromCanonical(static_cast<uint32_t>(1000 + 3 * i)));
    t.values.push_back(rng.M31());
  }
  return t;
}

// The values as the rest of a model's AIR would yield them: one public term each.
std::vector<PublicLogupTerm> Yielded(const Tensor& t) {
  std::vector<PublicLogupTerm> terms;
  for (size_t i = 0; i < t.values.size(); ++i) {
    terms.push_back({TensorRelation().name, {t.addresses[i], t.values[i]}, -M31::One()});
  }
  return terms;
}

TEST_CASE("the sponge's trace states the tensor's Poseidon2 digest") {
  for (size_t n : {1, 5, 128, 129, 300}) {
    const Tensor t = RandomTensor(n);
    CHECK(MakePoseidon2SpongeTrace(t.values).digest == hash::Poseidon2SpongeDigest(t.values));
  }
  // The length is absorbed: zero values do not collide with padding.
  const std::vector<M31> zeros(3);
  CHECK(hash::Poseidon2SpongeDigest(std::span(zeros).first(1)) !=
        hash::Poseidon2SpongeDigest(std::span(zeros).first(2)));
  CHECK(hash::Poseidon2SpongeLogBlocks(128) == 4);
  CHECK(hash::Poseidon2SpongeLogBlocks(129) == 5);
}

TEST_CASE("a committed tensor's digest is proved, with and without zero knowledge") {
  const Tensor t = RandomTensor(150);
  const Tensor other = [&] {
    Tensor o = t;
    o.values[17] += M31::One();
    return o;
  }();
  const FrameworkComponent<Poseidon2TensorSponge> sponge{
      Poseidon2TensorSponge("commit_input", t.addresses, /*first_data_column=*/0,
                            /*digest_public_input=*/size_t{0})};
  const std::vector<const Component*> components = {&sponge};
  const Poseidon2SpongeTrace trace = MakePoseidon2SpongeTrace(t.values);
  const std::vector<M31> digest(trace.digest.begin(), trace.digest.end());
  ProofConfig config = ProfileConfig(Profile::kTest);
  for (const bool zk : {false, true}) {
    CAPTURE(zk);
    config.zk = zk;
    auto key = Setup<H>(components, config);
    REQUIRE(std::holds_alternative<VerifyingKey<H>>(key));
    auto prove = [&](std::vector<M31> stated, bool check_constraints) {
      auto proof = Prove<C, H>(config, components, {trace.columns}, std::move(stated),
                               {.check_constraints = check_constraints});
      REQUIRE(std::holds_alternative<StarkProof<H>>(proof));
      return std::get<StarkProof<H>>(std::move(proof));
    };
    const StarkProof<H> proof = prove(digest, true);
    const auto error =
        Verify<C, H>(components, proof, std::get<VerifyingKey<H>>(key), 0, Yielded(t));
    CHECK_MESSAGE(!error, (error ? ToString(*error) : ""));
    // The digest is bound to the values the rest of the AIR uses: other values do not balance.
    const auto other_values =
        Verify<C, H>(components, proof, std::get<VerifyingKey<H>>(key), 0, Yielded(other));
    REQUIRE(other_values.has_value());
    CHECK(other_values->kind == VerificationError::Kind::kClaimedSumsNotZero);
    // A stated digest that is not the values' breaks row 0's check.
    std::vector<M31> wrong = digest;
    wrong[3] += M31::One();
    const auto wrong_digest = Verify<C, H>(components, prove(wrong, false),
                                           std::get<VerifyingKey<H>>(key), 0, Yielded(t));
    REQUIRE(wrong_digest.has_value());
    CHECK(wrong_digest->kind == VerificationError::Kind::kOodsMismatch);
  }
}

// A sponge that yields its values (the private weights'): the rest of the AIR reads value i
// reads[i] times (here, public terms), and other values do not balance.
TEST_CASE("a sponge yielding its values proves their digest and their reads") {
  const Tensor t = RandomTensor(150);
  std::vector<int64_t> reads;
  for (size_t i = 0; i < t.values.size(); ++i) reads.push_back(static_cast<int64_t>(i % 3));
  const auto read = [&](const std::vector<M31>& values) {
    std::vector<PublicLogupTerm> terms;
    for (size_t i = 0; i < values.size(); ++i) {
      terms.push_back({TensorRelation().name,
                       {t.addresses[i], values[i]},
                       M31::FromCanonical(static_cast<uint32_t>(reads[i]))});
    }
    return terms;
  };
  const FrameworkComponent<Poseidon2TensorSponge> sponge{
      Poseidon2TensorSponge("weights_digest", t.addresses, 0, size_t{0}, reads)};
  const std::vector<const Component*> components = {&sponge};
  const Poseidon2SpongeTrace trace = MakePoseidon2SpongeTrace(t.values);
  ProofConfig config = ProfileConfig(Profile::kTest);
  config.zk = true;
  auto key = Setup<H>(components, config);
  REQUIRE(std::holds_alternative<VerifyingKey<H>>(key));
  auto proof = Prove<C, H>(config, components, {trace.columns},
                           std::vector<M31>(trace.digest.begin(), trace.digest.end()));
  REQUIRE(std::holds_alternative<StarkProof<H>>(proof));
  const auto& stark = std::get<StarkProof<H>>(proof);
  const auto error =
      Verify<C, H>(components, stark, std::get<VerifyingKey<H>>(key), 0, read(t.values));
  CHECK_MESSAGE(!error, (error ? ToString(*error) : ""));
  std::vector<M31> other = t.values;
  other[4] += M31::One();  // read once
  const auto rejected =
      Verify<C, H>(components, stark, std::get<VerifyingKey<H>>(key), 0, read(other));
  REQUIRE(rejected.has_value());
  CHECK(rejected->kind == VerificationError::Kind::kClaimedSumsNotZero);
}

// Row 5's input state changed on a capacity lane, with the row's permutation columns recomputed
// from it: every constraint of that row holds but the chaining from row 4's output. The prover's
// check names row 5, and the verifier rejects the proof.
TEST_CASE("a row's input state is bound to the previous row's output on every lane") {
  const Tensor t = RandomTensor(150);
  const FrameworkComponent<Poseidon2TensorSponge> sponge{
      Poseidon2TensorSponge("commit_input", t.addresses, 0, size_t{0})};
  const std::vector<const Component*> components = {&sponge};
  Poseidon2SpongeTrace trace = MakePoseidon2SpongeTrace(t.values);
  const size_t row = 5, lane = 12;
  const size_t at = CosetRowToStorageIndex(row, sponge.log_size());
  // Main columns: the 8 values, the 16 lanes of the input state, the permutation's.
  constexpr size_t kInput = hash::kPoseidon2Rate, kPermutation = kInput + hash::kPoseidon2Width;
  hash::Poseidon2State input;
  for (size_t i = 0; i < input.size(); ++i) input[i] = trace.columns[kInput + i][at];
  input[lane] += M31::One();
  trace.columns[kInput + lane][at] = input[lane];
  std::vector<M31> permutation(kPoseidon2PermutationColumns);
  WritePoseidon2PermutationRow(input, permutation);
  for (size_t c = 0; c < permutation.size(); ++c) {
    trace.columns[kPermutation + c][at] = permutation[c];
  }

  const ProofConfig config = ProfileConfig(Profile::kTest);
  auto key = Setup<H>(components, config);
  REQUIRE(std::holds_alternative<VerifyingKey<H>>(key));
  const std::vector<M31> digest(trace.digest.begin(), trace.digest.end());
  const auto checked = Prove<C, H>(config, components, {trace.columns}, digest);
  REQUIRE(std::holds_alternative<ProvingError>(checked));
  const ProvingError& error = std::get<ProvingError>(checked);
  CHECK(error.kind == ProvingError::Kind::kConstraintsNotSatisfied);
  REQUIRE(error.failure.has_value());
  CHECK(error.failure->row == row);
  auto proof =
      Prove<C, H>(config, components, {trace.columns}, digest, {.check_constraints = false});
  REQUIRE(std::holds_alternative<StarkProof<H>>(proof));
  const auto rejected = Verify<C, H>(components, std::get<StarkProof<H>>(proof),
                                     std::get<VerifyingKey<H>>(key), 0, Yielded(t));
  REQUIRE(rejected.has_value());
  CHECK(rejected->kind == VerificationError::Kind::kOodsMismatch);
}

}  // namespace
}  // namespace tensorstark::air
