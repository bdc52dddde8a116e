#include "fri/fold.h"

#include <doctest/doctest.h>
#include <tbb/global_control.h>

#include <vector>

#include "circle/bit_reverse.h"
#include "circle/circle_poly.h"
#include "circle/coset.h"
#include "circle/line.h"
#include "circle/twiddles.h"
#include "fri/fri_schedule.h"
#include "test_util.h"

namespace tensorstark::fri {
namespace {

using circle::CanonicCoset;
using circle::LineDomain;

SecureColumn RandomColumn(testing::Rng& rng, size_t n) {
  SecureColumn column = SecureColumn::Zeros(n);
  for (size_t i = 0; i < n; ++i) column.Set(i, rng.QM31());
  return column;
}

std::vector<QM31> Values(const SecureColumn& column) {
  std::vector<QM31> values;
  for (size_t i = 0; i < column.size(); ++i) values.push_back(column.at(i));
  return values;
}

}  // namespace

// Up to log size 14 so that layers span several parallel chunks of 2^12 pairs.
TEST_CASE("Fast circle-to-line fold equals the reference") {
  testing::Rng rng;
  for (uint32_t log_size = 1; log_size <= 14; ++log_size) {
    CAPTURE(log_size);
    const circle::CircleDomain domain = CanonicCoset(log_size).circle_domain();
    const SecureColumn src = RandomColumn(rng, domain.size());
    const SecureColumn dst = RandomColumn(rng, domain.size() / 2);
    const QM31 alpha = rng.QM31();
    SecureColumn fast = dst, reference = dst;
    FoldCircleIntoLine(fast, src, domain, alpha);
    FoldCircleIntoLineReference(reference, src, domain, alpha);
    CHECK(fast.coords == reference.coords);
  }
}

TEST_CASE("Fast line fold equals the reference") {
  testing::Rng rng;
  for (uint32_t log_size = 1; log_size <= 14; ++log_size) {
    CAPTURE(log_size);
    const LineDomain domain = FriLineDomain(log_size);
    const SecureColumn eval = RandomColumn(rng, domain.size());
    const QM31 alpha = rng.QM31();
    CHECK(FoldLine(eval, domain, alpha).coords == FoldLineReference(eval, domain, alpha).coords);
  }
}

TEST_CASE("Folds do not depend on the thread count") {
  testing::Rng rng;
  const circle::CircleDomain domain = CanonicCoset(15).circle_domain();
  const SecureColumn src = RandomColumn(rng, domain.size());
  const QM31 alpha = rng.QM31();
  SecureColumn parallel = SecureColumn::Zeros(domain.size() / 2);
  FoldCircleIntoLine(parallel, src, domain, alpha);
  const SecureColumn parallel_line = FoldLine(parallel, LineDomain(domain), alpha);
  tbb::global_control single(tbb::global_control::max_allowed_parallelism, 1);
  SecureColumn serial = SecureColumn::Zeros(domain.size() / 2);
  FoldCircleIntoLine(serial, src, domain, alpha);
  CHECK(serial.coords == parallel.coords);
  CHECK(FoldLine(serial, LineDomain(domain), alpha).coords == parallel_line.coords);
}

// Folding halves the degree: the circle fold of a polynomial of log size d is a line polynomial
// of log size d - 1, and each line fold takes one more off.
TEST_CASE("Folds of a low-degree evaluation stay low-degree") {
  testing::Rng rng;
  const uint32_t log_size = 9, log_degree = 6;
  const circle::TwiddleTree twiddles = circle::TwiddleTree::ForCanonicDomains(log_size);
  const circle::CircleDomain domain = CanonicCoset(log_size).circle_domain();
  SecureColumn column = SecureColumn::Zeros(domain.size());
  for (std::vector<M31>& coord : column.coords) {
    std::vector<M31> coeffs(size_t{1} << log_degree);
    for (M31& c : coeffs) c = rng.M31();
    const circle::CircleEvaluation eval = circle::CirclePoly(coeffs).Evaluate(domain, twiddles);
    coord.assign(eval.values().begin(), eval.values().end());
  }
  SecureColumn line = SecureColumn::Zeros(domain.size() / 2);
  FoldCircleIntoLine(line, column, domain, rng.QM31());
  LineDomain line_domain(domain);
  for (uint32_t degree = log_degree - 1; degree >= 1; --degree) {
    CAPTURE(degree);
    const std::vector<QM31> coeffs =
        circle::LineEvaluation(line_domain, Values(line)).Interpolate().OrderedCoefficients();
    for (size_t j = 0; j < coeffs.size(); ++j) CHECK(coeffs[j].IsZero() == (j >= (1u << degree)));
    line = FoldLine(line, line_domain, rng.QM31());
    line_domain = line_domain.Double();
  }
}

}  // namespace tensorstark::fri
