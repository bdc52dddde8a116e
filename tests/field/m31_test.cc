#include <doctest/doctest.h>

#include <vector>

#include "field/batch_inverse.h"
#include "field/m31.h"
#include "field/qm31.h"
#include "test_util.h"

namespace tensorstark::field {

TEST_CASE("M31 arithmetic matches 64-bit integer arithmetic mod p") {
  testing::Rng rng;
  const std::vector<uint32_t> edges = {0, 1, 2, kP - 1, kP - 2};
  for (int i = 0; i < 10000; ++i) {
    uint32_t a = i < 25 ? edges[i % 5] : rng.U32() % kP;
    uint32_t b = i < 25 ? edges[i / 5] : rng.U32() % kP;
    M31 x = M31::FromCanonical(a), y = M31::FromCanonical(b);
    CHECK((x + y).value() == (uint64_t{a} + b) % kP);
    CHECK((x - y).value() == (uint64_t{a} + kP - b) % kP);
    CHECK((x * y).value() == (uint64_t{a} * b) % kP);
    CHECK((-x).value() == (kP - a) % kP);
  }
}

TEST_CASE("M31::Reduce handles every 64-bit input") {
  for (uint64_t v : {uint64_t{0}, uint64_t{kP}, uint64_t{kP} * kP, ~uint64_t{0},
                     uint64_t{1} << 62, (uint64_t{kP} << 32) | kP}) {
    CHECK(M31::Reduce(v).value() == v % kP);
  }
}

TEST_CASE("M31, CM31 and QM31 inverses") {
  testing::Rng rng;
  for (int i = 0; i < 200; ++i) {
    M31 a = rng.M31();
    if (!a.IsZero()) CHECK(a * a.Inverse() == M31::One());
    CM31 c(rng.M31(), rng.M31());
    if (!c.IsZero()) CHECK(c * c.Inverse() == CM31::One());
    QM31 q = rng.QM31();
    if (!q.IsZero()) CHECK(q * q.Inverse() == QM31::One());
  }
  CHECK(M31::FromCanonical(kP - 1).Inverse() == M31::FromCanonical(kP - 1));
}

TEST_CASE("QM31 multiplication matches the reference vector") {
  // (1,2,3,4)·(4,5,6,7) = (P-71, 93, P-16, 50), from Stwo's qm31.rs tests.
  QM31 x = QM31::FromU32(1, 2, 3, 4), y = QM31::FromU32(4, 5, 6, 7);
  CHECK(x * y == QM31::FromU32(kP - 71, 93, kP - 16, 50));
  CHECK(x.ComplexConjugate() == QM31::FromU32(1, 2, kP - 3, kP - 4));
  // u^2 = 2 + i
  QM31 u = QM31::FromU32(0, 0, 1, 0);
  CHECK(u * u == QM31::FromU32(2, 1, 0, 0));
}

TEST_CASE("QM31 is a field: distributivity and associativity on random values") {
  testing::Rng rng;
  for (int i = 0; i < 1000; ++i) {
    QM31 a = rng.QM31(), b = rng.QM31(), c = rng.QM31();
    CHECK(a * (b + c) == a * b + a * c);
    CHECK((a * b) * c == a * (b * c));
    CHECK(a * b == b * a);
  }
}

TEST_CASE("FromPartialEvals recombines coordinates") {
  testing::Rng rng;
  QM31 v = rng.QM31();
  auto m = v.ToM31Array();
  CHECK(QM31::FromPartialEvals({QM31(m[0]), QM31(m[1]), QM31(m[2]), QM31(m[3])}) == v);
  CHECK(QM31::FromM31Array(m) == v);
}

TEST_CASE("BatchInverse equals element-wise inverses") {
  testing::Rng rng;
  std::vector<QM31> in(257);
  for (auto& v : in) v = rng.QM31();
  std::vector<QM31> out = BatchInverse<QM31>(in);
  for (size_t i = 0; i < in.size(); ++i) CHECK(out[i] == in[i].Inverse());
  CHECK(BatchInverse<QM31>(std::span<const QM31>{}).empty());
}

}  // namespace tensorstark::field
