// DEEP quotients: the prover's packed evaluation agrees with the verifier's per-point formula,
// and honest samples give a quotient of low degree while a wrong sample does not.
#include "fri/quotients.h"

#include <doctest/doctest.h>

#include <vector>

#include "circle/bit_reverse.h"
#include "circle/circle_poly.h"
#include "circle/coset.h"
#include "circle/twiddles.h"
#include "test_util.h"

namespace tensorstark::fri {
namespace {

using circle::CirclePoint;
using circle::CirclePoly;

CirclePoint<QM31> RandomPoint(testing::Rng& rng) { return CirclePoint<QM31>::FromT(rng.QM31()); }

struct Fixture {
  static constexpr uint32_t kLogPoly = 6, kLogDomain = 7;
  testing::Rng rng{17};
  circle::TwiddleTree twiddles = circle::TwiddleTree::ForCanonicDomains(kLogDomain);
  circle::CircleDomain domain = circle::CanonicCoset(kLogDomain).circle_domain();
  std::vector<CirclePoly> polys;
  std::vector<std::vector<M31>> evals;
  std::vector<std::vector<PointSample>> samples;

  explicit Fixture(size_t n_columns) {
    const CirclePoint<QM31> p = RandomPoint(rng), q = RandomPoint(rng);
    for (size_t c = 0; c < n_columns; ++c) {
      std::vector<M31> coeffs(size_t{1} << kLogPoly);
      for (M31& v : coeffs) v = rng.M31();
      polys.emplace_back(std::move(coeffs));
      const circle::CircleEvaluation e = polys.back().Evaluate(domain, twiddles);
      evals.emplace_back(e.values().begin(), e.values().end());
      // Column 0 at two points, the others at one of them: batches of different sizes.
      std::vector<PointSample> s = {{p, polys.back().EvalAtPoint(p)}};
      if (c == 0) s.push_back({q, polys.back().EvalAtPoint(q)});
      samples.push_back(std::move(s));
    }
  }
  std::vector<std::span<const M31>> Spans() const { return {evals.begin(), evals.end()}; }
};

TEST_CASE("batches come in the order of their points' first samples, whatever the points") {
  // Column 0 samples q then p, column 1 p then r: the batches are q, p, r.
  testing::Rng rng(5);
  const CirclePoint<QM31> p = RandomPoint(rng), q = RandomPoint(rng), r = RandomPoint(rng);
  const std::vector<std::vector<PointSample>> samples = {{{q, rng.QM31()}, {p, rng.QM31()}},
                                                         {{p, rng.QM31()}, {r, rng.QM31()}}};
  const std::vector<ColumnSampleBatch> batches = BatchSamplesByPoint(samples);
  REQUIRE(batches.size() == 3);
  CHECK(batches[0].point == q);
  CHECK(batches[1].point == p);
  CHECK(batches[2].point == r);
  CHECK(batches[1].columns_and_values.size() == 2);
}

TEST_CASE("packed quotient equals the per-point quotient") {
  Fixture f(5);
  const QM31 alpha = f.rng.QM31();
  const std::vector<ColumnSampleBatch> batches = BatchSamplesByPoint(f.samples);
  CHECK(batches.size() == 2);
  const std::vector<BatchConstants> constants = PrepareBatches(batches, alpha);
  const SecureColumn quotient = ComputeFriQuotient(f.domain, f.Spans(), constants);
  for (size_t i : {size_t{0}, size_t{1}, size_t{37}, size_t{127}}) {
    std::vector<M31> row;
    for (const auto& e : f.evals) row.push_back(e[i]);
    const CirclePoint<M31> p = f.domain.at(circle::BitReverseIndex(i, Fixture::kLogDomain));
    CHECK(quotient.at(i) == FriQuotientAtPoint(p, row, constants));
  }
}

// The quotient's coordinates, interpolated on the domain, must have no coefficients at or above
// the polynomials' size (a quotient by a degree-1 line loses one degree).
bool IsLowDegree(const Fixture& f, const SecureColumn& quotient) {
  for (const std::vector<M31>& coord : quotient.coords) {
    const CirclePoly poly = circle::CircleEvaluation(f.domain, coord).Interpolate(f.twiddles);
    for (size_t i = size_t{1} << Fixture::kLogPoly; i < poly.coeffs().size(); ++i) {
      if (poly.coeffs()[i] != M31()) return false;
    }
  }
  return true;
}

TEST_CASE("honest samples give a low-degree quotient, a wrong sample does not") {
  Fixture f(3);
  const QM31 alpha = f.rng.QM31();
  auto quotient = [&] {
    return ComputeFriQuotient(f.domain, f.Spans(),
                              PrepareBatches(BatchSamplesByPoint(f.samples), alpha));
  };
  CHECK(IsLowDegree(f, quotient()));
  f.samples[1][0].value += QM31::One();
  CHECK_FALSE(IsLowDegree(f, quotient()));
}

}  // namespace
}  // namespace tensorstark::fri
