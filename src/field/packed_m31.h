// PackedM31: 16 M31 values processed together, the unit of work of every SIMD kernel (FFT,
// constraint evaluation, Merkle hashing). Implements the packing of protocol reference §1.4 with
// one __m512i (AVX-512), two __m256i (AVX2) or a plain array the compiler vectorises (portable),
// chosen at compile time by the TENSORSTARK_SIMD_* macro.
//
// Invariant: every lane of every PackedM31 is canonical, in [0, p). Unlike Stwo we never let a
// lane hold p, so the raw lanes can be hashed or compared without a final reduction. Each
// operation below keeps canonical inputs canonical through the "min trick": for a 32-bit value c
// with c < 2p, the canonical residue is min(c, c - p) where c - p wraps modulo 2^32:
//   - if c >= p then c - p in [0, p) is smaller than c;
//   - if c < p then c - p wraps to c + 2^32 - p >= 2^32 - p = 2^31 + 1 > p > c.
// Hence add, sub, neg and mul only need to show their pre-reduction value c is < 2p and
// congruent to the result:
//   add: a + b <= 2p - 2.
//   sub: c = a - b + p (computed as min(a - b + p, a - b) = min(c, c - p)) is in [1, 2p - 1].
//   neg: the sub formula with a = 0.
//   mul: ab <= (p - 1)^2 < 2^62. With lo = ab mod 2^31 <= p and hi = floor(ab / 2^31) <= p - 3,
//        lo + hi ≡ ab because 2^31 ≡ 1 (mod p), and lo + hi <= 2p - 3.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <ostream>
#include <type_traits>

#if defined(TENSORSTARK_SIMD_AVX512) || defined(TENSORSTARK_SIMD_AVX2)
#include <immintrin.h>
#endif

#include "field/m31.h"

