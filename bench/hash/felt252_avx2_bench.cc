// Why Poseidon252 has no AVX2 kernel (issue 31): the permutation's cost is its S-boxes, x³ as two
// Montgomery products, and this benchmark runs that cube both ways side by side:
//   - scalar: the ADX kernel the permutation uses (felt252_montgomery.h, 4 × 64-bit limbs, mulx);
//   - AVX2: four cubes per vector, nine 29-bit limbs per lane, R = 2^261, vpmuludq (32 × 32 bits)
//     products scanned column by column with the Montgomery reduction interleaved (p's limbs in
//     base 2^29 are 1, 17·2^18 at 6 and 2^19 at 8, so the reduction needs one product a limb).
// One mulx multiplies 64 × 64 bits; one vpmuludq multiplies four 29 × 29 (the carries need the
// headroom), and a product takes 81 of them for four lanes against 16 mulx for one, with no carry
// flags. Both kernels come to about the same instructions per cube, which the front end (not the
// multipliers) then limits. AVX-512 IFMA (vpmadd52, eight 52 × 52-bit products per instruction)
// is what changes that. The AVX2 cube is checked against Felt252 before it is timed.
#include <benchmark/benchmark.h>

#include <array>
#include <random>

#include "field/felt252.h"
#include "field/felt252_montgomery.h"

#if defined(TENSORSTARK_SIMD_AVX2) || defined(TENSORSTARK_SIMD_AVX512)
#include <immintrin.h>
#endif

namespace tensorstark::field {
namespace {

Felt252 RandomFelt(std::mt19937_64& gen) {
  return Felt252::FromLimbs({gen(), gen(), gen(), gen() >> 5});
}

// Four independent chains: cube throughput.
void BM_Felt252CubeScalar(benchmark::State& state) {
  std::mt19937_64 gen(5);
  std::array<felt252_internal::Limbs, 4> x;
  for (auto& v : x) v = RandomFelt(gen).montgomery();
  for (auto _ : state) {
    for (auto& v : x) v = felt252_internal::MontCubeAddLazy(v, Felt252::kModulus);
    benchmark::DoNotOptimize(x);
  }
  state.counters["cubes_per_second"] =
      benchmark::Counter(static_cast<double>(state.iterations()) * 4, benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Felt252CubeScalar);

#if defined(TENSORSTARK_SIMD_AVX2) || defined(TENSORSTARK_SIMD_AVX512)

constexpr int kLimbs = 9;
constexpr uint64_t kMask29 = (uint64_t{1} << 29) - 1;

struct Vec {
  __m256i l[kLimbs];
};

// The Montgomery product a·b/2^261 (a² with kSquare), normalized: limbs 0-7 below 2^29, for
// normalized inputs below 2^256.
template <bool kSquare>
[[gnu::always_inline]] inline Vec MontMul(const Vec& a, const Vec& b) {
  const __m256i mask = _mm256_set1_epi64x(kMask29), p6 = _mm256_set1_epi64x(uint64_t{17} << 18);
  const __m256i zero = _mm256_setzero_si256();
  __m256i m[kLimbs], carry = zero;
  Vec r;
#pragma GCC unroll 32
  for (int k = 0; k < 2 * kLimbs - 1; ++k) {
    __m256i acc = carry;
    const int first = k < kLimbs ? 0 : k - kLimbs + 1;
    if constexpr (kSquare) {
      __m256i cross = zero;
#pragma GCC unroll 16
      for (int i = first; 2 * i < k; ++i) {
        cross = _mm256_add_epi64(cross, _mm256_mul_epu32(a.l[i], a.l[k - i]));
      }
      acc = _mm256_add_epi64(acc, _mm256_add_epi64(cross, cross));
      if (k % 2 == 0) acc = _mm256_add_epi64(acc, _mm256_mul_epu32(a.l[k / 2], a.l[k / 2]));
    } else {
#pragma GCC unroll 16
      for (int i = first; i <= k && i < kLimbs; ++i) {
        acc = _mm256_add_epi64(acc, _mm256_mul_epu32(a.l[i], b.l[k - i]));
      }
    }
    if (k >= 6 && k - 6 < kLimbs) acc = _mm256_add_epi64(acc, _mm256_mul_epu32(m[k - 6], p6));
    if (k >= 8 && k - 8 < kLimbs) acc = _mm256_add_epi64(acc, _mm256_slli_epi64(m[k - 8], 19));
    if (k < kLimbs) {
      // m = -acc mod 2^29 clears the column (p ≡ 1 mod 2^29).
      m[k] = _mm256_and_si256(_mm256_sub_epi64(zero, acc), mask);
      acc = _mm256_add_epi64(acc, m[k]);
    } else {
      r.l[k - kLimbs] = _mm256_and_si256(acc, mask);
    }
    carry = _mm256_srli_epi64(acc, 29);
  }
  r.l[kLimbs - 1] = carry;
  return r;
}

[[gnu::always_inline]] inline Vec Cube(const Vec& x) {
  return MontMul<false>(MontMul<true>(x, x), x);
}

// Lane `lane` of v as the element v/2^261.
Felt252 LaneValue(const Vec& v, int lane) {
  const Felt252 radix = Felt252::FromU64(uint64_t{1} << 29);
  Felt252 value = Felt252::Zero();
  for (int i = kLimbs - 1; i >= 0; --i) {
    alignas(32) uint64_t words[4];
    _mm256_store_si256(reinterpret_cast<__m256i*>(words), v.l[i]);
    value = value * radix + Felt252::FromU64(words[lane]);
  }
  return value * Felt252::FromU64(2).Pow({261, 0, 0, 0}).Inverse();
}

Vec RandomVec(std::mt19937_64& gen) {
  Vec v;
  for (int i = 0; i < kLimbs; ++i) {
    const uint64_t top = i == kLimbs - 1 ? 0x3fffff : kMask29;  // below 2^254
    v.l[i] = _mm256_set_epi64x(gen() & top, gen() & top, gen() & top, gen() & top);
  }
  return v;
}

// Two groups of four (as the IFMA permutation interleaves two groups of eight).
void BM_Felt252CubeAvx2Radix29(benchmark::State& state) {
  std::mt19937_64 gen(6);
  Vec x[2] = {RandomVec(gen), RandomVec(gen)};
  const Vec cubed = Cube(x[0]);
  for (int lane = 0; lane < 4; ++lane) {
    const Felt252 a = LaneValue(x[0], lane);
    if (LaneValue(cubed, lane) != a * a * a) {
      state.SkipWithError("the AVX2 cube disagrees with Felt252");
      return;
    }
  }
  for (auto _ : state) {
    x[0] = Cube(x[0]);
    x[1] = Cube(x[1]);
    benchmark::DoNotOptimize(x);
  }
  state.counters["cubes_per_second"] =
      benchmark::Counter(static_cast<double>(state.iterations()) * 8, benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Felt252CubeAvx2Radix29);

#endif

}  // namespace
}  // namespace tensorstark::field
