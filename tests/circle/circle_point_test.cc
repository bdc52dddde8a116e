#include "circle/circle_point.h"

#include <doctest/doctest.h>

#include "test_util.h"

namespace tensorstark::circle {
namespace {

using field::kP;

bool OnCircle(const CirclePoint<M31>& p) { return p.x.Square() + p.y.Square() == M31::One(); }

CirclePoint<M31> RandomPoint(testing::Rng& rng) { return CirclePointIndex(rng.U32()).ToPoint(); }

}  // namespace

TEST_CASE("The M31 circle generator has order exactly 2^31") {
  const CirclePoint<M31> g = kM31CircleGen;
  CHECK(OnCircle(g));
  CHECK(g.LogOrder() == 31);
  CHECK(g.RepeatedDouble(30) == CirclePoint<M31>(M31::FromCanonical(kP - 1), M31::Zero()));
  CHECK(g.RepeatedDouble(31) == CirclePoint<M31>::Zero());
  CHECK(g.Mul(uint64_t{1} << 31) == CirclePoint<M31>::Zero());
  CHECK(g.Mul((uint64_t{1} << 31) - 1) == g.Conjugate());
  // G_4 = (0, -1), which the FFT's circle-layer twiddle derivation relies on.
  CHECK(CirclePointIndex::SubgroupGen(2).ToPoint() ==
        CirclePoint<M31>(M31::Zero(), M31::FromCanonical(kP - 1)));
  for (uint32_t log = 0; log <= 31; ++log) {
    CHECK(CirclePointIndex::SubgroupGen(log).ToPoint().LogOrder() == log);
  }
}

TEST_CASE("Circle group law") {
  testing::Rng rng;
  for (int i = 0; i < 200; ++i) {
    CirclePoint<M31> a = RandomPoint(rng), b = RandomPoint(rng), c = RandomPoint(rng);
    CHECK(OnCircle(a + b));
    CHECK((a + b) + c == a + (b + c));
    CHECK(a + b == b + a);
    CHECK(a + CirclePoint<M31>::Zero() == a);
    CHECK(a + (-a) == CirclePoint<M31>::Zero());
    CHECK(a - b + b == a);
    CHECK(a.Double() == a + a);
    CHECK(a.Antipode() == a + CirclePoint<M31>(M31::FromCanonical(kP - 1), M31::Zero()));
    CHECK(a.Mul(5) == a + a + a + a + a);
    CHECK(a.Mul(0) == CirclePoint<M31>::Zero());
  }
}

TEST_CASE("CirclePointIndex arithmetic mirrors point arithmetic") {
  testing::Rng rng;
  for (int i = 0; i < 50; ++i) {
    CirclePointIndex a(rng.U32()), b(rng.U32());
    uint64_t s = rng.U64();
    CHECK((a + b).ToPoint() == a.ToPoint() + b.ToPoint());
    CHECK((a - b).ToPoint() == a.ToPoint() - b.ToPoint());
    CHECK((-a).ToPoint() == a.ToPoint().Conjugate());
    CHECK((a * s).ToPoint() == a.ToPoint().Mul(s % (uint64_t{1} << 31)));
    CHECK((a * 2).Half() * 2 == a * 2);
    CHECK(CirclePointIndex(a.value() & ~1u).Half().ToPoint().Double() ==
          CirclePointIndex(a.value() & ~1u).ToPoint());
  }
  CHECK(CirclePointIndex(uint64_t{1} << 31) == CirclePointIndex::Zero());
}

TEST_CASE("QM31 points: lifting, the group law and FromT") {
  testing::Rng rng;
  for (int i = 0; i < 100; ++i) {
    CirclePoint<M31> a = RandomPoint(rng), b = RandomPoint(rng);
    CHECK(CirclePoint<QM31>(a) + CirclePoint<QM31>(b) == CirclePoint<QM31>(a + b));
    CirclePoint<QM31> p = CirclePoint<QM31>::FromT(rng.QM31());
    CHECK(p.x.Square() + p.y.Square() == QM31::One());
    CirclePoint<QM31> q = CirclePoint<QM31>::FromT(rng.QM31());
    CHECK((p + q) - q == p);
    CHECK(p.Double().x == CirclePoint<QM31>::DoubleX(p.x));
  }
  // t = 0 gives the identity.
  CHECK(CirclePoint<QM31>::FromT(QM31::Zero()) == CirclePoint<QM31>::Zero());
}

}  // namespace tensorstark::circle
