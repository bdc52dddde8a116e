// Query positions (protocol reference §4.5): after the proof of work, the verifier's queries are
// drawn from the channel as positions in the bit-reversed evaluation domain of the largest
// committed size. Exactly n_queries positions are drawn; duplicates collapse, so the result is a
// sorted set of at most n_queries distinct positions.
#pragma once

#include <algorithm>
#include <cassert>
#include <cstdint>
#include <vector>

#include "hash/channel.h"

namespace tensorstark::hash {

template <Channel C>
std::vector<size_t> DrawQueryPositions(C& channel, uint32_t log_domain_size, size_t n_queries) {
  // Both channels' words carry at least 31 uniform bits.
  assert(log_domain_size <= 31);
  const uint32_t mask = static_cast<uint32_t>((uint64_t{1} << log_domain_size) - 1);
  std::vector<size_t> positions;
  positions.reserve(n_queries + 8);
  while (positions.size() < n_queries) {
    for (uint32_t word : channel.DrawU32s()) positions.push_back(word & mask);
  }
  positions.resize(n_queries);
  std::sort(positions.begin(), positions.end());
  positions.erase(std::unique(positions.begin(), positions.end()), positions.end());
  return positions;
}

}  // namespace tensorstark::hash
