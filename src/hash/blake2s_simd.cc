#include "hash/blake2s_simd.h"

#include <bit>
#include <cstring>

#include "hash/blake2s.h"
#include "hash/blake2s_rounds.h"

#if defined(TENSORSTARK_SIMD_AVX512) || defined(TENSORSTARK_SIMD_AVX2)
#include <immintrin.h>
#endif

namespace tensorstark::hash {
namespace {

// Hashes are stored as little-endian words and SIMD loads read words in native order.
static_assert(std::endian::native == std::endian::little);

// Each level defines Vec (kVecLanes lanes of u32) with Add, Xor, Rotr<k>, Load, Store, Splat,
// and LoadTransposed (row-major messages -> one vector per message word).
#if defined(TENSORSTARK_SIMD_AVX512)

// GCC 12 warns that unmasked AVX-512 intrinsics read an uninitialised pass-through operand (GCC
// bug 105593, fixed in GCC 13); the check follows the inlining chain, so the pragma covers every
// use of the helpers below.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

using Vec = __m512i;
constexpr size_t kVecLanes = 16;

inline Vec Add(Vec a, Vec b) { return _mm512_add_epi32(a, b); }
inline Vec Xor(Vec a, Vec b) { return _mm512_xor_si512(a, b); }
template <int kBits>
inline Vec Rotr(Vec a) {
  return _mm512_ror_epi32(a, kBits);
}
inline Vec Load(const uint32_t* p) { return _mm512_loadu_si512(p); }
inline void Store(uint32_t* p, Vec a) { _mm512_storeu_si512(p, a); }
inline Vec Splat(uint32_t x) { return _mm512_set1_epi32(static_cast<int>(x)); }

// In-place transpose of a 16×16 word matrix held as 16 rows.
inline void Transpose16x16(Vec r[16]) {
  Vec a[16], b[16];
  for (int p = 0; p < 8; ++p) {
    a[2 * p] = _mm512_unpacklo_epi32(r[2 * p], r[2 * p + 1]);
    a[2 * p + 1] = _mm512_unpackhi_epi32(r[2 * p], r[2 * p + 1]);
  }
  // b[4q + k], 128-bit lane l, holds column 4l + k of rows 4q .. 4q + 3.
  for (int q = 0; q < 4; ++q) {
    b[4 * q] = _mm512_unpacklo_epi64(a[4 * q], a[4 * q + 2]);
    b[4 * q + 1] = _mm512_unpackhi_epi64(a[4 * q], a[4 * q + 2]);
    b[4 * q + 2] = _mm512_unpacklo_epi64(a[4 * q + 1], a[4 * q + 3]);
    b[4 * q + 3] = _mm512_unpackhi_epi64(a[4 * q + 1], a[4 * q + 3]);
  }
  // A 4×4 transpose of 128-bit blocks for each k.
  for (int k = 0; k < 4; ++k) {
    Vec e0 = _mm512_shuffle_i32x4(b[k], b[4 + k], 0x44);
    Vec e1 = _mm512_shuffle_i32x4(b[k], b[4 + k], 0xee);
    Vec e2 = _mm512_shuffle_i32x4(b[8 + k], b[12 + k], 0x44);
    Vec e3 = _mm512_shuffle_i32x4(b[8 + k], b[12 + k], 0xee);
    r[k] = _mm512_shuffle_i32x4(e0, e2, 0x88);
    r[4 + k] = _mm512_shuffle_i32x4(e0, e2, 0xdd);
    r[8 + k] = _mm512_shuffle_i32x4(e1, e3, 0x88);
    r[12 + k] = _mm512_shuffle_i32x4(e1, e3, 0xdd);
  }
}

// Message words of lanes first_lane .. first_lane + 15 from row-major messages.
inline void LoadTransposed(const uint32_t* messages, size_t first_lane, Vec m[16]) {
  for (int i = 0; i < 16; ++i) m[i] = Load(messages + 16 * (first_lane + i));
  Transpose16x16(m);
}

inline void StoreRowMajor(const Blake2sStates16& states, size_t first_lane, uint32_t* out) {
  Vec r[16];
  for (int w = 0; w < 8; ++w) r[w] = Load(states.words[w] + first_lane);
  for (int w = 8; w < 16; ++w) r[w] = _mm512_setzero_si512();
  Transpose16x16(r);
  for (int i = 0; i < 16; ++i) {
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + 8 * (first_lane + i)),
                        _mm512_castsi512_si256(r[i]));
  }
}

#pragma GCC diagnostic pop

