#include "circle/doubling.h"

#include <doctest/doctest.h>

#include <vector>

#include "circle/bit_reverse.h"
#include "circle/circle_poly.h"
#include "circle/coset.h"
#include "circle/twiddles.h"
#include "test_util.h"

namespace tensorstark::circle {

TEST_CASE("DoubledPosition names the doubled point, on canonic domains and their prefixes") {
  for (uint32_t log_size = 1; log_size <= 8; ++log_size) {
    for (uint32_t prefix = 1; prefix <= log_size; ++prefix) {
      const CircleDomain domain = CanonicCoset(log_size).BitReversedPrefix(prefix);
      for (uint32_t k = 0; k < prefix; ++k) {
        const CircleDomain doubled = CanonicCoset(log_size - k).BitReversedPrefix(prefix - k);
        for (size_t s = 0; s < domain.size(); ++s) {
          const size_t d = DoubledPosition(s, k);
          REQUIRE(d < doubled.size());
          CHECK(domain.at(BitReverseIndex(s, prefix)).RepeatedDouble(k) ==
                doubled.at(BitReverseIndex(d, prefix - k)));
        }
      }
    }
  }
}

TEST_CASE("A column read through the doubling repeats in coset order") {
  testing::Rng rng;
  const uint32_t log_small = 3, log_size = 7;
  std::vector<M31> small(size_t{1} << log_small);
  for (M31& v : small) v = rng.M31();
  std::vector<M31> stored = small;
  BitReverseCosetToCircleDomainOrder(std::span<M31>(stored));
  std::vector<M31> expanded(size_t{1} << log_size);
  ExpandDoubled(stored, log_size - log_small, expanded);
  BitReverseCosetToCircleDomainOrder(std::span<M31>(expanded));  // an involution: back to rows
  for (size_t r = 0; r < expanded.size(); ++r) CHECK(expanded[r] == small[r % small.size()]);
}

TEST_CASE("The expanded column's polynomial is the small one composed with the doubling") {
  // What lets a verifier sample the small column at π^k(z) in place of the large one at z.
  testing::Rng rng;
  const uint32_t log_small = 4, log_size = 9, k = log_size - log_small;
  const TwiddleTree twiddles = TwiddleTree::ForCanonicDomains(log_size);
  std::vector<M31> small(size_t{1} << log_small);
  for (M31& v : small) v = rng.M31();
  const CirclePoly g =
      CircleEvaluation(CanonicCoset(log_small).circle_domain(), small).Interpolate(twiddles);
  std::vector<M31> expanded(size_t{1} << log_size);
  ExpandDoubled(small, k, expanded);
  const CirclePoly h =
      CircleEvaluation(CanonicCoset(log_size).circle_domain(), expanded).Interpolate(twiddles);
  for (int i = 0; i < 4; ++i) {
    const CirclePoint<QM31> z = CirclePoint<QM31>::FromT(rng.QM31());
    CHECK(h.EvalAtPoint(z) == g.EvalAtPoint(z.RepeatedDouble(k)));
  }
}

}  // namespace tensorstark::circle
