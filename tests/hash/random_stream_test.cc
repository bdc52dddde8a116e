#include "hash/random_stream.h"

#include <doctest/doctest.h>

#include <array>
#include <cstring>
#include <vector>

#include "hash/blake2s.h"

namespace tensorstark::hash {
namespace {

// Block c of stream id, from the scalar compression: the reference for the SIMD refill.
std::array<uint32_t, 8> Block(const RandomSeed& seed, uint64_t id, uint64_t c) {
  std::array<uint32_t, 8> state;
  std::memcpy(state.data(), seed.data(), 32);
  std::array<uint32_t, 16> message{};
  message[0] = static_cast<uint32_t>(id);
  message[1] = static_cast<uint32_t>(id >> 32);
  message[2] = static_cast<uint32_t>(c);
  message[3] = static_cast<uint32_t>(c >> 32);
  Blake2sCompress(state, message, 0, 0);
  return state;
}

TEST_CASE("a random stream is the keyed compression in counter mode, 31 bits a word") {
  RandomSeed seed{};
  for (size_t i = 0; i < seed.size(); ++i) seed[i] = static_cast<uint8_t>(7 * i + 1);
  const uint64_t id = (uint64_t{3} << 32) | 17;
  RandomStream stream(seed, id);
  size_t rejected = 0;
  for (uint64_t c = 0; c < 40; ++c) {  // across several 16-block refills
    for (uint32_t word : Block(seed, id, c)) {
      const uint32_t v = word & 0x7FFFFFFFu;
      if (v == field::kP) {
        ++rejected;
        continue;
      }
      REQUIRE(stream.NextM31().value() == v);
    }
  }
  CHECK(rejected == 0);  // for these blocks; the rejection itself is one comparison
}

TEST_CASE("streams of one seed, and seeds, differ") {
  RandomSeed seed{}, other{};
  seed[0] = 1;
  other[0] = 2;
  std::vector<field::M31> a(64), b(64), c(64);
  RandomStream(seed, 0).Fill(a);
  RandomStream(seed, 1).Fill(b);
  RandomStream(other, 0).Fill(c);
  CHECK(a != b);
  CHECK(a != c);
  CHECK(FreshRandomSeed() != FreshRandomSeed());
}

}  // namespace
}  // namespace tensorstark::hash
