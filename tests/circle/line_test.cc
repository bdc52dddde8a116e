#include "circle/line.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <bit>
#include <vector>

#include "circle/bit_reverse.h"
#include "test_util.h"

namespace tensorstark::circle {
namespace {

std::vector<QM31> RandomQM31s(testing::Rng& rng, size_t n) {
  std::vector<QM31> v(n);
  for (QM31& x : v) x = rng.QM31();
  return v;
}

// Σ c_j·b_j(x) over ordered coefficients, b_j = Π_k π^k(x)^{j_k}.
QM31 ExplicitLineEval(const std::vector<QM31>& ordered, QM31 x) {
  uint32_t n = std::countr_zero(ordered.size());
  std::vector<QM31> factors;
  for (uint32_t k = 0; k < n; ++k, x = CirclePoint<QM31>::DoubleX(x)) factors.push_back(x);
  QM31 sum = QM31::Zero();
  for (size_t j = 0; j < ordered.size(); ++j) {
    QM31 b = QM31::One();
    for (uint32_t k = 0; k < n; ++k) {
      if ((j >> k) & 1) b *= factors[k];
    }
    sum += b * ordered[j];
  }
  return sum;
}

}  // namespace

TEST_CASE("Line domain of a circle domain") {
  CircleDomain circle = CanonicCoset(5).circle_domain();
  LineDomain line(circle);
  REQUIRE(line.size() == 16);
  std::vector<M31> xs = line.Points();
  for (size_t i = 0; i < line.size(); ++i) {
    CHECK(line.at(i) == circle.half_coset().at(i).x);
    CHECK(xs[i] == line.at(i));
    for (size_t k = 0; k < i; ++k) CHECK(xs[k] != xs[i]);
  }
  // Elements i and i + size/2 are negatives.
  for (size_t i = 0; i < 8; ++i) CHECK(xs[i + 8] == -xs[i]);
  LineDomain doubled = line.Double();
  for (size_t i = 0; i < doubled.size(); ++i) {
    CHECK(doubled.at(i) == CirclePoint<M31>::DoubleX(line.at(i)));
  }
}

TEST_CASE("LinePoly stores bit-reversed coefficients and evaluates per the basis") {
  testing::Rng rng;
  for (uint32_t log_n = 0; log_n <= 8; ++log_n) {
    std::vector<QM31> ordered = RandomQM31s(rng, size_t{1} << log_n);
    LinePoly poly = LinePoly::FromOrderedCoefficients(ordered);
    for (size_t j = 0; j < ordered.size(); ++j) {
      CHECK(poly.coeffs()[BitReverseIndex(j, log_n)] == ordered[j]);
    }
    CHECK(poly.OrderedCoefficients() == ordered);
    QM31 x = rng.QM31();
    CHECK(poly.EvalAtPoint(x) == ExplicitLineEval(ordered, x));
  }
}

TEST_CASE("Line interpolation and evaluation round trip") {
  testing::Rng rng;
  for (uint32_t log_n = 1; log_n <= 10; ++log_n) {
    CAPTURE(log_n);
    LineDomain domain(CanonicCoset(log_n + 1).circle_domain());
    std::vector<QM31> values = RandomQM31s(rng, domain.size());
    LinePoly poly = LineEvaluation(domain, values).Interpolate();
    REQUIRE(poly.log_size() == log_n);
    for (size_t j = 0; j < values.size(); ++j) {
      CHECK(poly.EvalAtPoint(QM31(domain.at(BitReverseIndex(j, log_n)))) == values[j]);
    }
    LineEvaluation back = poly.Evaluate(domain);
    CHECK(std::equal(values.begin(), values.end(), back.values().begin()));

    // A larger domain: the extension agrees with EvalAtPoint.
    LineDomain big(CanonicCoset(log_n + 3).circle_domain());
    LineEvaluation ext = poly.Evaluate(big);
    for (size_t j = 0; j < big.size(); j += 5) {
      CHECK(ext.values()[j] == poly.EvalAtPoint(QM31(big.at(BitReverseIndex(j, log_n + 2)))));
    }
    // Interpolating the extension gives the same polynomial, zero-padded.
    std::vector<QM31> again = ext.Interpolate().OrderedCoefficients();
    std::vector<QM31> padded = poly.OrderedCoefficients();
    padded.resize(big.size());
    CHECK(again == padded);
  }
}

}  // namespace tensorstark::circle