#elif defined(TENSORSTARK_SIMD_AVX2)

using Vec = __m256i;
constexpr size_t kVecLanes = 8;

inline Vec Add(Vec a, Vec b) { return _mm256_add_epi32(a, b); }
inline Vec Xor(Vec a, Vec b) { return _mm256_xor_si256(a, b); }
template <int kBits>
inline Vec Rotr(Vec a) {
  // Byte-aligned rotations are one byte shuffle instead of two shifts and an or.
  if constexpr (kBits == 16) {
    return _mm256_shuffle_epi8(
        a, _mm256_setr_epi8(2, 3, 0, 1, 6, 7, 4, 5, 10, 11, 8, 9, 14, 15, 12, 13, 2, 3, 0, 1, 6, 7,
                            4, 5, 10, 11, 8, 9, 14, 15, 12, 13));
  } else if constexpr (kBits == 8) {
    return _mm256_shuffle_epi8(
        a, _mm256_setr_epi8(1, 2, 3, 0, 5, 6, 7, 4, 9, 10, 11, 8, 13, 14, 15, 12, 1, 2, 3, 0, 5, 6,
                            7, 4, 9, 10, 11, 8, 13, 14, 15, 12));
  } else {
    return _mm256_or_si256(_mm256_srli_epi32(a, kBits), _mm256_slli_epi32(a, 32 - kBits));
  }
}
inline Vec Load(const uint32_t* p) { return _mm256_loadu_si256(reinterpret_cast<const Vec*>(p)); }
inline void Store(uint32_t* p, Vec a) { _mm256_storeu_si256(reinterpret_cast<Vec*>(p), a); }
inline Vec Splat(uint32_t x) { return _mm256_set1_epi32(static_cast<int>(x)); }

// In-place transpose of an 8×8 word matrix held as 8 rows.
inline void Transpose8x8(Vec r[8]) {
  Vec a[8], b[8];
  for (int p = 0; p < 4; ++p) {
    a[2 * p] = _mm256_unpacklo_epi32(r[2 * p], r[2 * p + 1]);
    a[2 * p + 1] = _mm256_unpackhi_epi32(r[2 * p], r[2 * p + 1]);
  }
  // b[4q + k], 128-bit lane l, holds column 4l + k of rows 4q .. 4q + 3.
  for (int q = 0; q < 2; ++q) {
    b[4 * q] = _mm256_unpacklo_epi64(a[4 * q], a[4 * q + 2]);
    b[4 * q + 1] = _mm256_unpackhi_epi64(a[4 * q], a[4 * q + 2]);
    b[4 * q + 2] = _mm256_unpacklo_epi64(a[4 * q + 1], a[4 * q + 3]);
    b[4 * q + 3] = _mm256_unpackhi_epi64(a[4 * q + 1], a[4 * q + 3]);
  }
  for (int k = 0; k < 4; ++k) {
    r[k] = _mm256_permute2x128_si256(b[k], b[4 + k], 0x20);
    r[4 + k] = _mm256_permute2x128_si256(b[k], b[4 + k], 0x31);
  }
}

inline void LoadTransposed(const uint32_t* messages, size_t first_lane, Vec m[16]) {
  for (int i = 0; i < 8; ++i) {
    m[i] = Load(messages + 16 * (first_lane + i));
    m[8 + i] = Load(messages + 16 * (first_lane + i) + 8);
  }
  Transpose8x8(m);
  Transpose8x8(m + 8);
}

inline void StoreRowMajor(const Blake2sStates16& states, size_t first_lane, uint32_t* out) {
  Vec r[8];
  for (int w = 0; w < 8; ++w) r[w] = Load(states.words[w] + first_lane);
  Transpose8x8(r);
  for (int i = 0; i < 8; ++i) Store(out + 8 * (first_lane + i), r[i]);
}

#else  // TENSORSTARK_SIMD_PORTABLE

// Plain lane loops that g++ -O3 turns into the target's vector instructions. Four lanes fill one
// 128-bit register (SSE2, NEON); wider vectors would not fit the 32 live values in registers.
constexpr size_t kVecLanes = 4;
struct Vec {
  uint32_t x[kVecLanes];
};

