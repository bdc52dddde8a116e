#include "field/packed_m31.h"

#include <doctest/doctest.h>

#include <array>
#include <vector>

#include "field/batch_inverse.h"
#include "test_util.h"

namespace tensorstark::field {
namespace {

using Lanes = std::array<M31, kLanes>;

const std::array<uint32_t, 5> kEdges = {0, 1, 2, kP - 2, kP - 1};

Lanes RandomLanes(testing::Rng& rng) {
  Lanes r;
  for (M31& v : r) v = rng.M31();
  return r;
}

// Operand pairs: every edge pair in every lane position (over random other lanes), all-edge
// vectors, then random vectors with edge values sprinkled in.
std::vector<std::pair<Lanes, Lanes>> Inputs() {
  testing::Rng rng;
  std::vector<std::pair<Lanes, Lanes>> r;
  for (int lane = 0; lane < kLanes; ++lane) {
    for (uint32_t x : kEdges) {
      for (uint32_t y : kEdges) {
        Lanes a = RandomLanes(rng), b = RandomLanes(rng);
        a[lane] = M31::FromCanonical(x);
        b[lane] = M31::FromCanonical(y);
        r.emplace_back(a, b);
      }
    }
  }
  for (uint32_t x : kEdges) {
    for (uint32_t y : kEdges) {
      Lanes a, b;
      a.fill(M31::FromCanonical(x));
      b.fill(M31::FromCanonical(y));
      r.emplace_back(a, b);
    }
  }
  for (int i = 0; i < 2000; ++i) {
    Lanes a = RandomLanes(rng), b = RandomLanes(rng);
    for (int lane = 0; lane < kLanes; ++lane) {
      if (rng.U32() % 8 == 0) a[lane] = M31::FromCanonical(kEdges[rng.U32() % kEdges.size()]);
      if (rng.U32() % 8 == 0) b[lane] = M31::FromCanonical(kEdges[rng.U32() % kEdges.size()]);
    }
    r.emplace_back(a, b);
  }
  return r;
}

// Checks a packed kernel against the scalar one lane by lane. Comparing raw values also checks
// that every output lane is canonical.
template <typename PackedOp, typename ScalarOp>
void CheckLanewise(PackedOp packed_op, ScalarOp scalar_op) {
  for (const auto& [a, b] : Inputs()) {
    const Lanes got = packed_op(PackedM31::FromArray(a), PackedM31::FromArray(b)).ToArray();
    for (int lane = 0; lane < kLanes; ++lane) {
      const M31 want = scalar_op(a[lane], b[lane]);
      if (got[lane].value() != want.value()) {
        FAIL_CHECK("lane " << lane << ": a=" << a[lane] << " b=" << b[lane] << " got "
                           << got[lane].value() << " want " << want);
        return;
      }
    }
  }
}

TEST_CASE("PackedM31 kernels match scalar M31 in every lane") {
  SUBCASE("add") {
    CheckLanewise([](PackedM31 x, PackedM31 y) { return x + y; },
                  [](M31 x, M31 y) { return x + y; });
  }
  SUBCASE("sub") {
    CheckLanewise([](PackedM31 x, PackedM31 y) { return x - y; },
                  [](M31 x, M31 y) { return x - y; });
  }
  SUBCASE("mul") {
    CheckLanewise([](PackedM31 x, PackedM31 y) { return x * y; },
                  [](M31 x, M31 y) { return x * y; });
  }
  SUBCASE("neg, square, double") {
    CheckLanewise([](PackedM31 x, PackedM31) { return -x; }, [](M31 x, M31) { return -x; });
    CheckLanewise([](PackedM31 x, PackedM31) { return x.Square(); },
                  [](M31 x, M31) { return x * x; });
    CheckLanewise([](PackedM31 x, PackedM31) { return x.Double(); },
                  [](M31 x, M31) { return x + x; });
  }
  SUBCASE("compound assignment") {
    CheckLanewise([](PackedM31 x, PackedM31 y) { return (x += y) *= y; },
                  [](M31 x, M31 y) { return (x + y) * y; });
    CheckLanewise([](PackedM31 x, PackedM31 y) { return x -= y; },
                  [](M31 x, M31 y) { return x - y; });
  }
}

TEST_CASE("PackedM31 times a scalar M31 matches scalar M31") {
  for (const auto& [a, b] : Inputs()) {
    for (int k = 0; k < kLanes; ++k) {
      const Lanes got = (PackedM31::FromArray(a) * b[k]).ToArray();
      const Lanes got_swapped = (b[k] * PackedM31::FromArray(a)).ToArray();
      for (int lane = 0; lane < kLanes; ++lane) {
        CHECK(got[lane].value() == (a[lane] * b[k]).value());
        CHECK(got_swapped[lane] == got[lane]);
      }
    }
  }
}

TEST_CASE("products by powers of two, rotations, match multiplication") {
  for (const auto& [a, b] : Inputs()) {
    for (uint32_t s = 0; s < 31; ++s) {
      const M31 power = M31::FromCanonical(1u << s);
      const Lanes got = PackedM31::FromArray(a).MulPow2(s).ToArray();
      for (int lane = 0; lane < kLanes; ++lane) {
        CHECK(a[lane].MulPow2(s) == a[lane] * power);
        CHECK(got[lane] == a[lane] * power);
      }
    }
  }
}

TEST_CASE("PackedM31 AddPow5, the Poseidon2 S-box, matches (a + c)^5 in scalar M31") {
  for (const auto& [a, b] : Inputs()) {
    for (int k = 0; k < kLanes; ++k) {
      const Lanes got = PackedM31::FromArray(a).AddPow5(b[k]).ToArray();
      for (int lane = 0; lane < kLanes; ++lane) {
        REQUIRE(got[lane].value() == (a[lane] + b[k]).Pow(5).value());
      }
    }
  }
}

TEST_CASE("PackedM31 products by a doubled multiplier match scalar M31") {
  for (const auto& [a, b] : Inputs()) {
    std::array<uint32_t, kLanes> b_dbl;
    for (int lane = 0; lane < kLanes; ++lane) b_dbl[lane] = 2 * b[lane].value();
    const Lanes got = PackedM31::MulByDoubled(PackedM31::FromArray(a), b_dbl.data()).ToArray();
    for (int lane = 0; lane < kLanes; ++lane) {
      REQUIRE(got[lane].value() == (a[lane] * b[lane]).value());
    }
    for (int k = 0; k < kLanes; ++k) {
      const Lanes got_scalar =
          PackedM31::MulByDoubledScalar(PackedM31::FromArray(a), b_dbl[k]).ToArray();
      for (int lane = 0; lane < kLanes; ++lane) {
        REQUIRE(got_scalar[lane].value() == (a[lane] * b[k]).value());
      }
    }
  }
}

TEST_CASE("PackedLinearCombination4 sums products exactly, for any number of terms") {
  testing::Rng rng;
  // All-(p-1) terms are the worst case for the unreduced 64-bit sums; random terms check the
  // lane order.
  for (bool worst : {true, false}) {
    for (size_t n_terms : {0u, 1u, 2u, 3u, 4u, 5u, 7u, 12u, 100u}) {
      CAPTURE(worst);
      CAPTURE(n_terms);
      PackedLinearCombination4 sum;
      std::array<Lanes, 4> expected{};
      for (size_t i = 0; i < n_terms; ++i) {
        const Lanes values = worst ? Lanes{} : RandomLanes(rng);
        std::array<M31, 4> coeffs;
        for (M31& c : coeffs) c = worst ? M31::FromCanonical(kP - 1) : rng.M31();
        Lanes lanes = values;
        if (worst) lanes.fill(M31::FromCanonical(kP - 1));
        sum.Add(PackedM31::FromArray(lanes), coeffs);
        for (size_t k = 0; k < 4; ++k) {
          for (int l = 0; l < kLanes; ++l) {
            expected[k][l] += lanes[l] * coeffs[k];
          }
        }
      }
      const std::array<PackedM31, 4> sums = sum.Sums();
      for (size_t k = 0; k < 4; ++k) CHECK(sums[k].ToArray() == expected[k]);
    }
  }
}

TEST_CASE("PackedM31 load, store, broadcast and equality") {
  testing::Rng rng;
  std::vector<M31> src(kLanes + 3), dst(kLanes + 3);
  for (M31& v : src) v = rng.M31();
  // Offset by one element so the accesses are not 64-byte aligned.
  const PackedM31 x = PackedM31::Load(src.data() + 1);
  x.Store(dst.data() + 2);
  for (int i = 0; i < kLanes; ++i) CHECK(dst[i + 2] == src[i + 1]);
  // Nothing else written.
  CHECK(dst[0] == M31());
  CHECK(dst[1] == M31());
  CHECK(dst[kLanes + 2] == M31());
  const Lanes lanes = x.ToArray();
  CHECK(PackedM31::FromArray(lanes) == x);
  for (int i = 0; i < kLanes; ++i) CHECK(lanes[i] == src[i + 1]);

  for (const M31 v : {M31(), M31::One(), M31::FromCanonical(kP - 1), rng.M31()}) {
    for (const M31 lane : PackedM31::Broadcast(v).ToArray()) CHECK(lane == v);
  }
  CHECK(PackedM31() == PackedM31::Zero());
  CHECK(PackedM31::One() == PackedM31::Broadcast(M31::One()));
  // Equality must look at every lane.
  for (int lane = 0; lane < kLanes; ++lane) {
    Lanes other = lanes;
    other[lane] += M31::One();
    CHECK_FALSE(PackedM31::FromArray(other) == x);
  }
}

TEST_CASE("Deinterleave and Interleave follow the documented element order") {
  // Lane values equal to their position in the 32-element sequence a||b.
  Lanes a, b;
  for (int i = 0; i < kLanes; ++i) {
    a[i] = M31::FromCanonical(i);
    b[i] = M31::FromCanonical(kLanes + i);
  }
  const PackedM31 pa = PackedM31::FromArray(a), pb = PackedM31::FromArray(b);

  PackedM31 lo, hi;
  Deinterleave(pa, pb, lo, hi);
  const Lanes evens = lo.ToArray(), odds = hi.ToArray();
  for (int i = 0; i < kLanes; ++i) {
    CHECK(evens[i].value() == uint32_t(2 * i));
    CHECK(odds[i].value() == uint32_t(2 * i + 1));
  }

  Interleave(pa, pb, lo, hi);
  const Lanes first = lo.ToArray(), second = hi.ToArray();
  for (int i = 0; i < kLanes / 2; ++i) {
    CHECK(first[2 * i] == a[i]);
    CHECK(first[2 * i + 1] == b[i]);
    CHECK(second[2 * i] == a[i + kLanes / 2]);
    CHECK(second[2 * i + 1] == b[i + kLanes / 2]);
  }

  // Round trips on random data, and the output may alias an input.
  testing::Rng rng;
  for (int i = 0; i < 100; ++i) {
    const PackedM31 x = PackedM31::FromArray(RandomLanes(rng));
    const PackedM31 y = PackedM31::FromArray(RandomLanes(rng));
    PackedM31 u = x, v = y;
    Deinterleave(u, v, u, v);
    Interleave(u, v, u, v);
    CHECK(u == x);
    CHECK(v == y);
    Interleave(u, v, u, v);
    Deinterleave(u, v, u, v);
    CHECK(u == x);
    CHECK(v == y);
  }
}

TEST_CASE("PackedM31 inverse and packed batch inverse") {
  testing::Rng rng;
  Lanes a = RandomLanes(rng);
  a[0] = M31::One();
  a[1] = M31::FromCanonical(kP - 1);
  a[2] = M31();  // zero lanes stay zero
  const Lanes inv = PackedM31::FromArray(a).Inverse().ToArray();
  CHECK(inv[2] == M31());
  for (int lane = 0; lane < kLanes; ++lane) {
    if (lane != 2) CHECK(inv[lane] == a[lane].Inverse());
  }

  std::vector<PackedM31> in(37);
  for (PackedM31& v : in) {
    Lanes l = RandomLanes(rng);
    for (M31& x : l) x = x.IsZero() ? M31::One() : x;
    v = PackedM31::FromArray(l);
  }
  const std::vector<PackedM31> out = BatchInverse<PackedM31>(in);
  for (size_t i = 0; i < in.size(); ++i) {
    const Lanes x = in[i].ToArray(), y = out[i].ToArray();
    for (int lane = 0; lane < kLanes; ++lane) CHECK(y[lane] == x[lane].Inverse());
  }
}

}  // namespace
}  // namespace tensorstark::field