namespace tensorstark::field {

// The packed operations are forced inline: at the AVX2 level a PackedM31 is two registers, which
// GCC passes through memory when it leaves an operation out of line (it did for +, - and *, a
// third of an AVX2 composition's time; the CM31 and QM31 products, left out of line until stop
// 60, cost the CIFAR CNN's AVX2 proof 9%).
#define TENSORSTARK_PACKED_INLINE [[gnu::always_inline]] inline

inline constexpr int kLogLanes = 4;
inline constexpr int kLanes = 1 << kLogLanes;

// Load and Store copy M31 arrays as raw u32 lanes.
static_assert(sizeof(M31) == sizeof(uint32_t) && std::is_trivially_copyable_v<M31>);

namespace packed_internal {

#if defined(TENSORSTARK_SIMD_AVX512)

// GCC 12 warns that the unmasked AVX-512 intrinsics read an uninitialised pass-through operand
// (GCC bug 105593, fixed in GCC 13). It checks the pragmas along the inlining chain, so
// silencing the warning for the kernels below works wherever they are inlined.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

inline __m512i Splat(uint32_t v) { return _mm512_set1_epi32(static_cast<int>(v)); }
// min(c, c - p) for c < 2p (see the header comment).
inline __m512i ReduceBelow2P(__m512i c) {
  return _mm512_min_epu32(c, _mm512_sub_epi32(c, Splat(kP)));
}
inline __m512i Add(__m512i a, __m512i b) { return ReduceBelow2P(_mm512_add_epi32(a, b)); }
inline __m512i Sub(__m512i a, __m512i b) {
  const __m512i d = _mm512_sub_epi32(a, b);
  return _mm512_min_epu32(_mm512_add_epi32(d, Splat(kP)), d);
}
// prod_e and prod_o hold, per 64-bit lane, the products 2ab of the even and the odd u32 lanes.
// 2ab = hi·2^32 + lo_dbl with hi = floor(ab / 2^31) and lo_dbl = 2·(ab mod 2^31), so the even
// dwords of a product hold lo_dbl and the odd dwords hold hi. One masked in-lane shuffle for
// lo_dbl and one for hi gather them back into u32 lane order.
inline __m512i CombineProducts(__m512i prod_e, __m512i prod_o) {
  const __m512i lo_dbl = _mm512_mask_shuffle_epi32(prod_e, 0xaaaa, prod_o, _MM_PERM_CCAA);
  const __m512i hi = _mm512_mask_shuffle_epi32(prod_o, 0x5555, prod_e, _MM_PERM_DDBB);
  return ReduceBelow2P(_mm512_add_epi32(_mm512_srli_epi32(lo_dbl, 1), hi));
}
// _mm512_mul_epu32 multiplies the low dwords of 64-bit lanes, so the odd lanes are shifted
// down first. b comes doubled (2b < 2^32) so that the product's high dword is already ab >> 31.
inline __m512i MulDoubled(__m512i a, __m512i b_dbl) {
  const __m512i prod_e = _mm512_mul_epu32(a, b_dbl);
  const __m512i prod_o = _mm512_mul_epu32(_mm512_srli_epi64(a, 32), _mm512_srli_epi64(b_dbl, 32));
  return CombineProducts(prod_e, prod_o);
}
inline __m512i Mul(__m512i a, __m512i b) { return MulDoubled(a, _mm512_add_epi32(b, b)); }
// Multiplication by one value in every lane: the odd lanes of b need no shift.
inline __m512i MulScalarDoubled(__m512i a, uint32_t b_dbl) {
  const __m512i b = Splat(b_dbl);
  return CombineProducts(_mm512_mul_epu32(a, b), _mm512_mul_epu32(_mm512_srli_epi64(a, 32), b));
}
inline __m512i MulScalar(__m512i a, uint32_t b) { return MulScalarDoubled(a, 2 * b); }
// a · 2^s for canonical a and s < 31: a rotation of the 31-bit value, as 2^31 ≡ 1.
inline __m512i MulPow2(__m512i a, uint32_t s) {
  const __m512i left = _mm512_sll_epi32(a, _mm_cvtsi32_si128(static_cast<int>(s)));
  const __m512i right = _mm512_srl_epi32(a, _mm_cvtsi32_si128(static_cast<int>(31 - s)));
  return _mm512_and_si512(_mm512_or_si512(left, right), Splat(kP));
}
// (a + c)^5 for canonical a and c, the Poseidon2 S-box with its round constant. a + c - p is a
// signed representative in [-p, p); the three products stay in 64-bit lanes (the even and the
// odd u32 lanes apart, as signed factors of _mm512_mul_epi32) and are only partly reduced in
// between: a square y ≤ p² becomes floor(y / 2^31) + (y mod 2^31) - p, again in [-p, p). The
// last product z (|z| ≤ p²) is split as floor(z / 2^31) · 2^31 + (z mod 2^31) ≡ hi + lo, with
// p added where hi < 0, which brings hi + lo into [0, 2p) for the final reduction.
inline __m512i ReduceSquareSigned(__m512i y) {
  return _mm512_sub_epi64(_mm512_srli_epi64(y, 31), _mm512_andnot_si512(y, _mm512_set1_epi64(kP)));
}
inline __m512i Pow5Signed(__m512i x) {
  const __m512i x2 = ReduceSquareSigned(_mm512_mul_epi32(x, x));
  const __m512i x4 = ReduceSquareSigned(_mm512_mul_epi32(x2, x2));
  return _mm512_mul_epi32(x4, x);
}
inline __m512i AddPow5(__m512i a, uint32_t c) {
  const __m512i x = _mm512_add_epi32(a, Splat(c - kP));
  const __m512i z_e = Pow5Signed(x);
  const __m512i z_o = Pow5Signed(_mm512_srli_epi64(x, 32));
  const __m512i hi =
      _mm512_mask_blend_epi32(0xaaaa, _mm512_srli_epi64(z_e, 31), _mm512_add_epi64(z_o, z_o));
  const __m512i lo =
      _mm512_and_si512(_mm512_mask_blend_epi32(0xaaaa, z_e, _mm512_slli_epi64(z_o, 32)), Splat(kP));
  const __m512i sum = _mm512_add_epi32(hi, lo);
  return ReduceBelow2P(_mm512_mask_add_epi32(sum, _mm512_movepi32_mask(hi), sum, Splat(kP)));
}

#elif defined(TENSORSTARK_SIMD_AVX2)

inline __m256i Splat(uint32_t v) { return _mm256_set1_epi32(static_cast<int>(v)); }
// The AVX2 kernels mirror the AVX-512 ones above, on 8 lanes.
inline __m256i ReduceBelow2P(__m256i c) {
  return _mm256_min_epu32(c, _mm256_sub_epi32(c, Splat(kP)));
}
inline __m256i Add(__m256i a, __m256i b) { return ReduceBelow2P(_mm256_add_epi32(a, b)); }
inline __m256i Sub(__m256i a, __m256i b) {
  const __m256i d = _mm256_sub_epi32(a, b);
  return _mm256_min_epu32(_mm256_add_epi32(d, Splat(kP)), d);
}
// Without masked shuffles, the dwords are moved with 64-bit shifts and gathered by blends.
inline __m256i CombineProducts(__m256i prod_e, __m256i prod_o) {
  const __m256i lo_dbl = _mm256_blend_epi32(prod_e, _mm256_slli_epi64(prod_o, 32), 0xaa);
  const __m256i hi = _mm256_blend_epi32(_mm256_srli_epi64(prod_e, 32), prod_o, 0xaa);
  return ReduceBelow2P(_mm256_add_epi32(_mm256_srli_epi32(lo_dbl, 1), hi));
}
inline __m256i MulDoubled(__m256i a, __m256i b_dbl) {
  const __m256i prod_e = _mm256_mul_epu32(a, b_dbl);
  const __m256i prod_o = _mm256_mul_epu32(_mm256_srli_epi64(a, 32), _mm256_srli_epi64(b_dbl, 32));
  return CombineProducts(prod_e, prod_o);
}
inline __m256i Mul(__m256i a, __m256i b) { return MulDoubled(a, _mm256_add_epi32(b, b)); }
inline __m256i MulScalarDoubled(__m256i a, uint32_t b_dbl) {
  const __m256i b = Splat(b_dbl);
  return CombineProducts(_mm256_mul_epu32(a, b), _mm256_mul_epu32(_mm256_srli_epi64(a, 32), b));
}
inline __m256i MulScalar(__m256i a, uint32_t b) { return MulScalarDoubled(a, 2 * b); }
inline __m256i MulPow2(__m256i a, uint32_t s) {
  const __m256i left = _mm256_sll_epi32(a, _mm_cvtsi32_si128(static_cast<int>(s)));
  const __m256i right = _mm256_srl_epi32(a, _mm_cvtsi32_si128(static_cast<int>(31 - s)));
  return _mm256_and_si256(_mm256_or_si256(left, right), Splat(kP));
}
inline __m256i ReduceSquareSigned(__m256i y) {
  return _mm256_sub_epi64(_mm256_srli_epi64(y, 31), _mm256_andnot_si256(y, _mm256_set1_epi64x(kP)));
}
inline __m256i Pow5Signed(__m256i x) {
  const __m256i x2 = ReduceSquareSigned(_mm256_mul_epi32(x, x));
  const __m256i x4 = ReduceSquareSigned(_mm256_mul_epi32(x2, x2));
  return _mm256_mul_epi32(x4, x);
}
// As the AVX-512 kernel, except for the last step: with t = hi + lo, min(t, t - sign(hi) · p)
// (as u32) is the one of t, t + p (hi < 0) or t - p (hi > 0) that lies in [0, p).
inline __m256i AddPow5(__m256i a, uint32_t c) {
  const __m256i x = _mm256_add_epi32(a, Splat(c - kP));
  const __m256i z_e = Pow5Signed(x);
  const __m256i z_o = Pow5Signed(_mm256_srli_epi64(x, 32));
  const __m256i hi =
      _mm256_blend_epi32(_mm256_srli_epi64(z_e, 31), _mm256_add_epi64(z_o, z_o), 0xaa);
  const __m256i lo =
      _mm256_and_si256(_mm256_blend_epi32(z_e, _mm256_slli_epi64(z_o, 32), 0xaa), Splat(kP));
  const __m256i sum = _mm256_add_epi32(hi, lo);
  return _mm256_min_epu32(sum, _mm256_sub_epi32(sum, _mm256_sign_epi32(Splat(kP), hi)));
}
// Even dwords of x||y: (x0 x2 x4 x6 y0 y2 y4 y6). shuffle_ps works within 128-bit halves, giving
// (x0 x2 y0 y2 | x4 x6 y4 y6); the 64-bit permute puts the pairs in order.
inline __m256i Evens(__m256i x, __m256i y) {
  const __m256 s =
      _mm256_shuffle_ps(_mm256_castsi256_ps(x), _mm256_castsi256_ps(y), _MM_SHUFFLE(2, 0, 2, 0));
  return _mm256_permute4x64_epi64(_mm256_castps_si256(s), _MM_SHUFFLE(3, 1, 2, 0));
}
inline __m256i Odds(__m256i x, __m256i y) {
  const __m256 s =
      _mm256_shuffle_ps(_mm256_castsi256_ps(x), _mm256_castsi256_ps(y), _MM_SHUFFLE(3, 1, 3, 1));
  return _mm256_permute4x64_epi64(_mm256_castps_si256(s), _MM_SHUFFLE(3, 1, 2, 0));
}

#else

// Portable lane loops, written so that g++ -O3 turns each into a few vector instructions.
inline uint32_t ReduceBelow2P(uint32_t c) { return c < c - kP ? c : c - kP; }
inline uint32_t Add(uint32_t a, uint32_t b) { return ReduceBelow2P(a + b); }
inline uint32_t Sub(uint32_t a, uint32_t b) {
  const uint32_t d = a - b;
  return d + kP < d ? d + kP : d;
}
inline uint32_t Mul(uint32_t a, uint32_t b) {
  const uint64_t prod = uint64_t{a} * b;
  return ReduceBelow2P((static_cast<uint32_t>(prod) & kP) + static_cast<uint32_t>(prod >> 31));
}

#endif

}  // namespace packed_internal

class PackedM31 {
 public:
  PackedM31() = default;  // all lanes zero

