// The composition's evaluation domain (Component::EvalLogSize): the quotient of a degree-3
// constraint on a trace of N rows, mask offsets included, is a polynomial of the circle FFT space
// of 2N points, so evaluating it on 2N points and interpolating gives it exactly (its value at an
// out-of-domain point is the verifier's); and it needs all 2N (its coefficients of the second
// half are not zero). A trace that does not satisfy the constraint has no such quotient, which the
// same comparison detects.
#include <doctest/doctest.h>

#include <algorithm>

#include "air/framework.h"
#include "air/layout.h"
#include "air/mask_index.h"
#include "circle/bit_reverse.h"
#include "circle/vanishing_multiple.h"
#include "air_test_util.h"

namespace tensorstark::air {
namespace {

// d = a[r-1]·b[r+1]·c[r]: a product of three columns, two of them shifted.
class ShiftedCube {
 public:
  explicit ShiftedCube(uint32_t log_size) : log_size_(log_size) {}

  std::string name() const { return "shifted_cube"; }
  uint32_t log_size() const { return log_size_; }

  template <class E>
  void Evaluate(E& eval) const {
    using F = typename E::F;
    const F a = eval.template NextInteractionMask<1>(kTraceTree, {-1})[0];
    const F b = eval.template NextInteractionMask<1>(kTraceTree, {1})[0];
    const F c = eval.NextTraceMask();
    const F d = eval.NextTraceMask();
    eval.AddConstraint(d - a * b * c);
  }

