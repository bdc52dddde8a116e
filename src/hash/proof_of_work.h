// Proof of work (grinding, protocol reference §5.5): before the queries are drawn, the prover
// finds a nonce that makes the channel's digest end in `bits` zero bits, which adds `bits` to
// the security level. The grinder searches in parallel but always returns the least valid
// nonce, so the proof does not depend on the thread count.
#pragma once

#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <vector>

#include "hash/channel.h"

namespace tensorstark::hash {

// True if `nonce` is valid for `bits` on the channel's current state (the channel is copied).
template <Channel C>
bool CheckProofOfWork(C channel, uint32_t bits, uint64_t nonce) {
  channel.MixU64(nonce);
  return channel.TrailingZeros() >= bits;
}

// The least nonce valid for `bits`. Rounds of nonce blocks are searched in parallel; the first
// round with a valid nonce ends the search, and its least valid nonce wins.
template <Channel C>
uint64_t GrindProofOfWork(const C& channel, uint32_t bits) {
  const uint64_t n_blocks = 4 * static_cast<uint64_t>(tbb::this_task_arena::max_concurrency());
  // About a quarter of the expected work per round, so small grinds do not overshoot.
  const uint64_t expected_attempts = bits >= 63 ? ~uint64_t{0} : uint64_t{1} << bits;
  const uint64_t kBlock = std::clamp<uint64_t>(expected_attempts / (4 * n_blocks), 64,
                                               uint64_t{1} << 14);
  for (uint64_t round_start = 0;; round_start += n_blocks * kBlock) {
    std::vector<std::optional<uint64_t>> found(n_blocks);
    tbb::parallel_for(uint64_t{0}, n_blocks, [&](uint64_t block) {
      uint64_t begin = round_start + block * kBlock;
      found[block] = channel.FindProofOfWorkNonce(bits, begin, begin + kBlock);
    });
    for (const std::optional<uint64_t>& nonce : found) {
      if (nonce) return *nonce;  // blocks are in increasing order
    }
  }
}

}  // namespace tensorstark::hash
