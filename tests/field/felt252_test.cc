#include "field/felt252.h"

#include <doctest/doctest.h>

#include <boost/multiprecision/cpp_int.hpp>
#include <cctype>
#include <string>
#include <vector>

#include "test_util.h"

namespace tensorstark::field {
namespace {

using boost::multiprecision::cpp_int;

const cpp_int kP = (cpp_int(1) << 251) + 17 * (cpp_int(1) << 192) + 1;

cpp_int ToInt(const Felt252::Limbs& v) {
  cpp_int x = 0;
  for (int i = 3; i >= 0; --i) x = (x << 64) | v[i];
  return x;
}

Felt252::Limbs ToLimbs(cpp_int x) {
  Felt252::Limbs v;
  for (int i = 0; i < 4; ++i) {
    v[i] = static_cast<uint64_t>(x & cpp_int(~uint64_t{0}));
    x >>= 64;
  }
  return v;
}

cpp_int ToInt(const Felt252& a) { return ToInt(a.ToLimbs()); }

// Values in [0, p): uniform ones, and ones near the edges where carries and the reductions'
// conditional corrections happen.
std::vector<cpp_int> TestValues(int n_random) {
  std::vector<cpp_int> v = {0,
                            1,
                            2,
                            kP - 1,
                            kP - 2,
                            kP >> 1,
                            (kP >> 1) + 1,
                            cpp_int(1) << 251,
                            (cpp_int(1) << 192) - 1,
                            cpp_int(1) << 192,
                            (cpp_int(1) << 64) - 1,
                            cpp_int(1) << 128,
                            (cpp_int(1) << 251) - 1,
                            kP - (cpp_int(1) << 64)};
  testing::Rng rng(0xfe17);
  for (int i = 0; i < n_random; ++i) {
    cpp_int x = ToInt(Felt252::Limbs{rng.U64(), rng.U64(), rng.U64(), rng.U64()});
    v.push_back(x % kP);
  }
  return v;
}

TEST_CASE("Felt252 constants: R mod p and R^2 mod p") {
  const cpp_int r = cpp_int(1) << 256;
  CHECK(ToInt(felt252_internal::kRModP) == r % kP);
  CHECK(ToInt(felt252_internal::kR2ModP) == (r * r) % kP);
  CHECK(ToInt(Felt252::kModulus) == kP);
  CHECK(ToInt(Felt252::One()) == 1);
  CHECK(ToInt(Felt252::Zero()) == 0);
}

TEST_CASE("Felt252 arithmetic matches big-integer arithmetic mod p") {
  std::vector<cpp_int> values = TestValues(60);
  for (const cpp_int& a : values) {
    for (const cpp_int& b : values) {
      Felt252 x = Felt252::FromLimbs(ToLimbs(a)), y = Felt252::FromLimbs(ToLimbs(b));
      REQUIRE(ToInt(x) == a);
      CHECK(ToInt(x + y) == (a + b) % kP);
      CHECK(ToInt(x - y) == (a + kP - b) % kP);
      CHECK(ToInt(x * y) == (a * b) % kP);
    }
  }
  for (const cpp_int& a : values) {
    Felt252 x = Felt252::FromLimbs(ToLimbs(a));
    CHECK(ToInt(-x) == (kP - a) % kP);
    CHECK(ToInt(x.Square()) == (a * a) % kP);
    CHECK(ToInt(x.Double()) == (2 * a) % kP);
    if (a != 0) {
      CHECK(x * x.Inverse() == Felt252::One());
      CHECK(ToInt(x.Inverse()) == powm(a, kP - 2, kP));
    }
  }
}

TEST_CASE("Felt252 portable and assembly kernels agree") {
  // Under the portable SIMD level both sides are the same code; under AVX2/AVX-512 MontMul,
  // AddMod and SubMod dispatch to the assembly versions.
  std::vector<cpp_int> values = TestValues(40);
  for (const cpp_int& a : values) {
    for (const cpp_int& b : values) {
      Felt252::Limbs x = ToLimbs(a), y = ToLimbs(b);
      CHECK(felt252_internal::MontMul(x, y) == felt252_internal::MontMulPortable(x, y));
      CHECK(felt252_internal::AddMod(x, y) == felt252_internal::AddModPortable(x, y));
      CHECK(felt252_internal::SubMod(x, y) == felt252_internal::SubModPortable(x, y));
    }
  }
}

TEST_CASE("Felt252 unreduced kernels: any value below 2^256") {
  // The Poseidon kernel keeps values in [0, 2^256) and relies on these contracts.
  namespace fi = felt252_internal;
  const cpp_int r = cpp_int(1) << 256;
  const cpp_int r_inv = powm(r % kP, kP - 2, kP);
  testing::Rng rng(0x1a2);
  std::vector<cpp_int> values = TestValues(30);
  for (int i = 0; i < 30; ++i) {
    values.push_back(ToInt(Felt252::Limbs{rng.U64(), rng.U64(), rng.U64(), rng.U64()}));
  }
  values.push_back(r - 1);
  values.push_back(31 * kP);
  for (const cpp_int& a : values) {
    fi::Limbs x = ToLimbs(a);
    cpp_int reduced = ToInt(fi::ReduceBelow2P(x));
    CHECK(reduced > 0);
    CHECK(reduced < 2 * kP);
    CHECK(reduced % kP == a % kP);
    for (const cpp_int& b : values) {
      fi::Limbs y = ToLimbs(b);
      cpp_int product = ToInt(fi::MontMul(x, y));
      CHECK(product == ToInt(fi::MontMulPortable(x, y)));
      CHECK(product % kP == (a * b * r_inv) % kP);
      cpp_int bound = a * b / r + 1;
      CHECK(product < (bound > kP ? bound : kP));
      if (a + b < r) CHECK(ToInt(fi::AddNoReduce(x, y)) == a + b);
      if (a >= b) CHECK(ToInt(fi::SubNoReduce(x, y)) == a - b);
    }
    cpp_int square = ToInt(fi::MontSquare(x));
    CHECK(square == ToInt(fi::MontMulPortable(x, x)));
    CHECK(square % kP == (a * a * r_inv) % kP);
  }
}

TEST_CASE("Felt252 lazy Montgomery kernels: congruence, bounds, portable and assembly agree") {
  // MontMulLazy(a, b) ≡ a·b/R in (0, a·b/R + p]; MontCubeAddLazy(a, k) ≡ a³/R² + k in
  // (k - p, s·a/R + k] with s = MontSquareLazy(a). Inputs up to 16p, as the Poseidon kernel's
  // lanes stay far below that, and k from p to 4p.
  namespace fi = felt252_internal;
  const cpp_int r = cpp_int(1) << 256;
  const cpp_int r_inv = powm(r % kP, kP - 2, kP);
  testing::Rng rng(0x1a3);
  std::vector<cpp_int> values = TestValues(20);
  for (int i = 0; i < 20; ++i) {
    cpp_int x = ToInt(Felt252::Limbs{rng.U64(), rng.U64(), rng.U64(), rng.U64()});
    values.push_back(x % (16 * kP));
  }
  values.push_back(16 * kP - 1);
  values.push_back(r / 32);
  for (const cpp_int& a : values) {
    fi::Limbs x = ToLimbs(a);
    cpp_int square = ToInt(fi::MontSquareLazy(x));
    uint64_t wide[8];
    fi::MulWide(x, x, wide);
    CHECK(square == ToInt(fi::MontReduce<true>(wide)));
    CHECK(square % kP == (a * a * r_inv) % kP);
    CHECK(square > 0);
    CHECK(square <= a * a / r + kP);
    for (const cpp_int& b : values) {
      fi::Limbs y = ToLimbs(b);
      cpp_int product = ToInt(fi::MontMulLazy(x, y));
      fi::MulWide(x, y, wide);
      CHECK(product == ToInt(fi::MontReduce<true>(wide)));
      CHECK(product % kP == (a * b * r_inv) % kP);
      CHECK(product > 0);
      CHECK(product <= a * b / r + kP);
    }
    for (const cpp_int& k : std::vector<cpp_int>{kP, 2 * kP + 12345, 4 * kP}) {
      cpp_int cube = ToInt(fi::MontCubeAddLazy(x, ToLimbs(k)));
      fi::MulWide(fi::MontSquareLazy(x), x, wide);
      CHECK(cube == ToInt(fi::MontReduce<true>(wide)) - kP + k);
      CHECK(cube % kP == (a * a * a * r_inv * r_inv + k) % kP);
      CHECK(cube > k - kP);
      CHECK(cube <= square * a / r + k);
    }
  }
}

TEST_CASE("Felt252 works at compile time") {
  constexpr Felt252 kSix = Felt252::FromU64(2) * Felt252::FromU64(3);
  static_assert(kSix == Felt252::FromU64(6));
  static_assert((Felt252::Zero() - Felt252::One()).ToLimbs() ==
                Felt252::Limbs{0, 0, 0, felt252_internal::kP3});
  CHECK(kSix.ToHex() == "0x6");
}

TEST_CASE("Felt252 FromLimbsChecked rejects values >= p") {
  CHECK(Felt252::FromLimbsChecked(ToLimbs(kP - 1)).has_value());
  CHECK_FALSE(Felt252::FromLimbsChecked(ToLimbs(kP)).has_value());
  CHECK_FALSE(Felt252::FromLimbsChecked(ToLimbs(kP + 1)).has_value());
  CHECK_FALSE(Felt252::FromLimbsChecked({0, 0, 0, ~uint64_t{0}}).has_value());
  CHECK_FALSE(Felt252::FromLimbsChecked({0, 0, 1, felt252_internal::kP3}).has_value());
}

TEST_CASE("Felt252 hex round trip and parsing errors") {
  for (const cpp_int& a : TestValues(20)) {
    Felt252 x = Felt252::FromLimbs(ToLimbs(a));
    std::string expected = "0x" + a.str(0, std::ios_base::hex);
    for (char& c : expected) c = static_cast<char>(std::tolower(c));
    CHECK(x.ToHex() == expected);
    CHECK(Felt252::FromHex(x.ToHex()) == x);
  }
  CHECK(Felt252::Zero().ToHex() == "0x0");
  CHECK(Felt252::FromHex("0x00000000000000000000000000000000000000000000000000000000000000ff") ==
        Felt252::FromU64(255));
  CHECK(Felt252::FromHex("0XAbC") == Felt252::FromU64(0xabc));
  CHECK(Felt252::FromHex("0x800000000000011000000000000000000000000000000000000000000000000") ==
        Felt252::Zero() - Felt252::One());
  CHECK_FALSE(
      Felt252::FromHex("0x800000000000011000000000000000000000000000000000000000000000001"));
  CHECK_FALSE(Felt252::FromHex(""));
  CHECK_FALSE(Felt252::FromHex("0x"));
  CHECK_FALSE(Felt252::FromHex("12"));
  CHECK_FALSE(Felt252::FromHex("0x12g"));
  CHECK_FALSE(Felt252::FromHex("0x" + std::string(65, '0')));
}

TEST_CASE("Felt252 big-endian bytes") {
  for (const cpp_int& a : TestValues(20)) {
    Felt252 x = Felt252::FromLimbs(ToLimbs(a));
    std::array<uint8_t, 32> bytes = x.ToBigEndianBytes();
    cpp_int back = 0;
    for (uint8_t b : bytes) back = (back << 8) | b;
    CHECK(back == a);
    CHECK(Felt252::FromBigEndianBytes(bytes) == x);
  }
  std::array<uint8_t, 32> too_big;
  too_big.fill(0xff);
  CHECK_FALSE(Felt252::FromBigEndianBytes(too_big).has_value());
}

}  // namespace
}  // namespace tensorstark::field
