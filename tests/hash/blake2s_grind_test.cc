// The BLAKE2s proof-of-work grinder (Blake2sGrindWord0 and Blake2sChannel::FindProofOfWorkNonce)
// against a plain search with the scalar compression, on ranges that start and end inside a
// SIMD vector, cross a change of the nonce's high word, and end at 2^64 - 1.
#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <limits>
#include <optional>

#include "hash/blake2s.h"
#include "hash/blake2s_channel.h"
#include "hash/blake2s_simd.h"
#include "hash/proof_of_work.h"
#include "test_util.h"

namespace tensorstark::hash {
namespace {

constexpr uint64_t kMaxU64 = std::numeric_limits<uint64_t>::max();

// Output word 0 of MixU64(nonce) on `digest`: the raw compression of protocol reference §6.1.
uint32_t OutputWord0(const std::array<uint32_t, 8>& digest, uint64_t nonce) {
  std::array<uint32_t, 8> state = digest;
  std::array<uint32_t, 16> message{};
  message[0] = static_cast<uint32_t>(nonce);
  message[1] = static_cast<uint32_t>(nonce >> 32);
  Blake2sCompress(state, message, 0, 0);
  return state[0];
}

std::optional<uint64_t> PlainGrindWord0(const std::array<uint32_t, 8>& digest, uint32_t mask,
                                        uint64_t begin, uint64_t end) {
  for (uint64_t nonce = begin; nonce < end; ++nonce) {
    if ((OutputWord0(digest, nonce) & mask) == 0) return nonce;
  }
  return std::nullopt;
}

std::optional<uint64_t> PlainFindNonce(const Blake2sChannel& channel, uint32_t bits, uint64_t begin,
                                       uint64_t end) {
  for (uint64_t nonce = begin; nonce < end; ++nonce) {
    if (CheckProofOfWork(channel, bits, nonce)) return nonce;
  }
  return std::nullopt;
}

std::array<uint32_t, 8> RandomDigest(testing::Rng& rng) {
  std::array<uint32_t, 8> digest;
  for (uint32_t& w : digest) w = rng.U32();
  return digest;
}

// Range starts: near 0, just below 2^32 (where the nonce's high word stops being zero) and below
// another change of the high word (the low words wrap inside one vector), anywhere, and just
// below 2^64.
constexpr int kRangeKinds = 5;
uint64_t RangeStart(testing::Rng& rng, int kind) {
  switch (kind) {
    case 0:
      return rng.U32() % 64;
    case 1:
      return (uint64_t{1} << 32) - 1 - rng.U32() % 40;
    case 2:
      return (uint64_t{rng.U32() | 2} << 32) - 1 - rng.U32() % 40;
    case 3:
      return rng.U64();
    default:
      return kMaxU64 - rng.U32() % 80;
  }
}

TEST_CASE("Blake2sGrindWord0 finds the least nonce a plain search finds") {
  testing::Rng rng(51);
  // Hit rates from always (mask 0) to about 2^-12, including masks that are not low bits.
  const uint32_t kMasks[] = {0, 1, 3, 0xf, 0x80000000, 0x80000001, 0x00f00f00, 0xfff};
  for (int trial = 0; trial < 400; ++trial) {
    const std::array<uint32_t, 8> digest = RandomDigest(rng);
    const uint32_t mask = kMasks[trial % 8];
    const uint64_t begin = RangeStart(rng, trial / 8 % kRangeKinds);
    const uint64_t end = begin + std::min<uint64_t>(rng.U32() % 300, kMaxU64 - begin);
    CAPTURE(trial);
    CAPTURE(begin);
    CAPTURE(end);
    CHECK(Blake2sGrindWord0(digest, mask, begin, end) == PlainGrindWord0(digest, mask, begin, end));
  }
}

TEST_CASE("Blake2sGrindWord0 searches nothing in an empty range") {
  testing::Rng rng(52);
  const std::array<uint32_t, 8> digest = RandomDigest(rng);
  CHECK_FALSE(Blake2sGrindWord0(digest, 0, 5, 5).has_value());
  CHECK_FALSE(Blake2sGrindWord0(digest, 0, 6, 5).has_value());
  CHECK_FALSE(Blake2sGrindWord0(digest, 0, kMaxU64, kMaxU64).has_value());
  CHECK(Blake2sGrindWord0(digest, 0, kMaxU64 - 1, kMaxU64) == kMaxU64 - 1);
}

TEST_CASE("Blake2sGrindWord0 on a long range agrees with a plain search") {
  testing::Rng rng(53);
  for (uint64_t begin : {uint64_t{3}, (uint64_t{7} << 32) - 5000}) {
    const std::array<uint32_t, 8> digest = RandomDigest(rng);
    CAPTURE(begin);
    CHECK(Blake2sGrindWord0(digest, 0xffff, begin, begin + 300000) ==
          PlainGrindWord0(digest, 0xffff, begin, begin + 300000));
  }
}

TEST_CASE("FindProofOfWorkNonce returns the least valid nonce for up to 32 bits") {
  testing::Rng rng(54);
  for (int trial = 0; trial < 60; ++trial) {
    Blake2sChannel channel;
    channel.MixU64(rng.U64());
    const uint32_t bits = trial % 12;
    const uint64_t begin = RangeStart(rng, trial % kRangeKinds);
    const uint64_t end = begin + std::min<uint64_t>(rng.U32() % 2000, kMaxU64 - begin);
    CAPTURE(trial);
    CAPTURE(begin);
    CHECK(channel.FindProofOfWorkNonce(bits, begin, end) ==
          PlainFindNonce(channel, bits, begin, end));
  }
}

TEST_CASE("FindProofOfWorkNonce checks words 1..3 beyond 32 bits") {
  // On the initial (all-zero) channel, kNonce is the least nonce that makes output word 0 zero;
  // the digest after it has exactly kZeros trailing zero bits. Found once with Blake2sGrindWord0
  // (about 2^32 attempts, too many for a test).
  constexpr uint64_t kNonce = 3614404647;
  constexpr uint32_t kZeros = 33;
  const Blake2sChannel channel;
  REQUIRE(OutputWord0(channel.digest().Words(), kNonce) == 0);
  REQUIRE(CheckProofOfWork(channel, kZeros, kNonce));
  REQUIRE_FALSE(CheckProofOfWork(channel, kZeros + 1, kNonce));
  const uint64_t begin = kNonce - 1000, end = kNonce + 1000;
  CHECK(Blake2sGrindWord0(channel.digest().Words(), ~uint32_t{0}, begin, end) == kNonce);
  for (uint32_t bits : {uint32_t{31}, uint32_t{32}, kZeros}) {
    CHECK(channel.FindProofOfWorkNonce(bits, begin, end) == kNonce);
  }
  // The word-0 hit fails the full check, so the search goes on past it and finds nothing.
  CHECK_FALSE(channel.FindProofOfWorkNonce(kZeros + 1, begin, end).has_value());
  CHECK_FALSE(channel.FindProofOfWorkNonce(200, begin, end).has_value());
}

}  // namespace
}  // namespace tensorstark::hash
