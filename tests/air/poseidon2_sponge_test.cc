// A committed tensor's digest: the sponge component's trace states hash::Poseidon2SpongeDigest of
// the values, its proof verifies against public LogUp terms that yield those values (with and
// without zero knowledge), and a wrong stated digest or other values are rejected.
#include "air/poseidon2_sponge.h"

#include <doctest/doctest.h>

#include <stdexcept>
#include <vector>

#include "air/framework.h"
#include "air/mask_index.h"
#include "air/profiles.h"
#include "air/prover.h"
#include "air/setup.h"
#include "air/verifier.h"
#include "air/weight_packing.h"
#include "air/weight_part_table.h"
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

// Private weights as a model's AIR holds them: two operators' weights of 10 bits (both ends of
// the range among them) packed three to a word, a bias between them a word of its own.
struct Weights {
  std::vector<M31> addresses;
  std::vector<int64_t> values, reads;
  std::vector<bool> packable;
  std::vector<WeightWord> words;
  static constexpr uint32_t kBits = 10;
};

Weights RandomWeights() {
  testing::Rng rng(7);
  Weights w;
  const auto add = [&](int64_t value, bool packable) {
    w.addresses.push_back(M31::FromCanonical(static_cast<uint32_t>(5000 + 2 * w.values.size())));
    w.values.push_back(value);
    w.reads.push_back(static_cast<int64_t>(w.values.size() % 3));
    w.packable.push_back(packable);
  };
  for (int i = 0; i < 100; ++i) add(static_cast<int64_t>(rng.U32() % 1025) - 512, true);
  w.values[7] = 512;
  w.values[8] = -512;
  for (int i = 0; i < 5; ++i) add(static_cast<int64_t>(rng.U32() % (1 << 24)) - (1 << 23), false);
  for (int i = 0; i < 37; ++i) add(static_cast<int64_t>(rng.U32() % 1025) - 512, true);
  w.words = PackWeightWords(w.packable);
  return w;
}

// The rest of a model's AIR reading weight i reads[i] times (here, public terms).
std::vector<PublicLogupTerm> Reads(const Weights& w, std::span<const int64_t> values) {
  std::vector<PublicLogupTerm> terms;
  for (size_t i = 0; i < values.size(); ++i) {
    terms.push_back({TensorRelation().name,
                     {w.addresses[i], M31::FromSigned(values[i])},
                     M31::FromCanonical(static_cast<uint32_t>(w.reads[i]))});
  }
  return terms;
}

TEST_CASE("private weights are packed three to a word, biases one") {
  const Weights w = RandomWeights();
  // 100 weights: 34 words; the bias: 5; 37 weights: 13.
  REQUIRE(w.words.size() == 34 + 5 + 13);
  CHECK(w.words[33].packed);
  CHECK(w.words[33].index == std::array<int64_t, 3>{99, -1, -1});
  CHECK(!w.words[34].packed);
  CHECK(w.words[34].index == std::array<int64_t, 3>{100, -1, -1});
  CHECK(w.words[39].index == std::array<int64_t, 3>{105, 106, 107});
  const std::vector<M31> words = WeightWordValues(w.words, w.values, Weights::kBits);
  // Word 2 holds weights 6, 7 (512) and 8 (-512): parts v + 512 in base 1025.
  CHECK(words[2].value() == (w.values[6] + 512) + 1024 * 1025 + 0);
  CHECK(words[34] == M31::FromSigned(w.values[100]));
  CHECK(words[33].value() == (w.values[99] + 512) + 512 * 1025 + 512 * 1025 * 1025);
  std::vector<int64_t> too_wide = w.values;
  too_wide[3] = 513;
  CHECK_THROWS_AS(WeightWordValues(w.words, too_wide, Weights::kBits), std::out_of_range);
}

// The sponge yields the weights with their reads and proves the digest of their words; the reads
// of other values do not balance, and neither do parts outside [0, 1025) that make the same word.
TEST_CASE("a sponge yielding packed weights proves their digest and their reads") {
  const Weights w = RandomWeights();
  const Poseidon2TensorSponge::Yielded yielded{w.addresses, w.reads, w.words, Weights::kBits};
  const FrameworkComponent<Poseidon2TensorSponge> sponge{
      Poseidon2TensorSponge("weights_digest", yielded, 0, size_t{0})};
  const FrameworkComponent<WeightPartTable> table{WeightPartTable(
      "weight_part_table", Weights::kBits,
      Poseidon2TensorSponge::DataColumns(Poseidon2TensorSponge::Absorb::kYield))};
  const std::vector<const Component*> components = {&sponge, &table};
  const auto prove = [&](std::span<const int64_t> values, const std::vector<M31>& part_counts,
                         bool check) {
    // The words are always the weights': another decomposition changes only the places.
    const std::vector<WeightWordPlaces> places = WeightWordEntries(w.words, values);
    const std::vector<M31> words = WeightWordValues(w.words, w.values, Weights::kBits);
    const Poseidon2SpongeTrace trace = MakePoseidon2SpongeTrace(words, places);
    ProofConfig config = ProfileConfig(Profile::kTest);
    config.zk = true;
    auto proof = Prove<C, H>(config, components,
                             {trace.columns, {part_counts}},
                             std::vector<M31>(trace.digest.begin(), trace.digest.end()),
                             {.check_constraints = check});
    REQUIRE(std::holds_alternative<StarkProof<H>>(proof));
    return std::get<StarkProof<H>>(std::move(proof));
  };
  ProofConfig config = ProfileConfig(Profile::kTest);
  config.zk = true;
  auto key = Setup<H>(components, config);
  REQUIRE(std::holds_alternative<VerifyingKey<H>>(key));
  const auto& vk = std::get<VerifyingKey<H>>(key);
  const std::vector<M31> counts = WeightPartCounts(w.words, w.values, Weights::kBits);
  const auto honest = prove(w.values, counts, true);
  const auto error = Verify<C, H>(components, honest, vk, 0, Reads(w, w.values));
  CHECK_MESSAGE(!error, (error ? ToString(*error) : ""));

  std::vector<int64_t> other = w.values;
  other[4] += 1;  // read once
  const auto rejected = Verify<C, H>(components, honest, vk, 0, Reads(w, other));
  REQUIRE(rejected.has_value());
  CHECK(rejected->kind == VerificationError::Kind::kClaimedSumsNotZero);

  // Weight 0 + 1025 and weight 1 - 1 make the same word. The cheating prover counts every part
  // it looks up that the table holds (weight 1's new part); weight 0's new part it cannot.
  std::vector<int64_t> decomposed = w.values;
  decomposed[0] += 1025;
  decomposed[1] -= 1;
  REQUIRE(decomposed[1] + 512 >= 0);
  std::vector<M31> cheating_counts = counts;
  const auto count = [&](int64_t part, M31 delta) {
    M31& c = cheating_counts[CosetRowToStorageIndex(static_cast<size_t>(part), Weights::kBits + 1)];
    c = c + delta;
  };
  count(w.values[0] + 512, -M31::One());
  count(w.values[1] + 512, -M31::One());
  count(decomposed[1] + 512, M31::One());
  const auto out_of_range =
      Verify<C, H>(components, prove(decomposed, cheating_counts, false), vk, 0,
                   Reads(w, decomposed));
  REQUIRE(out_of_range.has_value());
  CHECK(out_of_range->kind == VerificationError::Kind::kClaimedSumsNotZero);
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
  // Main columns (reading): the 8 words, the 16 lanes of the input state, the permutation's.
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
