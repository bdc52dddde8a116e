#include "recursion/query_positions.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <vector>

#include "hash/poseidon2_m31_channel.h"
#include "hash/queries.h"

namespace tensorstark::recursion {
namespace {

using field::M31;
using field::QM31;

TEST_CASE("enough words are drawn: more where positions repeat") {
  // 32 words leave 28 distinct positions of 2^20 with probability about 1 - 2^-62: one draw more.
  CHECK(QueryWordsToDraw(30, 28) == 32);
  CHECK(QueryWordsToDraw(20, 28) == 40);
  CHECK(QueryWordsToDraw(13, 28) == 40);
  CHECK(QueryWordsToDraw(8, 28) > 40);
  CHECK(QueryWordsToDraw(4, 16) % 8 == 0);
}

// The channel after mixing `seed`, natively and in a circuit: the circuit's positions must be the
// native verifier's, in any order.
void CheckQueries(uint32_t log_size, size_t n_queries, uint64_t seed) {
  CAPTURE(log_size);
  CAPTURE(seed);
  hash::Poseidon2M31Channel native;
  native.MixU64(seed);
  const std::vector<size_t> expected = hash::DrawQueryPositions(native, log_size, n_queries);

  CircuitBuilder builder(true);
  CircuitChannel channel(builder);
  channel.MixU64Limbs({builder.Constant(QM31(M31::FromCanonical(static_cast<uint32_t>(seed)))),
                       builder.Constant(QM31::Zero()), builder.Constant(QM31::Zero())});
  std::vector<size_t> positions;
  for (const std::vector<Wire>& bits : DrawQueryPositions(channel, log_size, n_queries)) {
    size_t position = 0;
    for (size_t b = 0; b < bits.size(); ++b) {
      position |= static_cast<size_t>(bits[b].value().c0.a.value()) << b;
    }
    positions.push_back(position);
  }
  CHECK(!builder.failure());
  std::sort(positions.begin(), positions.end());
  CHECK(positions == expected);
}

TEST_CASE("the circuit draws the native verifier's query positions") {
  for (uint64_t seed = 1; seed <= 3; ++seed) {
    CheckQueries(20, 28, seed);
    CheckQueries(5, 20, seed);  // positions repeat
    CheckQueries(4, 16, seed);  // every position of the domain
  }
}

}  // namespace
}  // namespace tensorstark::recursion