  static PackedM31 Zero() { return {}; }
  static PackedM31 One() { return Broadcast(M31::One()); }
  static PackedM31 Broadcast(M31 v) {
    PackedM31 r;
#if defined(TENSORSTARK_SIMD_AVX512)
    r.v_ = packed_internal::Splat(v.value());
#elif defined(TENSORSTARK_SIMD_AVX2)
    r.v_[0] = r.v_[1] = packed_internal::Splat(v.value());
#else
    r.v_.fill(v.value());
#endif
    return r;
  }
  // Reads src[0..15]; any alignment.
  static PackedM31 Load(const M31* src) {
    PackedM31 r;
#if defined(TENSORSTARK_SIMD_AVX512)
    r.v_ = _mm512_loadu_si512(src);
#elif defined(TENSORSTARK_SIMD_AVX2)
    r.v_[0] = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(src));
    r.v_[1] = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(src + kLanes / 2));
#else
    std::memcpy(r.v_.data(), static_cast<const void*>(src), sizeof(r.v_));
#endif
    return r;
  }
  // Writes dst[0..15]; any alignment.
  void Store(M31* dst) const {
#if defined(TENSORSTARK_SIMD_AVX512)
    _mm512_storeu_si512(dst, v_);
#elif defined(TENSORSTARK_SIMD_AVX2)
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst), v_[0]);
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst + kLanes / 2), v_[1]);
#else
    std::memcpy(static_cast<void*>(dst), v_.data(), sizeof(v_));
