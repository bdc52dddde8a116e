#include <doctest/doctest.h>

#include "channel_replay.h"
#include "hash/poseidon252_channel.h"

namespace tensorstark::hash {
namespace {

using field::Felt252;

TEST_CASE("Poseidon252Channel reproduces the reference transcript") {
  testing::ReplayTranscript<Poseidon252Channel>(
      testing::LoadChannelTranscript("poseidon252"),
      [](const std::string& hex) {
        std::optional<Felt252> root = Felt252::FromHex(hex);
        REQUIRE(root.has_value());
        return *root;
      },
      [](const Poseidon252Channel& c) { return c.digest().ToHex(); });
}

TEST_CASE("Poseidon252Channel encodes the number of mixed values") {
  Poseidon252Channel empty, one_zero;
  empty.MixFelts({});
  const field::QM31 zero;
  one_zero.MixFelts(std::span<const field::QM31>(&zero, 1));
  CHECK(empty.digest() != one_zero.digest());
}

TEST_CASE("Poseidon252Channel draws 31-bit words") {
  Poseidon252Channel channel;
  for (int i = 0; i < 64; ++i) {
    for (uint32_t w : channel.DrawU32s()) REQUIRE(w < (uint32_t{1} << 31));
  }
}

}  // namespace
}  // namespace tensorstark::hash
