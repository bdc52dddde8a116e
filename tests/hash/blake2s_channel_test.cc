#include <doctest/doctest.h>

#include <tbb/global_control.h>

#include "channel_replay.h"
#include "hash/blake2s_channel.h"

namespace tensorstark::hash {
namespace {

TEST_CASE("Blake2sChannel reproduces the reference transcript") {
  testing::ReplayTranscript<Blake2sChannel>(
      testing::LoadChannelTranscript("blake2s"),
      [](const std::string& hex) {
        std::optional<Blake2sHash> root = Blake2sHash::FromHex(hex);
        REQUIRE(root.has_value());
        return *root;
      },
      [](const Blake2sChannel& c) { return c.digest().ToHex(); });
}

TEST_CASE("Blake2sChannel draws depend on the draw counter, mixes reset it") {
  Blake2sChannel a;
  field::QM31 first = a.DrawFelt();
  CHECK(a.DrawFelt() != first);
  Blake2sChannel b;
  b.MixU64(7);
  Blake2sChannel c;
  c.DrawFelt();
  c.MixU64(7);
  CHECK(b.DrawFelt() == c.DrawFelt());
}

TEST_CASE("Proof-of-work grinding finds the least nonce for any thread count") {
  Blake2sChannel channel;
  channel.MixU64(42);
  uint64_t one_thread, two_threads;
  {
    tbb::global_control limit(tbb::global_control::max_allowed_parallelism, 1);
    one_thread = GrindProofOfWork(channel, 14);
  }
  {
    tbb::global_control limit(tbb::global_control::max_allowed_parallelism, 2);
    two_threads = GrindProofOfWork(channel, 14);
  }
  CHECK(one_thread == two_threads);
  CHECK(CheckProofOfWork(channel, 14, one_thread));
  for (uint64_t nonce = 0; nonce < one_thread; ++nonce) {
    REQUIRE_FALSE(CheckProofOfWork(channel, 14, nonce));
  }
}

}  // namespace
}  // namespace tensorstark::hash