#endif
  }
  static PackedM31 FromArray(const std::array<M31, kLanes>& v) { return Load(v.data()); }
  std::array<M31, kLanes> ToArray() const {
    std::array<M31, kLanes> r;
    Store(r.data());
    return r;
  }

  TENSORSTARK_PACKED_INLINE friend PackedM31 operator+(PackedM31 a, PackedM31 b) {
    return Map(a, b, [](auto x, auto y) { return packed_internal::Add(x, y); });
  }
  TENSORSTARK_PACKED_INLINE friend PackedM31 operator-(PackedM31 a, PackedM31 b) {
    return Map(a, b, [](auto x, auto y) { return packed_internal::Sub(x, y); });
  }
  TENSORSTARK_PACKED_INLINE friend PackedM31 operator*(PackedM31 a, PackedM31 b) {
    return Map(a, b, [](auto x, auto y) { return packed_internal::Mul(x, y); });
  }
  TENSORSTARK_PACKED_INLINE friend PackedM31 operator*(PackedM31 a, M31 b) {
#if defined(TENSORSTARK_SIMD_AVX512)
    a.v_ = packed_internal::MulScalar(a.v_, b.value());
#elif defined(TENSORSTARK_SIMD_AVX2)
    for (__m256i& h : a.v_) h = packed_internal::MulScalar(h, b.value());
#else
    for (uint32_t& x : a.v_) x = packed_internal::Mul(x, b.value());
#endif
    return a;
  }
  friend PackedM31 operator*(M31 a, PackedM31 b) { return b * a; }
  // this · 2^s for s < 31: a rotation of each lane's 31 bits (2^31 ≡ 1), no multiplication.
  PackedM31 MulPow2(uint32_t s) const {
    PackedM31 r = *this;
#if defined(TENSORSTARK_SIMD_AVX512)
    r.v_ = packed_internal::MulPow2(v_, s);
#elif defined(TENSORSTARK_SIMD_AVX2)
    for (__m256i& h : r.v_) h = packed_internal::MulPow2(h, s);
#else
    for (uint32_t& x : r.v_) x = M31::FromCanonical(x).MulPow2(s).value();
#endif
    return r;
  }
  // (this + c)^5 lane-wise: the Poseidon2 S-box with its round constant, in fewer reductions
  // than three products.
  PackedM31 AddPow5(M31 c) const {
    PackedM31 r = *this;
#if defined(TENSORSTARK_SIMD_AVX512)
    r.v_ = packed_internal::AddPow5(v_, c.value());
#elif defined(TENSORSTARK_SIMD_AVX2)
    for (__m256i& h : r.v_) h = packed_internal::AddPow5(h, c.value());
#else
    r += Broadcast(c);
    const PackedM31 r2 = r.Square();
    r = r2.Square() * r;
#endif
    return r;
  }
  // Products by a multiplier stored doubled: b_dbl[i] = 2·b[i] as u32 (b canonical, so no
  // overflow), the form the SIMD product kernels bring their second factor into. Tables of
  // reused multipliers (FFT twiddles) are precomputed this way to skip the doubling per product.
  // MulByDoubled reads 16 lanes from b_dbl (any alignment); MulByDoubledScalar multiplies every
  // lane by the one value b_dbl / 2.
  static PackedM31 MulByDoubled(PackedM31 a, const uint32_t* b_dbl) {
#if defined(TENSORSTARK_SIMD_AVX512)
    a.v_ = packed_internal::MulDoubled(a.v_, _mm512_loadu_si512(b_dbl));
#elif defined(TENSORSTARK_SIMD_AVX2)
    for (int i = 0; i < kRegs; ++i) {
      const __m256i b = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b_dbl + 8 * i));
      a.v_[i] = packed_internal::MulDoubled(a.v_[i], b);
    }
