#include "hash/poseidon252.h"

#include <doctest/doctest.h>

#include <boost/multiprecision/cpp_int.hpp>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "test_util.h"

namespace tensorstark::hash {
namespace {

using field::Felt252;
using nlohmann::json;

// Vectors from @scure/starknet and from Cairo's core::poseidon (scripts/gen_poseidon_vectors.mjs).
const json& Vectors() {
  static const json vectors = [] {
    std::ifstream in(std::string(TENSORSTARK_TEST_VECTORS) + "/poseidon252.json");
    REQUIRE(in.good());
    return json::parse(in);
  }();
  return vectors;
}

Felt252 Parse(const json& hex) {
  std::optional<Felt252> v = Felt252::FromHex(hex.get<std::string>());
  REQUIRE(v.has_value());
  return *v;
}

constexpr const char* kSources[] = {"scure", "cairo"};

Felt252 RandomFelt(testing::Rng& rng) {
  // The top limb stays below p's (2^59 + 17), so every value is below p.
  return Felt252::FromLimbs({rng.U64(), rng.U64(), rng.U64(), rng.U64() >> 5});
}

PoseidonState RandomState(testing::Rng& rng) {
  return {RandomFelt(rng), RandomFelt(rng), RandomFelt(rng)};
}

TEST_CASE("Poseidon252 vectors: PoseidonHash") {
  REQUIRE(Vectors()["hash"].size() >= 20);
  for (const json& v : Vectors()["hash"]) {
    Felt252 h = PoseidonHash(Parse(v["a"]), Parse(v["b"]));
    for (const char* source : kSources) CHECK(h == Parse(v[source]));
  }
}

TEST_CASE("Poseidon252 vectors: PoseidonHashSingle") {
  REQUIRE(Vectors()["hash_single"].size() >= 10);
  for (const json& v : Vectors()["hash_single"]) {
    Felt252 h = PoseidonHashSingle(Parse(v["x"]));
    for (const char* source : kSources) CHECK(h == Parse(v[source]));
  }
}

TEST_CASE("Poseidon252 vectors: PoseidonHashMany") {
  REQUIRE(Vectors()["hash_many"].size() >= 11);
  for (const json& v : Vectors()["hash_many"]) {
    std::vector<Felt252> values;
    for (const json& x : v["values"]) values.push_back(Parse(x));
    Felt252 h = PoseidonHashMany(values);
    for (const char* source : kSources) CHECK(h == Parse(v[source]));
  }
}

TEST_CASE("Poseidon252 vectors: HadesPermutation and HadesPermutationBatch") {
  REQUIRE(Vectors()["hades"].size() >= 4);
  std::vector<PoseidonState> batch;
  for (const json& v : Vectors()["hades"]) {
    PoseidonState s = {Parse(v["input"][0]), Parse(v["input"][1]), Parse(v["input"][2])};
    batch.push_back(s);
    HadesPermutation(s);
    for (const char* source : kSources) {
      for (int j = 0; j < 3; ++j) CHECK(s[j] == Parse(v[source][j]));
    }
  }
  // Repeat the vectors past one full vector width so that the batched kernel sees them.
  const size_t n_vectors = batch.size();
  for (int k = 0; k < 3; ++k) batch.insert(batch.end(), batch.begin(), batch.begin() + n_vectors);
  HadesPermutationBatch(batch);
  for (size_t i = 0; i < batch.size(); ++i) {
    const json& v = Vectors()["hades"][i % n_vectors];
    for (int j = 0; j < 3; ++j) CHECK(batch[i][j] == Parse(v["scure"][j]));
  }
}

TEST_CASE("HadesPermutationBatch equals HadesPermutation on random states") {
  testing::Rng rng(0x4ade5);
  const Felt252 kMinusOne = Felt252::Zero() - Felt252::One();
  for (size_t n : {0, 1, 3, 7, 8, 9, 16, 23, 40}) {
    std::vector<PoseidonState> states(n);
    for (PoseidonState& s : states) s = RandomState(rng);
    if (n > 2) states[1] = {kMinusOne, kMinusOne, kMinusOne};
    if (n > 3) states[2] = {Felt252::Zero(), Felt252::Zero(), Felt252::Zero()};
    std::vector<PoseidonState> expected = states;
    for (PoseidonState& s : expected) HadesPermutation(s);
    HadesPermutationBatch(states);
    for (size_t i = 0; i < n; ++i) CHECK(states[i] == expected[i]);
  }
}

TEST_CASE("PoseidonHashManyBatch equals PoseidonHashMany") {
  testing::Rng rng(0xba7c4);
  for (size_t n_per_hash = 0; n_per_hash <= 9; ++n_per_hash) {
    for (size_t n_hashes : {0, 1, 5, 8, 13}) {
      std::vector<Felt252> inputs(n_per_hash * n_hashes);
      for (Felt252& x : inputs) x = RandomFelt(rng);
      std::vector<Felt252> out(n_hashes);
      PoseidonHashManyBatch(inputs, n_per_hash, out);
      for (size_t h = 0; h < n_hashes; ++h) {
        std::span<const Felt252> row(inputs.data() + h * n_per_hash, n_per_hash);
        CHECK(out[h] == PoseidonHashMany(row));
      }
    }
  }
}

TEST_CASE("PoseidonHash and PoseidonHashSingle are the permutation with their capacity") {
  testing::Rng rng(0x2);
  Felt252 a = RandomFelt(rng), b = RandomFelt(rng);
  PoseidonState s = {a, b, Felt252::FromU64(2)};
  HadesPermutation(s);
  CHECK(PoseidonHash(a, b) == s[0]);
  s = {a, Felt252::Zero(), Felt252::One()};
  HadesPermutation(s);
  CHECK(PoseidonHashSingle(a) == s[0]);
  CHECK(PoseidonHash(a, b) != PoseidonHash(b, a));
}

TEST_CASE("PackM31s is big-endian base 2^31") {
  using boost::multiprecision::cpp_int;
  testing::Rng rng(0x31);
  for (size_t k = 0; k <= 8; ++k) {
    for (int trial = 0; trial < 20; ++trial) {
      std::vector<field::M31> values(k);
      cpp_int expected = 0;
      for (size_t i = 0; i < k; ++i) {
        values[i] = trial == 0 ? field::M31::FromCanonical(field::kP - 1) : rng.M31();
        expected = (expected << 31) + values[i].value();
      }
      Felt252::Limbs limbs = PackM31s(values).ToLimbs();
      cpp_int got = 0;
      for (int l = 3; l >= 0; --l) got = (got << 64) | limbs[l];
      CHECK(got == expected);
    }
  }
  CHECK(PackM31s({}) == Felt252::Zero());
}

}  // namespace
}  // namespace tensorstark::hash