inline Vec Add(const Vec& a, const Vec& b) {
  Vec r;
  for (size_t i = 0; i < kVecLanes; ++i) r.x[i] = a.x[i] + b.x[i];
  return r;
}
inline Vec Xor(const Vec& a, const Vec& b) {
  Vec r;
  for (size_t i = 0; i < kVecLanes; ++i) r.x[i] = a.x[i] ^ b.x[i];
  return r;
}
template <int kBits>
inline Vec Rotr(const Vec& a) {
  Vec r;
  for (size_t i = 0; i < kVecLanes; ++i) r.x[i] = (a.x[i] >> kBits) | (a.x[i] << (32 - kBits));
  return r;
}
// memcpy because the words may live in byte arrays (hashes); it compiles to plain moves.
inline Vec Load(const uint32_t* p) {
  Vec r;
  std::memcpy(r.x, p, sizeof(r.x));
  return r;
}
inline void Store(uint32_t* p, const Vec& a) { std::memcpy(p, a.x, sizeof(a.x)); }
inline Vec Splat(uint32_t x) {
  Vec r;
  for (size_t i = 0; i < kVecLanes; ++i) r.x[i] = x;
  return r;
}

inline void LoadTransposed(const uint32_t* messages, size_t first_lane, Vec m[16]) {
  for (size_t w = 0; w < 16; ++w) {
    for (size_t i = 0; i < kVecLanes; ++i) {
      std::memcpy(&m[w].x[i], messages + 16 * (first_lane + i) + w, sizeof(uint32_t));
    }
  }
}

inline void StoreRowMajor(const Blake2sStates16& states, size_t first_lane, uint32_t* out) {
  for (size_t i = 0; i < kVecLanes; ++i) {
    for (size_t w = 0; w < 8; ++w) {
      std::memcpy(out + 8 * (first_lane + i) + w, &states.words[w][first_lane + i],
                  sizeof(uint32_t));
    }
  }
}

#endif

static_assert(kBlake2sSimdLanes % kVecLanes == 0);

struct VecOps {
  using Word = Vec;
  static Vec Add(const Vec& a, const Vec& b) { return hash::Add(a, b); }
  static Vec Xor(const Vec& a, const Vec& b) { return hash::Xor(a, b); }
  template <int kBits>
  static Vec Rotr(const Vec& a) {
    return hash::Rotr<kBits>(a);
  }
};

// The compression of Blake2sCompress on kVecLanes lanes; h is updated in place.
inline void CompressLanes(Vec h[8], const Vec m[16], uint64_t t, uint64_t f) {
  Vec v[16];
  for (int i = 0; i < 8; ++i) {
    v[i] = h[i];
    v[i + 8] = Splat(kBlake2sIv[i]);
  }
  v[12] = Splat(kBlake2sIv[4] ^ static_cast<uint32_t>(t));
  v[13] = Splat(kBlake2sIv[5] ^ static_cast<uint32_t>(t >> 32));
  v[14] = Splat(kBlake2sIv[6] ^ static_cast<uint32_t>(f));
  v[15] = Splat(kBlake2sIv[7] ^ static_cast<uint32_t>(f >> 32));
  Blake2sRounds<VecOps>(v, m);
  for (int i = 0; i < 8; ++i) h[i] = Xor(h[i], Xor(v[i], v[i + 8]));
}

inline void CompressStates(Blake2sStates16& states, size_t first_lane, const Vec m[16], uint64_t t,
                           uint64_t f) {
  Vec h[8];
  for (int w = 0; w < 8; ++w) h[w] = Load(states.words[w] + first_lane);
  CompressLanes(h, m, t, f);
  for (int w = 0; w < 8; ++w) Store(states.words[w] + first_lane, h[w]);
}

}  // namespace

void Blake2sCompress16(Blake2sStates16& states,
                       const std::array<const uint32_t*, 16>& message_words, uint64_t t,
                       uint64_t f) {
  for (size_t lane = 0; lane < kBlake2sSimdLanes; lane += kVecLanes) {
    Vec m[16];
    for (int w = 0; w < 16; ++w) m[w] = Load(message_words[w] + lane);
    CompressStates(states, lane, m, t, f);
  }
}

void Blake2sCompress16RowMajor(Blake2sStates16& states, const uint32_t* messages, uint64_t t,
                               uint64_t f) {
  for (size_t lane = 0; lane < kBlake2sSimdLanes; lane += kVecLanes) {
    Vec m[16];
    LoadTransposed(messages, lane, m);
    CompressStates(states, lane, m, t, f);
  }
}

void Blake2sStoreRowMajor16(const Blake2sStates16& states, uint32_t* out) {
  for (size_t lane = 0; lane < kBlake2sSimdLanes; lane += kVecLanes) {
    StoreRowMajor(states, lane, out);
  }
}

}  // namespace tensorstark::hash