#else
    for (int i = 0; i < kLanes; ++i) a.v_[i] = packed_internal::Mul(a.v_[i], b_dbl[i] >> 1);
#endif
    return a;
  }
  static PackedM31 MulByDoubledScalar(PackedM31 a, uint32_t b_dbl) {
#if defined(TENSORSTARK_SIMD_AVX512)
    a.v_ = packed_internal::MulScalarDoubled(a.v_, b_dbl);
#elif defined(TENSORSTARK_SIMD_AVX2)
    for (__m256i& h : a.v_) h = packed_internal::MulScalarDoubled(h, b_dbl);
#else
    for (uint32_t& x : a.v_) x = packed_internal::Mul(x, b_dbl >> 1);
#endif
    return a;
  }
  TENSORSTARK_PACKED_INLINE PackedM31 operator-() const { return Zero() - *this; }
  PackedM31& operator+=(PackedM31 o) { return *this = *this + o; }
  PackedM31& operator-=(PackedM31 o) { return *this = *this - o; }
  PackedM31& operator*=(PackedM31 o) { return *this = *this * o; }
  PackedM31& operator*=(M31 o) { return *this = *this * o; }
  // True when all 16 lanes are equal. Lanes are canonical, so this is field equality.
  friend bool operator==(PackedM31 a, PackedM31 b) {
#if defined(TENSORSTARK_SIMD_AVX512)
    return _mm512_cmpneq_epu32_mask(a.v_, b.v_) == 0;
#elif defined(TENSORSTARK_SIMD_AVX2)
    const __m256i eq = _mm256_and_si256(_mm256_cmpeq_epi32(a.v_[0], b.v_[0]),
                                        _mm256_cmpeq_epi32(a.v_[1], b.v_[1]));
    return _mm256_movemask_epi8(eq) == -1;
#else
    return a.v_ == b.v_;
#endif
  }

  PackedM31 Square() const { return *this * *this; }
  PackedM31 Double() const { return *this + *this; }
  PackedM31 Pow(uint64_t e) const {
    PackedM31 result = One(), base = *this;
    for (; e != 0; e >>= 1, base = base.Square()) {
      if (e & 1) result *= base;
    }
    return result;
  }
  // Lane-wise a^(p-2): the inverse of every non-zero lane; zero lanes stay zero.
  PackedM31 Inverse() const { return Pow(kP - 2); }

  friend void Interleave(PackedM31 a, PackedM31 b, PackedM31& lo, PackedM31& hi);
  friend void Deinterleave(PackedM31 a, PackedM31 b, PackedM31& lo, PackedM31& hi);
  friend class PackedLinearCombination4;

 private:
  // Applies a lane-wise kernel to every register (AVX2, portable) or to the one register.
  template <typename Kernel>
  TENSORSTARK_PACKED_INLINE static PackedM31 Map(PackedM31 a, PackedM31 b, Kernel kernel) {
#if defined(TENSORSTARK_SIMD_AVX512)
    a.v_ = kernel(a.v_, b.v_);
#else
    for (int i = 0; i < kRegs; ++i) a.v_[i] = kernel(a.v_[i], b.v_[i]);
#endif
    return a;
  }