 private:
  uint32_t log_size_;
};

testing::Trees ShiftedCubeTrace(uint32_t log_size, bool satisfied, tensorstark::testing::Rng& rng) {
  const size_t n = size_t{1} << log_size;
  std::vector<std::vector<M31>> columns(4);
  for (size_t c = 0; c < 3; ++c) columns[c] = testing::RandomColumn(n, rng);
  columns[3] = testing::RandomColumn(n, rng);
  if (satisfied) {
    const auto at = [&](size_t c, size_t row) {
      return columns[c][CosetRowToStorageIndex(row % n, log_size)];
    };
    for (size_t row = 0; row < n; ++row) {
      columns[3][CosetRowToStorageIndex(row, log_size)] =
          at(0, row + n - 1) * at(1, row + 1) * at(2, row);
    }
  }
  testing::Trees trees;
  trees[kTraceTree] = std::move(columns);
  return trees;
}

struct Quotient {
  std::vector<circle::CirclePoly> coords;  // the interpolated quotient's coordinates
  QM31 at_point;                           // interpolated, at the out-of-domain point
  QM31 expected;                           // the verifier's value there
};

// The quotient of the component's constraint over these column polynomials, evaluated on
// 2^eval_log_size points and interpolated.
Quotient QuotientOf(const FrameworkComponent<ShiftedCube>& component,
                    const testing::TracePolys& polys, uint32_t eval_log_size,
                    const circle::CirclePoint<QM31>& point) {
  const uint32_t log_size = component.log_size();
  const circle::TwiddleTree twiddles = circle::TwiddleTree::ForCanonicDomains(eval_log_size);
  const testing::Trees extended = polys.Extend(eval_log_size, twiddles);
  const circle::CircleDomain domain = circle::CanonicCoset(eval_log_size).circle_domain();
  fri::SecureColumn accumulator = fri::SecureColumn::Zeros(domain.size());
  const EvalContext ctx{{}, nullptr, {}};
  const std::array<QM31, 1> coeffs = {QM31::One()};
  component.EvaluateOnDomain(domain, testing::View(extended), ctx, coeffs, accumulator);
  Quotient q;
  std::array<QM31, 4> coords_at_point;
  for (size_t i = 0; i < 4; ++i) {
    q.coords.push_back(
        circle::CircleEvaluation(domain, accumulator.coords[i]).Interpolate(twiddles));
    coords_at_point[i] = q.coords[i].EvalAtPoint(point);
  }
  q.at_point = QM31::FromPartialEvals(coords_at_point);
  component.EvaluateAtPoint(polys.Mask(component.Info(), log_size, point), point, QM31::One(), ctx,
                            q.expected);
  return q;
}

Quotient QuotientOf(const FrameworkComponent<ShiftedCube>& component, const testing::Trees& trace,
                    const circle::CirclePoint<QM31>& point) {
  const circle::TwiddleTree twiddles =
      circle::TwiddleTree::ForCanonicDomains(component.EvalLogSize());
  return QuotientOf(component, testing::TracePolys(trace, component.log_size(), twiddles),
                    component.EvalLogSize(), point);
}

TEST_CASE("a degree-3 quotient is a polynomial of the FFT space of twice the trace's points") {
  tensorstark::testing::Rng rng(60);
  for (uint32_t log_size : {4u, 5u, 8u}) {
    CAPTURE(log_size);
    const FrameworkComponent<ShiftedCube> component{ShiftedCube(log_size)};
    REQUIRE(component.Info().max_constraint_degree == 3);
    CHECK(component.EvalLogSize() == log_size + 1);
    const auto point = circle::CirclePoint<QM31>::FromT(rng.QM31());
    const Quotient honest = QuotientOf(component, ShiftedCubeTrace(log_size, true, rng), point);
    CHECK(honest.at_point == honest.expected);
    // All 2N points are needed: the second half of the coefficients (bit log_size of the index,
    // the factor π^(log_size-1)(x)) is not zero.
    const size_t n = size_t{1} << log_size;
    bool second_half = false;
    for (const circle::CirclePoly& coord : honest.coords) {
      second_half |= std::any_of(coord.coeffs().begin() + n, coord.coeffs().end(),
                                 [](M31 c) { return c != M31(); });
    }
    CHECK(second_half);
    // The constraint failing on the trace: no polynomial quotient, and the comparison says so.
    const Quotient cheating = QuotientOf(component, ShiftedCubeTrace(log_size, false, rng), point);
    CHECK(cheating.at_point != cheating.expected);
  }
}

TEST_CASE("with randomized columns the quotient fits ZkEvalLogSize, and not one size less") {
  // Columns f + Z_H·r (zero knowledge): degree 2^(n-1) + 2^(m-1). A small r (m ≤ n - 2) keeps the
  // degree-3 quotient within 4N points; r of the trace's size needs 8N.
  tensorstark::testing::Rng rng(61);
  for (uint32_t log_size : {5u, 7u}) {
    for (uint32_t randomizer_log_size : {2u, log_size - 2, log_size}) {
      CAPTURE(log_size);
      CAPTURE(randomizer_log_size);
      const FrameworkComponent<ShiftedCube> component{ShiftedCube(log_size)};
      const uint32_t eval_log_size = ZkEvalLogSize(log_size, 3, randomizer_log_size, 0);
      CHECK(eval_log_size == log_size + (randomizer_log_size + 2 <= log_size ? 2 : 3));
      const circle::TwiddleTree twiddles = circle::TwiddleTree::ForCanonicDomains(eval_log_size);
      testing::TracePolys polys(ShiftedCubeTrace(log_size, true, rng), log_size, twiddles);
      for (circle::CirclePoly& poly : polys.trees[kTraceTree]) {
        const std::vector<M31> r = rng.M31s(size_t{1} << randomizer_log_size);
        poly = circle::CirclePoly(circle::AddVanishingMultiple(poly.coeffs(), log_size, r, twiddles));
      }
      const auto point = circle::CirclePoint<QM31>::FromT(rng.QM31());
      const Quotient fits = QuotientOf(component, polys, eval_log_size, point);
      CHECK(fits.at_point == fits.expected);
      const Quotient too_small = QuotientOf(component, polys, eval_log_size - 1, point);
      CHECK(too_small.at_point != too_small.expected);
    }
  }
}

TEST_CASE("a column read through doublings counts its randomizer's degree times 2^j") {
  // Column c is a smaller component's randomized column g + Z·r (log size n - j, r of log size m)
  // composed with π^j, as a weight table's is read: its degree is 2^j times g's, so where m is
  // larger than n - j the randomizer's share sets the quotient's size. (ZkEvalLogSize bounds every
  // column by the largest one's degree, so it is loose where one factor of three is borrowed; the
  // bound that leaves out the doublings is too small.)
  tensorstark::testing::Rng rng(62);
  const uint32_t log_size = 7, doublings = 3, owner_log_size = log_size - doublings;
  const uint32_t randomizer_log_size = 5;
  const uint32_t eval_log_size = ZkEvalLogSize(log_size, 3, randomizer_log_size, doublings);
  const uint32_t without_doublings = ZkEvalLogSize(log_size, 3, randomizer_log_size, 0);
  CHECK(eval_log_size == log_size + 4);
  CHECK(without_doublings == log_size + 2);
  const circle::TwiddleTree twiddles = circle::TwiddleTree::ForCanonicDomains(eval_log_size);
  // The owner's randomized polynomial, and c = it ∘ π^j, interpolated on a domain that holds it.
  const circle::CirclePoly owner(circle::AddVanishingMultiple(
      circle::CircleEvaluation(circle::CanonicCoset(owner_log_size).circle_domain(),
                               testing::RandomColumn(size_t{1} << owner_log_size, rng))
          .Interpolate(twiddles)
          .coeffs(),
      owner_log_size, rng.M31s(size_t{1} << randomizer_log_size), twiddles));
  const auto composed_on = [&](const circle::CircleDomain& domain) {
    std::vector<M31> values(domain.size());
    for (size_t i = 0; i < values.size(); ++i) {
      values[i] = owner.EvalAtPoint(
          domain.at(circle::BitReverseIndex(i, domain.log_size())).RepeatedDouble(doublings));
    }
    return values;
  };
  const uint32_t composed_log_size = owner.log_size() + doublings;
  const circle::CirclePoly composed =
      circle::CircleEvaluation(circle::CanonicCoset(composed_log_size).circle_domain(),
                               composed_on(circle::CanonicCoset(composed_log_size).circle_domain()))
          .Interpolate(twiddles);
  // The trace: a and b random, c the composed column on the trace domain, d = a[r-1]·b[r+1]·c[r].
  const size_t n = size_t{1} << log_size;
  testing::Trees trace;
  trace[kTraceTree] = {testing::RandomColumn(n, rng), testing::RandomColumn(n, rng),
                       composed_on(circle::CanonicCoset(log_size).circle_domain()),
                       std::vector<M31>(n)};
  const auto at = [&](size_t c, size_t row) {
    return trace[kTraceTree][c][CosetRowToStorageIndex(row % n, log_size)];
  };
  for (size_t row = 0; row < n; ++row) {
    trace[kTraceTree][3][CosetRowToStorageIndex(row, log_size)] =
        at(0, row + n - 1) * at(1, row + 1) * at(2, row);
  }
  testing::TracePolys polys(trace, log_size, twiddles);
  for (size_t c : {0, 1, 3}) {
    const std::vector<M31> r = rng.M31s(size_t{1} << randomizer_log_size);
    polys.trees[kTraceTree][c] = circle::CirclePoly(circle::AddVanishingMultiple(
        polys.trees[kTraceTree][c].coeffs(), log_size, r, twiddles));
  }
  polys.trees[kTraceTree][2] = composed;
  const FrameworkComponent<ShiftedCube> component{ShiftedCube(log_size)};
  const auto point = circle::CirclePoint<QM31>::FromT(rng.QM31());
  const Quotient fits = QuotientOf(component, polys, eval_log_size, point);
  CHECK(fits.at_point == fits.expected);
  const Quotient too_small = QuotientOf(component, polys, without_doublings, point);
  CHECK(too_small.at_point != too_small.expected);
}

}  // namespace
}  // namespace tensorstark::air
