#include "hash/blake2s.h"

#include <blake2.h>
#include <doctest/doctest.h>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "hash/blake2s_simd.h"
#include "test_util.h"

namespace tensorstark::hash {
namespace {

Blake2sHash Libb2(const std::vector<uint8_t>& data) {
  Blake2sHash h;
  REQUIRE(blake2s(h.bytes.data(), data.data(), nullptr, h.bytes.size(), data.size(), 0) == 0);
  return h;
}

std::vector<uint8_t> RandomBytes(testing::Rng& rng, size_t n) {
  std::vector<uint8_t> data(n);
  for (uint8_t& b : data) b = static_cast<uint8_t>(rng.U32());
  return data;
}

// An edge value about half the time, else random.
uint32_t Word(testing::Rng& rng) {
  static constexpr uint32_t kEdges[] = {0, 1, 0x7fffffff, 0x80000000, 0xffffffff};
  uint32_t r = rng.U32();
  return r % 2 ? kEdges[(r >> 1) % 5] : rng.U32();
}

}  // namespace

TEST_CASE("BLAKE2s-256 known answers") {
  // RFC 7693 appendix B.
  const std::vector<uint8_t> abc = {'a', 'b', 'c'};
  CHECK(Blake2s(abc).ToHex() == "508c5e8c327c14e2e1a72ba34eeb452f37458b209ed63a294d999b4c86675982");
  CHECK(Blake2s({}).ToHex() == "69217a3079908094e11121d042354a7c1f55b6482ca1a51e1b250dfd1ed0eef9");
}

TEST_CASE("Blake2sHash hex round trip, and bad hex is refused") {
  const std::string hex = "508c5e8c327c14e2e1a72ba34eeb452f37458b209ed63a294d999b4c86675982";
  std::optional<Blake2sHash> h = Blake2sHash::FromHex(hex);
  REQUIRE(h.has_value());
  CHECK(h->ToHex() == hex);
  CHECK(Blake2sHash::FromHex(hex.substr(2)) == std::nullopt);
  CHECK(Blake2sHash::FromHex(std::string(66, '0')) == std::nullopt);
  std::string bad_digit = hex;
  bad_digit[0] = 'g';
  CHECK(Blake2sHash::FromHex(bad_digit) == std::nullopt);
  CHECK(Blake2sHash::FromHex(std::string(64, 'F'))->bytes[31] == 0xff);
}

TEST_CASE("BLAKE2s-256 matches libb2 on every length up to 300 bytes and a few large inputs") {
  testing::Rng rng;
  std::vector<size_t> lengths;
  for (size_t n = 0; n <= 300; ++n) lengths.push_back(n);
  for (size_t n : {1023, 1024, 1025, 4096, 65536 + 7, 1 << 20}) lengths.push_back(n);
  for (size_t n : lengths) {
    std::vector<uint8_t> data = RandomBytes(rng, n);
    Blake2sHash expected = Libb2(data);
    CHECK(Blake2s(data) == expected);
    // The same input fed in random pieces, including empty ones and exact block boundaries.
    Blake2sHasher hasher;
    std::span<const uint8_t> rest = data;
    while (!rest.empty()) {
      size_t take = std::min<size_t>(rest.size(), rng.U32() % 3 == 0 ? 64 : rng.U32() % 150);
      hasher.Update(rest.first(take));
      rest = rest.subspan(take);
    }
    CHECK(hasher.Finalize() == expected);
  }
}

TEST_CASE("Blake2sHash words are little-endian") {
  Blake2sHash h = Blake2sHash::FromWords({0x03020100, 0x07060504, 0, 0, 0, 0, 0, 0xffeeddcc});
  CHECK(h.bytes[0] == 0x00);
  CHECK(h.bytes[5] == 0x05);
  CHECK(h.bytes[31] == 0xff);
  CHECK(h.Words()[7] == 0xffeeddcc);
}

TEST_CASE("16-way SIMD compression equals the scalar compression in every lane") {
  testing::Rng rng;
  for (int iter = 0; iter < 200; ++iter) {
    // t and f reach both 32-bit halves, so every XOR into v[12..15] is exercised.
    const uint64_t t = iter < 2 ? 0 : rng.U64();
    const uint64_t f = iter < 2 ? 0 : rng.U64();
    Blake2sStates16 states;
    std::array<std::array<uint32_t, 8>, 16> expected;
    for (size_t i = 0; i < 16; ++i) {
      for (size_t w = 0; w < 8; ++w) states.words[w][i] = expected[i][w] = Word(rng);
    }
    // Transposed messages at odd offsets: the kernel must not assume alignment.
    std::vector<uint32_t> transposed(16 * 16 + 1);
    std::array<const uint32_t*, 16> words;
    std::array<std::array<uint32_t, 16>, 16> messages;
    for (size_t w = 0; w < 16; ++w) {
      const size_t offset = 1 + 16 * ((w * 7) % 16);  // word vectors in scrambled order
      words[w] = transposed.data() + offset;
      for (size_t i = 0; i < 16; ++i) transposed[offset + i] = messages[i][w] = Word(rng);
    }
    for (size_t i = 0; i < 16; ++i) Blake2sCompress(expected[i], messages[i], t, f);

    Blake2sStates16 row_major_states = states;
    Blake2sCompress16(states, words, t, f);
    std::vector<uint32_t> rows(16 * 16 + 1);
    for (size_t i = 0; i < 16; ++i) {
      std::copy(messages[i].begin(), messages[i].end(), rows.begin() + 1 + 16 * i);
    }
    Blake2sCompress16RowMajor(row_major_states, rows.data() + 1, t, f);

    std::vector<uint32_t> out(16 * 8 + 1), out_row_major(16 * 8 + 1);
    Blake2sStoreRowMajor16(states, out.data() + 1);
    Blake2sStoreRowMajor16(row_major_states, out_row_major.data() + 1);
    for (size_t i = 0; i < 16; ++i) {
      for (size_t w = 0; w < 8; ++w) {
        CHECK(states.words[w][i] == expected[i][w]);
        CHECK(row_major_states.words[w][i] == expected[i][w]);
        CHECK(out[1 + 8 * i + w] == expected[i][w]);
        CHECK(out_row_major[1 + 8 * i + w] == expected[i][w]);
      }
    }
  }
}

}  // namespace tensorstark::hash
