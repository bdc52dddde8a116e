// BasisAtPoint agrees with the fold of CirclePoly::EvalAtPoint.
#include "circle/basis_at_point.h"

#include <doctest/doctest.h>

#include "circle/circle_poly.h"
#include "test_util.h"

namespace tensorstark::circle {
namespace {

TEST_CASE("basis inner product equals EvalAtPoint") {
  testing::Rng rng(5);
  for (uint32_t log_size : {0u, 1u, 3u, 4u, 5u, 9u, 13u}) {
    const CirclePoint<QM31> point = CirclePoint<QM31>::FromT(rng.QM31());
    const BasisAtPoint basis(point, log_size);
    for (int i = 0; i < 3; ++i) {
      std::vector<M31> coeffs(size_t{1} << log_size);
      for (M31& c : coeffs) c = rng.M31();
      const CirclePoly poly(coeffs);
      CHECK(basis.Evaluate(coeffs) == poly.EvalAtPoint(point));
    }
  }
}

}  // namespace
}  // namespace tensorstark::circle
