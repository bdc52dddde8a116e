#include "recursion/domain_point.h"

#include <doctest/doctest.h>

#include <vector>

#include "circle/bit_reverse.h"
#include "circle/coset.h"
#include "recursion/bits.h"

namespace tensorstark::recursion {
namespace {

using field::M31;
using field::QM31;

TEST_CASE("the point a position's bits name is the native domain's point") {
  for (uint32_t log_size = 1; log_size <= 7; ++log_size) {
    const circle::CircleDomain domain = circle::CanonicCoset(log_size).circle_domain();
    std::vector<uint8_t> topology;
    for (size_t position = 0; position < domain.size(); ++position) {
      CAPTURE(log_size);
      CAPTURE(position);
      CircuitBuilder builder(true);
      const Wire word =
          builder.Guess(ValueType::kM31, QM31(M31::FromCanonical(static_cast<uint32_t>(position))));
      const PointWires p = CanonicDomainPoint(log_size, DecomposeBits(word, log_size, "position"));
      const circle::CirclePoint<M31> expected =
          domain.at(circle::BitReverseIndex(position, log_size));
      CHECK(p.x.value() == QM31(expected.x));
      CHECK(p.y.value() == QM31(expected.y));
      CHECK(!builder.failure());
      const hash::Blake2sHash digest = builder.circuit().Digest();
      if (position == 0) topology.assign(digest.bytes.begin(), digest.bytes.end());
      CHECK(std::equal(topology.begin(), topology.end(), digest.bytes.begin()));
    }
  }
}

}  // namespace
}  // namespace tensorstark::recursion
