#include "hash/blake2s_simd.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <limits>
#include <utility>

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
// LoadTransposed (row-major messages -> one vector per message word) and ZeroLanes (bit i set if
// lane i of a & mask is zero).
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
inline uint32_t ZeroLanes(Vec a, Vec mask) { return _mm512_testn_epi32_mask(a, mask); }

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
inline uint32_t ZeroLanes(Vec a, Vec mask) {
  Vec zero = _mm256_cmpeq_epi32(_mm256_and_si256(a, mask), _mm256_setzero_si256());
  return static_cast<uint32_t>(_mm256_movemask_ps(_mm256_castsi256_ps(zero)));
}

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
inline uint32_t ZeroLanes(const Vec& a, const Vec& mask) {
  uint32_t bits = 0;
  for (size_t i = 0; i < kVecLanes; ++i) bits |= uint32_t{(a.x[i] & mask.x[i]) == 0} << i;
  return bits;
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

// Proof-of-work grinding: kVecLanes consecutive nonces per vector. The code is BLAKE2s written out
// for this one message shape, so that the compiler sees which words are zero and which results
// are never read, and drops that work.

// The message of a proof-of-work attempt: words 0 and 1 are the nonce halves, words 2..15 zero.
struct NonceMessage {
  Vec lo;
  Vec hi;
};

// a + message word kWord; the zero words cost nothing. kHiZero: every nonce is below 2^32, so
// word 1 is zero too (the usual case, as grinding searches from 0).
template <bool kHiZero, int kWord>
[[gnu::always_inline]] inline Vec AddMessageWord(const Vec& a, const NonceMessage& m) {
  if constexpr (kWord == 0) {
    return Add(a, m.lo);
  } else if constexpr (kWord == 1 && !kHiZero) {
    return Add(a, m.hi);
  } else {
    return a;
  }
}

// The mixing function G of RFC 7693 §3.1 on state words a, b, c, d and message words x, y.
template <bool kHiZero, int kA, int kB, int kC, int kD, int kX, int kY>
[[gnu::always_inline]] inline void GrindG(Vec v[16], const NonceMessage& m) {
  v[kA] = AddMessageWord<kHiZero, kX>(Add(v[kA], v[kB]), m);
  v[kD] = Rotr<16>(Xor(v[kD], v[kA]));
  v[kC] = Add(v[kC], v[kD]);
  v[kB] = Rotr<12>(Xor(v[kB], v[kC]));
  v[kA] = AddMessageWord<kHiZero, kY>(Add(v[kA], v[kB]), m);
  v[kD] = Rotr<8>(Xor(v[kD], v[kA]));
  v[kC] = Add(v[kC], v[kD]);
  v[kB] = Rotr<7>(Xor(v[kB], v[kC]));
}

// Column kI of round kRound: G(v[i], v[4 + i], v[8 + i], v[12 + i]).
template <bool kHiZero, int kRound, int kI>
[[gnu::always_inline]] inline void GrindColumn(Vec v[16], const NonceMessage& m) {
  GrindG<kHiZero, kI, 4 + kI, 8 + kI, 12 + kI, kBlake2sSigma[kRound][2 * kI],
         kBlake2sSigma[kRound][2 * kI + 1]>(v, m);
}

// Diagonal kI of round kRound: G(v[i], v[4 + (i + 1) % 4], v[8 + (i + 2) % 4],
// v[12 + (i + 3) % 4]).
template <bool kHiZero, int kRound, int kI>
[[gnu::always_inline]] inline void GrindDiagonal(Vec v[16], const NonceMessage& m) {
  GrindG<kHiZero, kI, 4 + (kI + 1) % 4, 8 + (kI + 2) % 4, 12 + (kI + 3) % 4,
         kBlake2sSigma[kRound][8 + 2 * kI], kBlake2sSigma[kRound][9 + 2 * kI]>(v, m);
}

template <bool kHiZero, int kRound>
[[gnu::always_inline]] inline void GrindDiagonals(Vec v[16], const NonceMessage& m) {
  GrindDiagonal<kHiZero, kRound, 0>(v, m);
  GrindDiagonal<kHiZero, kRound, 1>(v, m);
  GrindDiagonal<kHiZero, kRound, 2>(v, m);
  GrindDiagonal<kHiZero, kRound, 3>(v, m);
}

template <bool kHiZero, int kRound>
[[gnu::always_inline]] inline void GrindRound(Vec v[16], const NonceMessage& m) {
  GrindColumn<kHiZero, kRound, 0>(v, m);
  GrindColumn<kHiZero, kRound, 1>(v, m);
  GrindColumn<kHiZero, kRound, 2>(v, m);
  GrindColumn<kHiZero, kRound, 3>(v, m);
  GrindDiagonals<kHiZero, kRound>(v, m);
}

template <bool kHiZero, int... kRound>
[[gnu::always_inline]] inline void GrindRounds(Vec v[16], const NonceMessage& m,
                                               std::integer_sequence<int, kRound...>) {
  (GrindRound<kHiZero, kRound>(v, m), ...);
}

// What every attempt on one digest shares: the digest h, and v, the state after the first round's
// columns 1..3, which read message words 2..7 (zero) and the digest and IV only. Column 0 (words
// 0 and 1, the nonce) is still to be applied to v[0], v[4], v[8], v[12].
struct GrindPrefix {
  Vec h[8];
  Vec v[16];
};

GrindPrefix MakeGrindPrefix(const std::array<uint32_t, 8>& digest) {
  GrindPrefix p;
  for (int i = 0; i < 8; ++i) {
    p.h[i] = Splat(digest[i]);
    p.v[i] = p.h[i];
    p.v[8 + i] = Splat(kBlake2sIv[i]);  // t = f = 0 leave v[12..16) as the IV
  }
  const NonceMessage unused{Splat(0), Splat(0)};  // columns 1..3 read no nonce word
  GrindColumn<true, 0, 1>(p.v, unused);
  GrindColumn<true, 0, 2>(p.v, unused);
  GrindColumn<true, 0, 3>(p.v, unused);
  return p;
}

// Nonces base .. base + kVecLanes - 1 as message words 0 and 1.
NonceMessage NonceLanes(uint64_t base) {
  alignas(64) static constexpr uint32_t kLaneIds[16] = {0, 1, 2,  3,  4,  5,  6,  7,
                                                        8, 9, 10, 11, 12, 13, 14, 15};
  static_assert(kVecLanes <= 16);
  const uint32_t lo = static_cast<uint32_t>(base);
  NonceMessage m{Add(Splat(lo), Load(kLaneIds)), Splat(static_cast<uint32_t>(base >> 32))};
  if (lo > std::numeric_limits<uint32_t>::max() - (kVecLanes - 1)) {
    // The low words wrap inside this vector, so the high words differ between lanes.
    alignas(64) uint32_t hi[kVecLanes];
    for (size_t i = 0; i < kVecLanes; ++i) hi[i] = static_cast<uint32_t>((base + i) >> 32);
    m.hi = Load(hi);
  }
  return m;
}

// Bit i set if output word 0 of the attempt with nonce lane i of m has no bit of mask set.
#if defined(TENSORSTARK_SIMD_PORTABLE)
// g++ splits the written-out kernel's four-lane structs into scalars and does not vectorise them
// again, which is slower than the generic compression, so the portable level runs that.
template <bool kHiZero>
uint32_t GrindLanes(const GrindPrefix& prefix, const Vec& mask, const NonceMessage& m) {
  Vec h[8];
  for (int i = 0; i < 8; ++i) h[i] = prefix.h[i];
  const Vec message[16] = {m.lo, m.hi};  // words 2..15 zero
  CompressLanes(h, message, 0, 0);
  return ZeroLanes(h[0], mask);
}
#else
template <bool kHiZero>
[[gnu::always_inline]] inline uint32_t GrindLanes(const GrindPrefix& prefix, const Vec& mask,
                                                  const NonceMessage& m) {
  Vec v[16];
  for (int i = 0; i < 16; ++i) v[i] = prefix.v[i];
  GrindColumn<kHiZero, 0, 0>(v, m);
  GrindDiagonals<kHiZero, 0>(v, m);
  GrindRounds<kHiZero>(v, m, std::integer_sequence<int, 1, 2, 3, 4, 5, 6, 7, 8, 9>());
  // Output word 0 is h0 ^ v0 ^ v8; whatever of the last round feeds only other words is dead.
  return ZeroLanes(Xor(prefix.h[0], Xor(v[0], v[8])), mask);
}
#endif

}  // namespace

std::optional<uint64_t> Blake2sGrindWord0(const std::array<uint32_t, 8>& digest,
                                          uint32_t word0_mask, uint64_t begin, uint64_t end) {
  const GrindPrefix prefix = MakeGrindPrefix(digest);
  const Vec mask = Splat(word0_mask);
  // Counting the nonces left, not comparing with end, stays right up to end = 2^64 - 1.
  uint64_t n_left = begin < end ? end - begin : 0;
  for (uint64_t base = begin; n_left > 0; base += kVecLanes) {
    const uint64_t n_lanes = std::min<uint64_t>(n_left, kVecLanes);
    const NonceMessage m = NonceLanes(base);
    const bool hi_zero = base <= std::numeric_limits<uint32_t>::max() - (kVecLanes - 1);
    const uint32_t hits =
        (hi_zero ? GrindLanes<true>(prefix, mask, m) : GrindLanes<false>(prefix, mask, m)) &
        ((1u << n_lanes) - 1);
    if (hits != 0) return base + std::countr_zero(hits);
    n_left -= n_lanes;
  }
  return std::nullopt;
}

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
