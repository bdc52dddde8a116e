#include "air/proof_io.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>
#include <new>
#include <string>
#include <variant>
#include <vector>

#include "air/proof_json.h"
#include "air/random_proof.h"
#include "field/felt252.h"
#include "test_util.h"

#define PROOF_HASHERS \
  hash::Blake2sMerkleHasher, hash::Poseidon252MerkleHasher, hash::Poseidon2M31MerkleHasher

namespace tensorstark::air {
namespace {

using testing::RandomProofBuilder;
using testing::Rng;

constexpr size_t kConfigOffset = 9;         // after magic, version and hash id
constexpr size_t kPublicInputsOffset = 33;  // after the six config words
constexpr size_t kHashIdOffset = 8;

template <hash::MerkleHasher H>
StarkProof<H> RandomProof(uint64_t seed, uint32_t max_len) {
  Rng rng(seed);
  return RandomProofBuilder<H>(rng, max_len).Build();
}

void PutU32(std::vector<uint8_t>& bytes, size_t offset, uint32_t v) {
  for (size_t i = 0; i < 4; ++i) bytes[offset + i] = static_cast<uint8_t>(v >> (8 * i));
}

template <hash::MerkleHasher H>
ProofParseError ParseError(const std::vector<uint8_t>& bytes) {
  auto result = ParseProof<H>(bytes);
  REQUIRE(std::holds_alternative<ProofParseError>(result));
  return std::get<ProofParseError>(result);
}

bool Contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

TEST_CASE_TEMPLATE("random proofs round-trip through their canonical bytes", H, PROOF_HASHERS) {
  for (uint32_t max_len : {0u, 1u, 2u, 5u, 12u}) {
    for (uint64_t seed = 0; seed < 6; ++seed) {
      const StarkProof<H> proof = RandomProof<H>(seed * 100 + max_len, max_len);
      const std::vector<uint8_t> bytes = SerializeProof(proof);
      auto parsed = ParseProof<H>(bytes);
      REQUIRE(std::holds_alternative<StarkProof<H>>(parsed));
      CHECK(std::get<StarkProof<H>>(parsed) == proof);
      CHECK(SerializeProof(std::get<StarkProof<H>>(parsed)) == bytes);
      CHECK(SizeBreakdown(proof).Total() == bytes.size());
      auto id = PeekProofHash(bytes);
      REQUIRE(std::holds_alternative<HashId>(id));
      CHECK(std::get<HashId>(id) == ProofHashTraits<H>::kId);
    }
  }
}

// Pins the layout: a change here is a format change and needs a new version number.
TEST_CASE("a small blake2s proof has the documented bytes") {
  StarkProof<hash::Blake2sMerkleHasher> proof;
  proof.config.pcs = {.pow_bits = 10,
                      .fri = {.log_blowup_factor = 2,
                              .log_last_layer_degree_bound = 0,
                              .n_queries = 3,
                              .fold_step = 1}};
  proof.config.interaction_pow_bits = 7;
  proof.pcs.config = proof.config.pcs;
  proof.public_inputs = {M31::FromCanonical(0x01020304)};
  proof.interaction_pow_nonce = 0x1122334455667788;
  proof.pcs.commitments = {hash::Blake2sHash{}};
  proof.pcs.commitments[0].bytes[0] = 0xab;
  proof.pcs.fri_proof.last_layer_poly = {QM31::FromU32(1, 2, 3, 4)};

  // clang-format off
  std::vector<uint8_t> expected = {'T', 'S', 'P', 'F', 4, 0, 0, 0, 0,  // header
                                   10, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0,  // config
                                   3, 0, 0, 0, 1, 0, 0, 0, 7, 0, 0, 0,
                                   1, 0, 0, 0, 4, 3, 2, 1,                          // public inputs
                                   0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11,  // nonce
                                   0, 0, 0, 0,                                      // claimed sums
                                   1, 0, 0, 0, 0xab};                               // commitments
  expected.resize(expected.size() + 31);
  const std::vector<uint8_t> rest = {
      0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  // sampled values, decommitments, queried values
      0, 0, 0, 0, 0, 0, 0, 0,              // proof of work
      0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,  // first layer: fri witness, decommitment
  };
  expected.insert(expected.end(), rest.begin(), rest.end());
  expected.resize(expected.size() + 32);  // first layer commitment
  const std::vector<uint8_t> tail = {0, 0, 0, 0,  // inner layers
                                     1, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4, 0, 0, 0};
  expected.insert(expected.end(), tail.begin(), tail.end());
  // clang-format on
  CHECK(SerializeProof(proof) == expected);

  const ProofSizeBreakdown b = SizeBreakdown(proof);
  CHECK(b.header_and_config == 33);
  CHECK(b.public_inputs == 8);
  CHECK(b.nonces == 16);
  CHECK(b.claimed_sums == 4);
  CHECK(b.commitments == 36);
  CHECK(b.fri_commitments == 36);
  CHECK(b.last_layer == 20);
  CHECK(b.Total() == expected.size());
}

TEST_CASE_TEMPLATE("every truncation of a valid encoding is rejected", H, PROOF_HASHERS) {
  const std::vector<uint8_t> bytes = SerializeProof(RandomProof<H>(7, 3));
  for (size_t len = 0; len < bytes.size(); ++len) {
    const std::vector<uint8_t> prefix(bytes.begin(), bytes.begin() + len);
    const ProofParseError e = ParseError<H>(prefix);
    CHECK_MESSAGE(Contains(e.message, "truncated proof: "), e.message);
    CHECK(e.offset <= len);
  }
}

TEST_CASE_TEMPLATE("a trailing byte is rejected", H, PROOF_HASHERS) {
  std::vector<uint8_t> bytes = SerializeProof(RandomProof<H>(8, 2));
  const size_t size = bytes.size();
  bytes.push_back(0);
  const ProofParseError e = ParseError<H>(bytes);
  CHECK(e.offset == size);
  CHECK(Contains(e.message, "1 trailing bytes"));
}

TEST_CASE_TEMPLATE("an M31 equal to p is rejected at its offset", H, PROOF_HASHERS) {
  StarkProof<H> proof = RandomProof<H>(9, 4);
  proof.config.zk = false;  // the offsets below are version 4's (no flags word)
  proof.public_inputs = {M31::One(), M31::One()};
  proof.pcs.fri_proof.last_layer_poly = {QM31::One()};
  std::vector<uint8_t> bytes = SerializeProof(proof);

  std::vector<uint8_t> bad = bytes;
  PutU32(bad, kPublicInputsOffset + 8, field::kP);  // public_inputs[1]
  ProofParseError e = ParseError<H>(bad);
  CHECK(e.offset == kPublicInputsOffset + 8);
  CHECK_MESSAGE(Contains(e.message, "public_inputs[1] at offset 41 is 2147483647, not a canonical"),
                e.message);

  bad = bytes;  // the last coordinate of the last QM31
  PutU32(bad, bytes.size() - 4, 0xffffffff);
  e = ParseError<H>(bad);
  CHECK(e.offset == bytes.size() - 4);
  CHECK_MESSAGE(Contains(e.message, "pcs.fri.last_layer_poly[0] coordinate 3"), e.message);

  bad = bytes;
  PutU32(bad, bytes.size() - 4, field::kP - 1);
  CHECK(std::holds_alternative<StarkProof<H>>(ParseProof<H>(bad)));
}

TEST_CASE("a felt252 hash at or above the Stark prime is rejected") {
  using H = hash::Poseidon252MerkleHasher;
  StarkProof<H> proof = RandomProof<H>(10, 2);
  proof.config.zk = false;  // the offsets below are version 4's (no flags word)
  proof.pcs.commitments = {field::Felt252::One()};
  const std::vector<uint8_t> bytes = SerializeProof(proof);
  const size_t commitment_at = kPublicInputsOffset + 4 + 4 * proof.public_inputs.size() + 8 + 4 +
                               16 * proof.claimed_sums.size() + 4;

  std::array<uint8_t, 32> p_bytes{};  // p = 2^251 + 17·2^192 + 1, big-endian
  p_bytes[0] = 0x08;
  p_bytes[7] = 0x11;
  p_bytes[31] = 0x01;
  for (const std::array<uint8_t, 32>& value :
       {p_bytes, std::array<uint8_t, 32>{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}}) {
    std::vector<uint8_t> bad = bytes;
    std::copy(value.begin(), value.end(), bad.begin() + commitment_at);
    const ProofParseError e = ParseError<H>(bad);
    CHECK(e.offset == commitment_at);
    CHECK_MESSAGE(Contains(e.message, "pcs.commitments[0] at offset"), e.message);
    CHECK(Contains(e.message, "not a canonical felt252"));
  }

  std::vector<uint8_t> max = bytes;  // p - 1 is canonical
  p_bytes[31] = 0;
  std::copy(p_bytes.begin(), p_bytes.end(), max.begin() + commitment_at);
  auto parsed = ParseProof<H>(max);
  REQUIRE(std::holds_alternative<StarkProof<H>>(parsed));
  CHECK(std::get<StarkProof<H>>(parsed).pcs.commitments[0] ==
        field::Felt252::Zero() - field::Felt252::One());
}

TEST_CASE_TEMPLATE("bad magic, version and hash id are rejected", H, PROOF_HASHERS) {
  const std::vector<uint8_t> bytes = SerializeProof(RandomProof<H>(11, 2));
  auto peek_error = [](const std::vector<uint8_t>& b) {
    auto id = PeekProofHash(b);
    REQUIRE(std::holds_alternative<ProofParseError>(id));
    return std::get<ProofParseError>(id);
  };

  std::vector<uint8_t> bad = bytes;
  bad[1] = 'X';
  CHECK(ParseError<H>(bad).offset == 0);
  CHECK(Contains(ParseError<H>(bad).message, "magic is 54 58 50 46"));
  CHECK(peek_error(bad).offset == 0);

  bad = bytes;
  PutU32(bad, 4, 1);
  CHECK(ParseError<H>(bad).offset == 4);
  CHECK(Contains(ParseError<H>(bad).message, "unsupported proof format version 1"));
  // Version 2, the format before query batches were removed, is no longer read.
  PutU32(bad, 4, 2);
  CHECK(Contains(ParseError<H>(bad).message, "unsupported proof format version 2"));
  CHECK(peek_error(bad).offset == 4);

  bad = bytes;
  bad[kHashIdOffset] = 3;
  CHECK(ParseError<H>(bad).offset == kHashIdOffset);
  CHECK(Contains(ParseError<H>(bad).message, "unknown hash id 3"));
  CHECK(peek_error(bad).offset == kHashIdOffset);

  CHECK(peek_error({'T', 'S', 'P', 'F', 4, 0, 0, 0}).message ==
        "truncated proof: header hash id needs 1 bytes at offset 8, 0 left");
}

TEST_CASE_TEMPLATE("a zero-knowledge proof is version 5 with flags 1, a plain one version 4", H,
                   PROOF_HASHERS) {
  StarkProof<H> proof = RandomProof<H>(15, 2);
  for (const bool zk : {false, true}) {
    proof.config.zk = zk;
    const std::vector<uint8_t> bytes = SerializeProof(proof);
    CHECK(bytes[4] == (zk ? kZkProofFormatVersion : kProofFormatVersion));
    auto parsed = ParseProof<H>(bytes);
    REQUIRE(std::holds_alternative<StarkProof<H>>(parsed));
    CHECK(std::get<StarkProof<H>>(parsed) == proof);
  }
  const std::vector<uint8_t> bytes = SerializeProof(proof);
  const size_t flags_at = kConfigOffset + 24;
  for (const uint32_t flags : {0u, 2u, 3u}) {
    std::vector<uint8_t> bad = bytes;
    PutU32(bad, flags_at, flags);
    const ProofParseError e = ParseError<H>(bad);
    CHECK(e.offset == flags_at);
    CHECK_MESSAGE(Contains(e.message, "version 5 requires exactly 0x1"), e.message);
  }
}

TEST_CASE("a proof is rejected by the parser of the other hash") {
  const std::vector<uint8_t> bytes = SerializeProof(RandomProof<hash::Blake2sMerkleHasher>(12, 2));
  const ProofParseError e = ParseError<hash::Poseidon252MerkleHasher>(bytes);
  CHECK(e.offset == kHashIdOffset);
  CHECK(e.message == "proof uses hash blake2s, expected poseidon252");
}

TEST_CASE_TEMPLATE("a forged huge count is rejected before allocating", H, PROOF_HASHERS) {
  StarkProof<H> proof = RandomProof<H>(13, 3);
  proof.config.zk = false;  // the offsets below are version 4's (no flags word)
  proof.public_inputs.clear();
  const std::vector<uint8_t> bytes = SerializeProof(proof);
  const size_t claimed_sums_at = kPublicInputsOffset + 4 + 8;
  const size_t commitments_at = claimed_sums_at + 4 + 16 * proof.claimed_sums.size();
  const size_t sampled_values_at = commitments_at + 4 + 32 * proof.pcs.commitments.size();

  CHECK(std::holds_alternative<StarkProof<H>>(ParseProof<H>(bytes)));

  for (size_t count_at :
       {kPublicInputsOffset, claimed_sums_at, commitments_at, sampled_values_at}) {
    std::vector<uint8_t> bad = bytes;
    PutU32(bad, count_at, 0xffffffff);
    // A 4-billion-entry allocation would abort the test; the fuzzer's malloc limit checks the
    // same for arbitrary inputs.
    auto result = ParseProof<H>(bad);
    REQUIRE(std::holds_alternative<ProofParseError>(result));
    const ProofParseError& e = std::get<ProofParseError>(result);
    CHECK(e.offset == count_at);
    CHECK_MESSAGE(Contains(e.message, "has count 4294967295"), e.message);
  }
}

TEST_CASE_TEMPLATE("an invalid config is rejected", H, PROOF_HASHERS) {
  const std::vector<uint8_t> bytes = SerializeProof(RandomProof<H>(14, 2));

  std::vector<uint8_t> bad = bytes;
  PutU32(bad, kConfigOffset + 12, 0);  // n_queries
  ProofParseError e = ParseError<H>(bad);
  CHECK(e.offset == kConfigOffset);
  CHECK_MESSAGE(Contains(e.message, "invalid config at offset 9: n_queries is 0"), e.message);

  bad = bytes;
  PutU32(bad, kConfigOffset + 4, 9);  // log_blowup_factor
  CHECK(Contains(ParseError<H>(bad).message, "log_blowup_factor is 9"));

  bad = bytes;
  PutU32(bad, kConfigOffset + 20, 41);  // interaction_pow_bits
  e = ParseError<H>(bad);
  CHECK(e.offset == kConfigOffset + 20);
  CHECK(Contains(e.message, "interaction_pow_bits is 41"));
}

// A miniature fuzzer: whatever a flipped byte does, the parser rejects it with an in-range offset
// or accepts bytes that re-serialize to themselves.
TEST_CASE_TEMPLATE("single-byte corruptions are rejected or canonical", H, PROOF_HASHERS) {
  const std::vector<uint8_t> bytes = SerializeProof(RandomProof<H>(15, 2));
  Rng rng(16);
  for (size_t i = 0; i < bytes.size(); ++i) {
    std::vector<uint8_t> bad = bytes;
    bad[i] ^= static_cast<uint8_t>(1 + rng.U32() % 255);
    auto result = ParseProof<H>(bad);
    if (auto* proof = std::get_if<StarkProof<H>>(&result)) {
      CHECK(SerializeProof(*proof) == bad);
    } else {
      CHECK(std::get<ProofParseError>(result).offset <= bad.size());
    }
  }
}

TEST_CASE_TEMPLATE("the JSON dump names every part of the proof", H, PROOF_HASHERS) {
  const StarkProof<H> proof = RandomProof<H>(17, 3);
  const nlohmann::json j = ProofToJson(proof);
  for (const char* key : {"format_version", "hash", "config", "public_inputs",
                          "interaction_pow_nonce", "claimed_sums", "pcs", "size_breakdown"}) {
    CHECK_MESSAGE(j.contains(key), key);
  }
  for (const char* key : {"commitments", "sampled_values", "decommitments", "queried_values",
                          "proof_of_work", "fri"}) {
    CHECK_MESSAGE(j["pcs"].contains(key), key);
  }
  for (const char* key : {"first_layer", "inner_layers", "last_layer_poly"}) {
    CHECK_MESSAGE(j["pcs"]["fri"].contains(key), key);
  }
  CHECK(j["hash"] == ToString(ProofHashTraits<H>::kId));
  CHECK(j["config"]["n_queries"] == proof.config.pcs.fri.n_queries);
  CHECK(j["config"]["security_bits"] == proof.config.SecurityBits());
  CHECK(j["public_inputs"].size() == proof.public_inputs.size());
  CHECK(j["pcs"]["commitments"].size() == proof.pcs.commitments.size());
  CHECK(j["pcs"]["fri"]["first_layer"]["commitment"].is_string());
  CHECK(j["size_breakdown"]["total"] == SerializeProof(proof).size());
  for (const char* key :
       {"header_and_config", "commitments", "sampled_values", "decommitment_hash_witness",
        "decommitment_column_witness", "queried_values", "fri_witness", "fri_decommitments",
        "last_layer", "nonces"}) {
    CHECK_MESSAGE(j["size_breakdown"].contains(key), key);
  }
}

TEST_CASE("the JSON dump writes hashes as hex and QM31 as four numbers") {
  StarkProof<hash::Poseidon252MerkleHasher> p;
  p.pcs.commitments = {field::Felt252::FromU64(0x1f)};
  p.claimed_sums = {QM31::FromU32(1, 2, 3, 4)};
  nlohmann::json j = ProofToJson(p);
  CHECK(j["pcs"]["commitments"][0] == "0x1f");
  CHECK(j["claimed_sums"][0] == nlohmann::json::array({1, 2, 3, 4}));

  StarkProof<hash::Blake2sMerkleHasher> b;
  b.pcs.commitments = {hash::Blake2sHash{}};
  b.pcs.commitments[0].bytes[0] = 0xab;
  j = ProofToJson(b);
  CHECK(j["pcs"]["commitments"][0] == "ab" + std::string(62, '0'));
}

}  // namespace
}  // namespace tensorstark::air
