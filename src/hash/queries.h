// Query positions (protocol reference §4.5): after the proof of work, the verifier's queries are
// drawn from the channel as positions in the bit-reversed evaluation domain of the largest
// committed size, n_queries of them and all distinct, so that each query counts towards the
// security the configuration claims (pow_bits + log_blowup · n_queries).
//
// The rule, which the Cairo verifier (queries.cairo) replays word for word: draw the channel's
// words 8 at a time (DrawU32s); a word's low log_domain_size bits are a position; a position not
// seen before is kept, one seen before is skipped; the drawing stops at the word that makes
// n_queries kept positions (the rest of that draw is unused). The result is sorted. A domain with
// fewer than n_queries points cannot give them: MakeLayout refuses such a configuration.
#pragma once

#include <algorithm>
#include <cassert>
#include <cstdint>
#include <unordered_set>
#include <vector>

#include "hash/channel.h"

namespace tensorstark::hash {

template <Channel C>
std::vector<size_t> DrawQueryPositions(C& channel, uint32_t log_domain_size, size_t n_queries) {
  // Both channels' words carry at least 31 uniform bits.
  assert(log_domain_size <= 31);
  assert(n_queries <= (size_t{1} << log_domain_size));
  const uint32_t mask = static_cast<uint32_t>((uint64_t{1} << log_domain_size) - 1);
  std::vector<size_t> positions;
  std::unordered_set<size_t> seen;
  positions.reserve(n_queries);
  while (positions.size() < n_queries) {
    for (uint32_t word : channel.DrawU32s()) {
      if (positions.size() == n_queries) break;
      if (seen.insert(word & mask).second) positions.push_back(word & mask);
    }
  }
  std::sort(positions.begin(), positions.end());
  return positions;
}

}  // namespace tensorstark::hash