#if defined(TENSORSTARK_SIMD_AVX512)
  __m512i v_ = _mm512_setzero_si512();
#elif defined(TENSORSTARK_SIMD_AVX2)
  static constexpr int kRegs = 2;
  __m256i v_[kRegs] = {};  // lanes 0..7 and 8..15
#else
  static constexpr int kRegs = kLanes;
  std::array<uint32_t, kLanes> v_{};
#endif
};

// Four sums Σ_i values_i · coeffs_i[k] (k < 4) of packed M31 values times scalars, e.g. QM31
// coefficients (as 4 coordinates) times M31 columns: the DEEP quotient's numerators. The products
// are summed in 64-bit lanes and reduced only when read, half the work of a reduced multiply-add
// per term: a product of canonical values is below 2^62, so three terms fit on top of a sum
// below 2^34, and folding a sum s < 2^64 to (s mod 2^31) + floor(s / 2^31) < 2^34 keeps its
// residue (2^31 ≡ 1); the sum is folded after every third term.
class PackedLinearCombination4 {
 public:
  void Add(PackedM31 values, const std::array<M31, 4>& coeffs) {
#if defined(TENSORSTARK_SIMD_AVX512)
    // _mm512_mul_epu32 multiplies the low dwords of 64-bit lanes: even lanes as they are, odd
    // lanes shifted down.
    const __m512i even = values.v_, odd = _mm512_srli_epi64(values.v_, 32);
    for (int k = 0; k < 4; ++k) {
      const __m512i c = _mm512_set1_epi32(static_cast<int>(coeffs[k].value()));
      even_[k] = _mm512_add_epi64(even_[k], _mm512_mul_epu32(even, c));
      odd_[k] = _mm512_add_epi64(odd_[k], _mm512_mul_epu32(odd, c));
    }
#elif defined(TENSORSTARK_SIMD_AVX2)
    for (int r = 0; r < PackedM31::kRegs; ++r) {
      const __m256i even = values.v_[r], odd = _mm256_srli_epi64(values.v_[r], 32);
      for (int k = 0; k < 4; ++k) {
        const __m256i c = _mm256_set1_epi32(static_cast<int>(coeffs[k].value()));
        even_[k][r] = _mm256_add_epi64(even_[k][r], _mm256_mul_epu32(even, c));
        odd_[k][r] = _mm256_add_epi64(odd_[k][r], _mm256_mul_epu32(odd, c));
      }
    }
#else
    for (int k = 0; k < 4; ++k) {
      for (int l = 0; l < kLanes; ++l) sums_[k][l] += uint64_t{coeffs[k].value()} * values.v_[l];
    }
#endif
    if (++unfolded_terms_ == 3) {
      Fold();
      unfolded_terms_ = 0;
    }
  }

