#include "field/packed_qm31.h"

#include <doctest/doctest.h>

#include <array>
#include <vector>

#include "field/batch_inverse.h"
#include "field/packed_cm31.h"
#include "test_util.h"

namespace tensorstark::field {
namespace {

// Random QM31 lanes where each coordinate is an edge value (0, 1, p - 1) with probability 1/4.
std::array<QM31, kLanes> RandomLanes(testing::Rng& rng) {
  const std::array<uint32_t, 3> edges = {0, 1, kP - 1};
  std::array<QM31, kLanes> r;
  for (QM31& v : r) {
    std::array<M31, 4> coords;
    for (M31& c : coords) {
      c = rng.U32() % 4 == 0 ? M31::FromCanonical(edges[rng.U32() % 3]) : rng.M31();
    }
    v = QM31::FromM31Array(coords);
  }
  return r;
}

// Compares coordinates (raw values, so non-canonical lanes would fail too).
void CheckEqual(const std::array<QM31, kLanes>& got, const std::array<QM31, kLanes>& want) {
  for (int lane = 0; lane < kLanes; ++lane) {
    INFO("lane " << lane << " got " << got[lane] << " want " << want[lane]);
    const std::array<M31, 4> g = got[lane].ToM31Array(), w = want[lane].ToM31Array();
    for (int k = 0; k < 4; ++k) CHECK(g[k].value() == w[k].value());
  }
}

std::array<CM31, kLanes> Real(const std::array<QM31, kLanes>& v) {
  std::array<CM31, kLanes> r;
  for (int i = 0; i < kLanes; ++i) r[i] = v[i].c0;
  return r;
}

TEST_CASE("PackedCM31 kernels match scalar CM31 in every lane") {
  testing::Rng rng;
  for (int iter = 0; iter < 500; ++iter) {
    const std::array<CM31, kLanes> x = Real(RandomLanes(rng)), y = Real(RandomLanes(rng));
    const std::array<M31, kLanes> s = PackedCM31::FromArray(y).a.ToArray();
    const PackedCM31 px = PackedCM31::FromArray(x), py = PackedCM31::FromArray(y);
    const std::array<CM31, kLanes> sum = (px + py).ToArray(), diff = (px - py).ToArray(),
                                   prod = (px * py).ToArray(), neg = (-px).ToArray(),
                                   by_m31 = (px * PackedM31::FromArray(s)).ToArray(),
                                   inv = px.Inverse().ToArray();
    for (int i = 0; i < kLanes; ++i) {
      CHECK(sum[i] == x[i] + y[i]);
      CHECK(diff[i] == x[i] - y[i]);
      CHECK(prod[i] == x[i] * y[i]);
      CHECK(neg[i] == -x[i]);
      CHECK(by_m31[i] == x[i] * s[i]);
      CHECK(inv[i] == (x[i].IsZero() ? CM31() : x[i].Inverse()));
    }
  }
  const CM31 c(M31::FromCanonical(3), M31::FromCanonical(kP - 1));
  for (const CM31& v : PackedCM31::Broadcast(c).ToArray()) CHECK(v == c);
}

TEST_CASE("PackedQM31 kernels match scalar QM31 in every lane") {
  testing::Rng rng;
  for (int iter = 0; iter < 1000; ++iter) {
    const std::array<QM31, kLanes> x = RandomLanes(rng), y = RandomLanes(rng);
    const PackedQM31 px = PackedQM31::FromArray(x), py = PackedQM31::FromArray(y);
    const PackedM31 ps = py.c1.b;
    const std::array<M31, kLanes> s = ps.ToArray();
    std::array<QM31, kLanes> want_sum, want_diff, want_prod, want_neg, want_sq, want_by_m31;
    for (int i = 0; i < kLanes; ++i) {
      want_sum[i] = x[i] + y[i];
      want_diff[i] = x[i] - y[i];
      want_prod[i] = x[i] * y[i];
      want_neg[i] = -x[i];
      want_sq[i] = x[i].Square();
      want_by_m31[i] = x[i] * s[i];
    }
    CheckEqual((px + py).ToArray(), want_sum);
    CheckEqual((px - py).ToArray(), want_diff);
    CheckEqual((px * py).ToArray(), want_prod);
    CheckEqual((-px).ToArray(), want_neg);
    CheckEqual(px.Square().ToArray(), want_sq);
    CheckEqual((px * ps).ToArray(), want_by_m31);
    CheckEqual((ps * px).ToArray(), want_by_m31);
    PackedQM31 acc = px;
    acc *= py;
    acc += px;
    acc -= py;
    std::array<QM31, kLanes> want_acc;
    for (int i = 0; i < kLanes; ++i) want_acc[i] = x[i] * y[i] + x[i] - y[i];
    CheckEqual(acc.ToArray(), want_acc);
  }
}

TEST_CASE("PackedQM31 matches the reference product (1,2,3,4)·(4,5,6,7)") {
  const PackedQM31 x = PackedQM31::Broadcast(QM31::FromU32(1, 2, 3, 4));
  const PackedQM31 y = PackedQM31::Broadcast(QM31::FromU32(4, 5, 6, 7));
  CHECK(x * y == PackedQM31::Broadcast(QM31::FromU32(kP - 71, 93, kP - 16, 50)));
  const PackedQM31 u = PackedQM31::Broadcast(QM31::FromU32(0, 0, 1, 0));
  CHECK(u * u == PackedQM31::Broadcast(QM31::FromU32(2, 1, 0, 0)));
}

TEST_CASE("PackedQM31 coordinate load/store, array round trip and equality") {
  testing::Rng rng;
  const std::array<QM31, kLanes> x = RandomLanes(rng);
  // Coordinate columns with one element of padding on each side, loaded from offset 1.
  std::array<std::vector<M31>, 4> cols;
  for (auto& col : cols) col.assign(kLanes + 2, M31());
  for (int i = 0; i < kLanes; ++i) {
    const std::array<M31, 4> c = x[i].ToM31Array();
    for (int k = 0; k < 4; ++k) cols[k][i + 1] = c[k];
  }
  const PackedQM31 p = PackedQM31::LoadCoords(&cols[0][1], &cols[1][1], &cols[2][1], &cols[3][1]);
  CheckEqual(p.ToArray(), x);
  CHECK(PackedQM31::FromArray(x) == p);

  std::array<std::vector<M31>, 4> out;
  for (auto& col : out) col.assign(kLanes + 2, M31());
  p.StoreCoords(&out[0][1], &out[1][1], &out[2][1], &out[3][1]);
  for (int k = 0; k < 4; ++k) CHECK(out[k] == cols[k]);

  for (int lane = 0; lane < kLanes; ++lane) {
    for (int k = 0; k < 4; ++k) {
      std::array<QM31, kLanes> y = x;
      std::array<M31, 4> c = y[lane].ToM31Array();
      c[k] += M31::One();
      y[lane] = QM31::FromM31Array(c);
      CHECK_FALSE(PackedQM31::FromArray(y) == p);
    }
  }
  const QM31 q = QM31::FromU32(7, 0, kP - 1, 1);
  CheckEqual(PackedQM31::Broadcast(q).ToArray(), [&] {
    std::array<QM31, kLanes> r;
    r.fill(q);
    return r;
  }());
}

TEST_CASE("PackedQM31 inverse and packed batch inverse") {
  testing::Rng rng;
  std::vector<PackedQM31> in(21);
  for (PackedQM31& v : in) {
    std::array<QM31, kLanes> l = RandomLanes(rng);
    for (QM31& x : l) x = x.IsZero() ? QM31::One() : x;
    v = PackedQM31::FromArray(l);
  }
  const std::vector<PackedQM31> out = BatchInverse<PackedQM31>(in);
  for (size_t i = 0; i < in.size(); ++i) {
    const std::array<QM31, kLanes> x = in[i].ToArray();
    std::array<QM31, kLanes> want;
    for (int lane = 0; lane < kLanes; ++lane) want[lane] = x[lane].Inverse();
    CheckEqual(out[i].ToArray(), want);
    CheckEqual(in[i].Inverse().ToArray(), want);
  }
}

}  // namespace
}  // namespace tensorstark::field
