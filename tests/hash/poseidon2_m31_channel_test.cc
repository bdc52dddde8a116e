// The Poseidon2-M31 channel and Merkle node hash follow the rules their headers document: the
// channel replays the transcript of an independent JavaScript implementation
// (tests/vectors/channel_transcripts.json; the trees' roots are in merkle_vectors_test.cc), each
// rule is rebuilt here from the permutation alone (Poseidon2Permute, checked against Plonky3's
// known answer) and compared, and the properties the rules exist for (an injective MixFelts,
// draws apart from mixes, the least proof-of-work nonce) are checked.
#include "hash/poseidon2_m31_channel.h"

#include <doctest/doctest.h>

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "channel_replay.h"
#include "hash/poseidon2_m31.h"
#include "hash/poseidon2_m31_merkle_hasher.h"
#include "hash/proof_of_work.h"
#include "test_util.h"

namespace tensorstark::hash {
namespace {

using field::M31;
using field::QM31;
using Rng = ::tensorstark::testing::Rng;

// P(state)[0..8].
Poseidon2M31Hash Squeeze(Poseidon2State state) {
  Poseidon2Permute(state);
  Poseidon2M31Hash out;
  for (size_t k = 0; k < 8; ++k) out.words[k] = state[k];
  return out;
}

Poseidon2State Concat(const Poseidon2M31Hash& a, const std::array<M31, 8>& b) {
  Poseidon2State state;
  for (size_t k = 0; k < 8; ++k) {
    state[k] = a.words[k];
    state[8 + k] = b[k];
  }
  return state;
}

Poseidon2M31Hash RandomHash(Rng& rng) {
  Poseidon2M31Hash h;
  for (M31& word : h.words) word = rng.M31();
  return h;
}

TEST_CASE("Poseidon2M31Channel reproduces the reference transcript") {
  testing::ReplayTranscript<Poseidon2M31Channel>(
      testing::LoadChannelTranscript("poseidon2"),
      [](const std::string& hex) {
        // 8 words, 4 little-endian bytes each, as the proof format writes a digest.
        REQUIRE(hex.size() == 64);
        Poseidon2M31Hash root;
        for (size_t k = 0; k < 8; ++k) {
          uint32_t word = 0;
          for (size_t byte = 0; byte < 4; ++byte) {
            word |= static_cast<uint32_t>(std::stoul(hex.substr(8 * k + 2 * byte, 2), nullptr, 16))
                    << (8 * byte);
          }
          REQUIRE(word < field::kP);
          root.words[k] = M31::FromCanonical(word);
        }
        return root;
      },
      [](const Poseidon2M31Channel& c) { return c.digest().ToHex(); });
}

TEST_CASE("a leaf is an overwrite sponge with its width in lane 8") {
  Rng rng(1);
  const std::vector<M31> values = rng.M31s(11);
  Poseidon2State state{};
  state[8] = M31::FromCanonical(11);
  for (size_t i = 0; i < 8; ++i) state[i] = values[i];
  Poseidon2Permute(state);
  for (size_t i = 0; i < 8; ++i) state[i] = i < 3 ? values[8 + i] : M31();
  Poseidon2Permute(state);
  Poseidon2M31Hash expected;
  for (size_t k = 0; k < 8; ++k) expected.words[k] = state[k];
  CHECK(Poseidon2M31MerkleHasher::HashNode(std::nullopt, values) == expected);

  // The empty tree's root: one permutation of the zero state.
  CHECK(Poseidon2M31MerkleHasher::HashNode(std::nullopt, {}) == Squeeze(Poseidon2State{}));
  // A leaf of one zero value and an empty leaf differ by the width alone.
  const std::vector<M31> zero = {M31()};
  CHECK(Poseidon2M31MerkleHasher::HashNode(std::nullopt, zero) !=
        Poseidon2M31MerkleHasher::HashNode(std::nullopt, {}));
}

TEST_CASE("a node compresses its children, then absorbs its columns") {
  Rng rng(2);
  const Poseidon2M31Hash left = RandomHash(rng), right = RandomHash(rng);
  const Poseidon2M31Hash compressed = Squeeze(Concat(left, right.words));
  CHECK(Poseidon2M31Compress(left, right) == compressed);
  CHECK(Poseidon2M31MerkleHasher::HashNode(std::pair{left, right}, {}) == compressed);

  const std::vector<M31> values = rng.M31s(5);
  Poseidon2State state = Concat(left, right.words);
  Poseidon2Permute(state);
  for (size_t i = 0; i < 8; ++i) state[i] = i < 5 ? values[i] : M31();
  CHECK(Poseidon2M31MerkleHasher::HashNode(std::pair{left, right}, values) == Squeeze(state));
}

TEST_CASE("Poseidon2M31Channel mixes and draws by compression") {
  Rng rng(3);
  const Poseidon2M31Hash root = RandomHash(rng);
  Poseidon2M31Channel channel;
  channel.MixRoot(root);
  Poseidon2M31Hash digest = Squeeze(Concat(Poseidon2M31Hash{}, root.words));
  CHECK(channel.digest() == digest);

  // Three felts: 12 coordinates, then 1, then 3 zeros: two chunks.
  const std::vector<QM31> felts = {rng.QM31(), rng.QM31(), rng.QM31()};
  channel.MixFelts(felts);
  std::vector<M31> words;
  for (const QM31& felt : felts) {
    for (M31 c : felt.ToM31Array()) words.push_back(c);
  }
  words.push_back(M31::One());
  words.resize(16);
  for (size_t chunk = 0; chunk < 2; ++chunk) {
    std::array<M31, 8> block;
    for (size_t k = 0; k < 8; ++k) block[k] = words[8 * chunk + k];
    digest = Squeeze(Concat(digest, block));
  }
  CHECK(channel.digest() == digest);

  // A u64 in 22-bit limbs.
  const uint64_t n = 0xfedcba9876543210;
  channel.MixU64(n);
  digest = Squeeze(
      Concat(digest, {M31::FromCanonical(n & 0x3fffff), M31::FromCanonical((n >> 22) & 0x3fffff),
                      M31::FromCanonical(n >> 44), M31(), M31(), M31(), M31(), M31()}));
  CHECK(channel.digest() == digest);

  // Draws 0 and 1, each compress(digest, [counter, 0 × 6, 1]); the digest stays.
  for (uint32_t counter = 0; counter < 2; ++counter) {
    const std::array<uint32_t, 8> drawn = channel.DrawU32s();
    const Poseidon2M31Hash expected =
        Squeeze(Concat(digest, {M31::FromCanonical(counter), M31(), M31(), M31(), M31(), M31(),
                                M31(), M31::One()}));
    for (size_t k = 0; k < 8; ++k) CHECK(drawn[k] == expected.words[k].value());
  }
  CHECK(channel.digest() == digest);
  // A mix resets the draw counter: the next draw is counter 0's.
  channel.MixU64(1);
  digest = Squeeze(Concat(digest, {M31::One(), M31(), M31(), M31(), M31(), M31(), M31(), M31()}));
  const Poseidon2M31Hash first =
      Squeeze(Concat(digest, {M31(), M31(), M31(), M31(), M31(), M31(), M31(), M31::One()}));
  CHECK(channel.DrawU32s()[0] == first.words[0].value());
}

TEST_CASE("Poseidon2M31Channel's MixFelts is injective in the number of felts") {
  const QM31 x = QM31::FromU32(1, 2, 3, 4);
  Poseidon2M31Channel one, two, none, zero;
  one.MixFelts(std::vector<QM31>{x});
  two.MixFelts(std::vector<QM31>{x, QM31()});
  none.MixFelts(std::vector<QM31>{});
  zero.MixFelts(std::vector<QM31>{QM31()});
  CHECK(one.digest() != two.digest());
  CHECK(none.digest() != zero.digest());
}

TEST_CASE("Poseidon2M31Channel's grinding finds the least valid nonce, 16 at a time") {
  Rng rng(4);
  for (uint32_t bits : {1u, 4u, 8u}) {
    Poseidon2M31Channel channel;
    channel.MixRoot(RandomHash(rng));
    // The scalar rule, nonce by nonce.
    uint64_t least = 0;
    while (!CheckProofOfWork(channel, bits, least)) ++least;
    // Blocks that start anywhere and end mid-vector.
    CHECK(channel.FindProofOfWorkNonce(bits, 0, least + 1) == least);
    CHECK(channel.FindProofOfWorkNonce(bits, 0, least) == std::nullopt);
    if (least > 3) CHECK(channel.FindProofOfWorkNonce(bits, 3, least + 5) == least);
    CHECK(GrindProofOfWork(channel, bits) == least);
  }
}

}  // namespace
}  // namespace tensorstark::hash