  // The four sums, canonical.
  std::array<PackedM31, 4> Sums() const {
    // A sum < 2^64 folds below 2^31 + 2^33, and that below 2^31 + 4 < 2p.
    PackedLinearCombination4 folded = *this;
    folded.Fold();
    folded.Fold();
    std::array<PackedM31, 4> out;
    for (int k = 0; k < 4; ++k) {
#if defined(TENSORSTARK_SIMD_AVX512)
      out[k].v_ = packed_internal::ReduceBelow2P(
          _mm512_or_si512(folded.even_[k], _mm512_slli_epi64(folded.odd_[k], 32)));
#elif defined(TENSORSTARK_SIMD_AVX2)
      for (int r = 0; r < PackedM31::kRegs; ++r) {
        out[k].v_[r] = packed_internal::ReduceBelow2P(
            _mm256_or_si256(folded.even_[k][r], _mm256_slli_epi64(folded.odd_[k][r], 32)));
      }
#else
      for (int l = 0; l < kLanes; ++l) {
        const auto v = static_cast<uint32_t>(folded.sums_[k][l]);
        out[k].v_[l] = v >= kP ? v - kP : v;
      }
#endif
    }
    return out;
  }

 private:
  void Fold() {
#if defined(TENSORSTARK_SIMD_AVX512)
    const __m512i p = _mm512_set1_epi64(kP);
    for (__m512i* sums : {even_, odd_}) {
      for (int k = 0; k < 4; ++k) {
        sums[k] = _mm512_add_epi64(_mm512_and_si512(sums[k], p), _mm512_srli_epi64(sums[k], 31));
      }
    }
#elif defined(TENSORSTARK_SIMD_AVX2)
    const __m256i p = _mm256_set1_epi64x(kP);
    for (auto* sums : {even_, odd_}) {
      for (int k = 0; k < 4; ++k) {
        for (__m256i& s : sums[k]) {
          s = _mm256_add_epi64(_mm256_and_si256(s, p), _mm256_srli_epi64(s, 31));
        }
      }
    }
#else
    for (auto& sums : sums_) {
      for (uint64_t& s : sums) s = (s & kP) + (s >> 31);
    }
#endif
  }

#if defined(TENSORSTARK_SIMD_AVX512)
  __m512i even_[4] = {}, odd_[4] = {};  // 64-bit sums of the even and the odd lanes
#elif defined(TENSORSTARK_SIMD_AVX2)
  __m256i even_[4][PackedM31::kRegs] = {}, odd_[4][PackedM31::kRegs] = {};
#else
  std::array<std::array<uint64_t, kLanes>, 4> sums_{};
#endif
  int unfolded_terms_ = 0;
};

