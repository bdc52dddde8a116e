#include "circle/vanishing_multiple.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <vector>

#include "circle/circle_poly.h"
#include "circle/coset.h"
#include "test_util.h"

namespace tensorstark::circle {
namespace {

TEST_CASE("RestrictToCanonicCoset agrees with the polynomial on the canonic coset") {
  testing::Rng rng;
  for (uint32_t k : {1u, 2u, 4u}) {
    for (uint32_t extra : {0u, 1u, 2u, 3u}) {
      const CirclePoly big(rng.M31s(size_t{1} << (k + extra)));
      const CirclePoly small(RestrictToCanonicCoset(big.coeffs(), k));
      REQUIRE(small.log_size() == k);
      const CanonicCoset coset(k);
      for (size_t i = 0; i < coset.size(); ++i) {
        CHECK(small.EvalAtPoint(coset.at(i)) == big.EvalAtPoint(coset.at(i)));
      }
    }
  }
}

TEST_CASE("AddVanishingMultiple keeps f on the trace domain and changes it elsewhere") {
  testing::Rng rng;
  const TwiddleTree twiddles = TwiddleTree::ForCanonicDomains(10);
  for (uint32_t k : {2u, 5u}) {
    for (uint32_t m : {k - 2, k - 1, k, k + 1, k + 3}) {
      const std::vector<M31> f = rng.M31s(size_t{1} << k);
      const std::vector<M31> r = rng.M31s(size_t{1} << m);
      const CirclePoly randomized(AddVanishingMultiple(f, k, r, twiddles));
      CHECK(randomized.log_size() == std::max(k, m) + 1);
      CHECK(RestrictToCanonicCoset(randomized.coeffs(), k) == f);
      // Off H the difference is Z_H·r: at a point of a larger canonic coset, nonzero here.
      const CirclePoint<M31> p = CanonicCoset(k + 4).at(3);
      const CirclePoly f_poly(f), r_poly(r);
      M31 z = p.x;
      for (uint32_t i = 1; i < k; ++i) z = CirclePoint<M31>::DoubleX(z);
      CHECK(randomized.EvalAtPoint(p) == f_poly.EvalAtPoint(p) + z * r_poly.EvalAtPoint(p));
    }
  }
}

}  // namespace
}  // namespace tensorstark::circle
