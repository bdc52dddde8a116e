#include "circle/coset.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <numeric>
#include <vector>

#include "circle/bit_reverse.h"
#include "circle/vanishing.h"
#include "test_util.h"

namespace tensorstark::circle {

TEST_CASE("Coset elements are initial + i·step") {
  Coset c(CirclePointIndex(12345), 5);
  std::vector<CirclePoint<M31>> points = c.Points();
  REQUIRE(points.size() == 32);
  for (size_t i = 0; i < points.size(); ++i) {
    CHECK(points[i] == c.initial() + c.step().Mul(i));
    CHECK(c.at(i) == points[i]);
  }
  CHECK(c.step() == CirclePointIndex::SubgroupGen(5).ToPoint());
  CHECK(c.at(32) == c.at(0));

  CHECK(Coset::Subgroup(3).initial() == CirclePoint<M31>::Zero());
  CHECK(Coset::Odds(3).initial_index() == CirclePointIndex::SubgroupGen(4));
  CHECK(Coset::HalfOdds(3).initial_index() == CirclePointIndex::SubgroupGen(5));

  Coset d = c.Double();
  CHECK(d.log_size() == 4);
  for (size_t i = 0; i < d.size(); ++i) CHECK(d.at(i) == c.at(i).Double());
  CHECK(d.IsDoublingOf(c));
  CHECK(c.RepeatedDouble(3).IsDoublingOf(c));
  CHECK(c.IsDoublingOf(c));
  CHECK(!c.IsDoublingOf(d));
  CHECK(!Coset(CirclePointIndex(12346), 4).IsDoublingOf(c));

  Coset conj = c.Conjugate();
  for (size_t i = 0; i < c.size(); ++i) CHECK(conj.at(i) == c.at(i).Conjugate());
  Coset shifted = c.Shift(CirclePointIndex(7));
  for (size_t i = 0; i < c.size(); ++i) {
    CHECK(shifted.at(i) == c.at(i) + CirclePointIndex(7).ToPoint());
  }
}

TEST_CASE("Canonic coset and its circle domain (§2)") {
  for (uint32_t log_n = 1; log_n <= 8; ++log_n) {
    CAPTURE(log_n);
    CanonicCoset cc(log_n);
    size_t n = cc.size();
    CirclePoint<M31> g2n = CirclePointIndex::SubgroupGen(log_n + 1).ToPoint();
    CirclePoint<M31> gn = CirclePointIndex::SubgroupGen(log_n).ToPoint();
    CHECK(cc.step() == gn);
    for (size_t k = 0; k < n; ++k) CHECK(cc.at(k) == g2n + gn.Mul(k));

    CircleDomain domain = cc.circle_domain();
    CHECK(domain.size() == n);
    CHECK(domain.IsCanonic());
    CHECK(domain.half_coset() == Coset::HalfOdds(log_n - 1));
    std::vector<CirclePoint<M31>> d = domain.Points();
    for (size_t i = 0; i < n; ++i) CHECK(domain.at(i) == d[i]);
    for (size_t i = 0; i < n / 2; ++i) {
      CHECK(d[i] == domain.half_coset().at(i));
      CHECK(d[n / 2 + i] == domain.half_coset().at(i).Conjugate());
      // domain[i] = coset[2i], domain[n/2 + i] = coset[n-1-2i].
      CHECK(d[i] == cc.at(2 * i));
      CHECK(d[n / 2 + i] == cc.at(n - 1 - 2 * i));
    }
    std::vector<CirclePoint<M31>> coset_points = cc.coset().Points();
    CHECK(CosetOrderToCircleDomainOrder<CirclePoint<M31>>(coset_points) == d);
    CHECK(CircleDomainOrderToCosetOrder<CirclePoint<M31>>(d) == coset_points);
    for (size_t k = 0; k < n; ++k) {
      CHECK(d[CosetIndexToCircleDomainIndex(k, log_n)] == cc.at(k));
    }
  }
  CHECK(!CircleDomain(Coset(CirclePointIndex(5), 3)).IsCanonic());
}

TEST_CASE("Bit-reversal helpers") {
  CHECK(BitReverseIndex(0, 0) == 0);
  CHECK(BitReverseIndex(1, 3) == 4);
  CHECK(BitReverseIndex(6, 3) == 3);
  CHECK(BitReverseIndex(1, 20) == (size_t{1} << 19));
  CHECK(BitReverseIndex(0b1101, 5) == 0b10110);
  for (uint32_t log = 1; log <= 12; ++log) {
    for (size_t i = 0; i < (size_t{1} << log); i += 7) {
      CHECK(BitReverseIndex(BitReverseIndex(i, log), log) == i);
    }
  }
  std::vector<int> v(16);
  std::iota(v.begin(), v.end(), 0);
  BitReverse(std::span<int>(v));
  CHECK(v == std::vector<int>{0, 8, 4, 12, 2, 10, 6, 14, 1, 9, 5, 13, 3, 11, 7, 15});

  for (uint32_t log = 1; log <= 10; ++log) {
    CAPTURE(log);
    size_t n = size_t{1} << log;
    std::vector<size_t> rows(n);
    std::iota(rows.begin(), rows.end(), 0);
    // In place = coset order → circle-domain order → bit reversal.
    std::vector<size_t> expected = CosetOrderToCircleDomainOrder<size_t>(rows);
    BitReverse(std::span<size_t>(expected));
    std::vector<size_t> in_place = rows;
    BitReverseCosetToCircleDomainOrder(std::span<size_t>(in_place));
    CHECK(in_place == expected);
    for (size_t k = 0; k < n; ++k) {
      CHECK(in_place[BitReverseIndex(CosetIndexToCircleDomainIndex(k, log), log)] == k);
    }
    CHECK(in_place[0] == 0);  // row 0 is stored first
  }
}

TEST_CASE("Stored neighbours (2j, 2j+1) are conjugate points") {
  CircleDomain domain = CanonicCoset(6).circle_domain();
  std::vector<CirclePoint<M31>> d = domain.Points();
  for (size_t j = 0; j < d.size(); j += 2) {
    CHECK(d[BitReverseIndex(j + 1, 6)] == d[BitReverseIndex(j, 6)].Conjugate());
  }
}

TEST_CASE("Vanishing polynomials vanish exactly on their coset") {
  testing::Rng rng;
  for (uint32_t log_n = 1; log_n <= 7; ++log_n) {
    CAPTURE(log_n);
    CanonicCoset cc(log_n);
    for (const CirclePoint<M31>& p : cc.coset().Points()) {
      CHECK(CanonicVanishing(log_n, p).IsZero());
      CHECK(CosetVanishing(cc.coset(), p).IsZero());
      CHECK(CanonicVanishing(log_n, CirclePoint<QM31>(p)).IsZero());
    }
    // The rest of the subgroup of order 4n holding it is not.
    for (const CirclePoint<M31>& p : Coset::Subgroup(log_n + 2).Points()) {
      bool in_coset = false;
      for (const CirclePoint<M31>& q : cc.coset().Points()) in_coset |= p == q;
      CHECK(CanonicVanishing(log_n, p).IsZero() == in_coset);
    }
    CHECK(!CanonicVanishing(log_n, CirclePoint<QM31>::FromT(rng.QM31())).IsZero());

    Coset c(CirclePointIndex(rng.U32()), log_n);
    for (const CirclePoint<M31>& p : c.Points()) CHECK(CosetVanishing(c, p).IsZero());
    CHECK(
        !CosetVanishing(c, c.at(0) + CirclePointIndex::SubgroupGen(log_n + 1).ToPoint()).IsZero());
  }
}

}  // namespace tensorstark::circle