// Lane shuffles for FFT butterflies between elements at distance < 16. Treat a||b as the
// 32-element sequence s = (a[0..15], b[0..15]).
//
// Deinterleave splits s into its even- and odd-indexed elements:
//   lo = (s0, s2, ..., s30) = (a0, a2, ..., a14, b0, b2, ..., b14)
//   hi = (s1, s3, ..., s31) = (a1, a3, ..., a15, b1, b3, ..., b15)
// so the element at position j of s moves to position 16·(j mod 2) + floor(j / 2) of lo||hi: a
// rotation right of the 5-bit index. Elements at distance 2^k in s meet in the same lane of lo and
// hi after k + 1 deinterleaves.
//
// Interleave is its inverse, zipping a and b:
//   lo = (a0, b0, a1, b1, ..., a7, b7)
//   hi = (a8, b8, a9, b9, ..., a15, b15)
// so interleaving the outputs of Deinterleave(a, b) gives back a and b, and vice versa.
// The outputs may alias the inputs.
inline void Deinterleave(PackedM31 a, PackedM31 b, PackedM31& lo, PackedM31& hi) {
#if defined(TENSORSTARK_SIMD_AVX512)
  const __m512i evens =
      _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
  const __m512i odds = _mm512_add_epi32(evens, _mm512_set1_epi32(1));
  const __m512i l = _mm512_permutex2var_epi32(a.v_, evens, b.v_);
  hi.v_ = _mm512_permutex2var_epi32(a.v_, odds, b.v_);
  lo.v_ = l;
#elif defined(TENSORSTARK_SIMD_AVX2)
  using packed_internal::Evens, packed_internal::Odds;
  PackedM31 l, h;
  l.v_[0] = Evens(a.v_[0], a.v_[1]);
  l.v_[1] = Evens(b.v_[0], b.v_[1]);
  h.v_[0] = Odds(a.v_[0], a.v_[1]);
  h.v_[1] = Odds(b.v_[0], b.v_[1]);
  lo = l;
  hi = h;
#else
  PackedM31 l, h;
  for (int i = 0; i < kLanes / 2; ++i) {
    l.v_[i] = a.v_[2 * i];
    h.v_[i] = a.v_[2 * i + 1];
    l.v_[i + kLanes / 2] = b.v_[2 * i];
    h.v_[i + kLanes / 2] = b.v_[2 * i + 1];
  }
  lo = l;
  hi = h;
#endif
}

inline void Interleave(PackedM31 a, PackedM31 b, PackedM31& lo, PackedM31& hi) {
#if defined(TENSORSTARK_SIMD_AVX512)
  const __m512i first = _mm512_setr_epi32(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
  const __m512i second = _mm512_add_epi32(first, _mm512_set1_epi32(8));
  const __m512i l = _mm512_permutex2var_epi32(a.v_, first, b.v_);
  hi.v_ = _mm512_permutex2var_epi32(a.v_, second, b.v_);
  lo.v_ = l;
#elif defined(TENSORSTARK_SIMD_AVX2)
  // unpacklo/hi zip within 128-bit halves; permute2x128 puts the halves in order.
  auto zip = [](__m256i x, __m256i y, __m256i& first, __m256i& second) {
    const __m256i u_lo = _mm256_unpacklo_epi32(x, y);  // x0 y0 x1 y1 | x4 y4 x5 y5
    const __m256i u_hi = _mm256_unpackhi_epi32(x, y);  // x2 y2 x3 y3 | x6 y6 x7 y7
    first = _mm256_permute2x128_si256(u_lo, u_hi, 0x20);
    second = _mm256_permute2x128_si256(u_lo, u_hi, 0x31);
  };
  PackedM31 l, h;
  zip(a.v_[0], b.v_[0], l.v_[0], l.v_[1]);
  zip(a.v_[1], b.v_[1], h.v_[0], h.v_[1]);
  lo = l;
  hi = h;
#else
  PackedM31 l, h;
  for (int i = 0; i < kLanes / 2; ++i) {
    l.v_[2 * i] = a.v_[i];
    l.v_[2 * i + 1] = b.v_[i];
    h.v_[2 * i] = a.v_[i + kLanes / 2];
    h.v_[2 * i + 1] = b.v_[i + kLanes / 2];
  }
  lo = l;
  hi = h;
#endif
}

std::ostream& operator<<(std::ostream& os, const PackedM31& v);

}  // namespace tensorstark::field
