#include "hash/poseidon252_ifma.h"

#ifdef TENSORSTARK_SIMD_AVX512

#include <immintrin.h>

#include <array>
#include <cstdint>

#include "field/felt252.h"
#include "hash/poseidon252_constants.h"

namespace tensorstark::hash::poseidon252_internal {
namespace {

using field::Felt252;
namespace fi = field::felt252_internal;

// Representation. A lane holds an integer v = Σ l_i·2^(52i) over five 64-bit limbs, congruent to
// a·2^260 for the element a (Montgomery form with R = 2^260 ≈ 512p). vpmadd52 reads only the low
// 52 bits of its factors, so a value is normalized (limbs below 2^52) before every product; sums
// and differences are taken limb by limb and may leave limbs above 2^52 until then.
//
// Bounds. A Montgomery product of x, y < 2^260 is below x·y/R + p, so with R ≈ 512p the cube of
// any x < 10.1p is below 1.03p. Rounds are arranged so every S-box input stays below 10.1p:
//   full round:     lanes < 9.1p in, x = lane + c < 10.1p, out < 5.2p, 6.2p, 7.2p;
//   partial rounds: in the basis u = s0 + s1, v = s0 - s1 as in poseidon252.cc, with u < 2p
//                   (ReduceBelow2P), v < 12.2p, S-box input x = s2 + c < 8.2p, all limbs
//                   below 2^62.
// Products come out of the Montgomery reduction with their limbs below 2^56 but not carried
// (the next use of an S-box output is a sum, which is normalized later anyway); a limb that is
// not carried is at most its normalized value for the top limb, and below 2^56 for the others.
// A subtraction K - y is computed as K + (-y) limb by limb with K a multiple of p written with
// every low limb raised by 2^58 (borrowed from the limb above), so no limb goes negative: the
// subtracted values are at most 3 S-box outputs or lanes whose limbs are below 3·2^56, and
// their top limbs stay below K's as their values do.

constexpr int kLimbs = 5;
constexpr uint64_t kMask52 = (uint64_t{1} << 52) - 1;
using Limbs52 = std::array<uint64_t, kLimbs>;

struct Vec {
  __m512i l[kLimbs];
};

constexpr Limbs52 Split52(const fi::Limbs& x) {
  return {x[0] & kMask52, ((x[0] >> 52) | (x[1] << 12)) & kMask52,
          ((x[1] >> 40) | (x[2] << 24)) & kMask52, ((x[2] >> 28) | (x[3] << 36)) & kMask52,
          x[3] >> 16};
}

// Requires normalized limbs and a value below 2^256.
constexpr fi::Limbs Join52(const Limbs52& l) {
  return {l[0] | (l[1] << 52), (l[1] >> 12) | (l[2] << 40), (l[2] >> 24) | (l[3] << 28),
          (l[3] >> 36) | (l[4] << 16)};
}

// a·2^260 mod p from a Felt252 (whose limbs hold a·2^256 mod p): shift by 4, then reduce.
constexpr Limbs52 ToIfmaForm(const Felt252& a) {
  const fi::Limbs& m = a.montgomery();
  fi::Limbs x = {m[0] << 4, (m[0] >> 60) | (m[1] << 4), (m[1] >> 60) | (m[2] << 4),
                 (m[2] >> 60) | (m[3] << 4)};
  return Split52(fi::AddMod(fi::ReduceBelow2P(x), fi::Limbs{0, 0, 0, 0}));
}

// Back from v ≡ a·2^260 (v < 2^256): a·2^256 = v/16 mod p. With v canonical and k = -v mod 16,
// v + k·p is divisible by 16 (p ≡ 1 mod 16) and (v + k·p)/16 < p.
Felt252 FromIfmaForm(const Limbs52& l) {
  fi::Limbs v = fi::AddMod(fi::ReduceBelow2P(Join52(l)), fi::Limbs{0, 0, 0, 0});
  uint64_t k = (0 - v[0]) & 15;
  v = fi::AddNoReduce(v, fi::Limbs{k, 0, 0, k * fi::kP3});
  return Felt252::FromMontgomery({(v[0] >> 4) | (v[1] << 60), (v[1] >> 4) | (v[2] << 60),
                                  (v[2] >> 4) | (v[3] << 60), v[3] >> 4});
}

// k·p with limbs 0-3 raised by 2^58 and limbs 1-4 lowered by 2^6 to pay for it.
constexpr Limbs52 RaisedMultipleOfP(uint64_t k) {
  fi::Limbs kp = {0, 0, 0, 0};
  for (uint64_t i = 0; i < k; ++i) kp = fi::AddNoReduce(kp, fi::kModulus);
  Limbs52 l = Split52(kp);
  for (int i = 0; i < 4; ++i) {
    l[i] += uint64_t{1} << 58;
    l[i + 1] -= uint64_t{1} << 6;
  }
  return l;
}

constexpr Limbs52 kRaised3P = RaisedMultipleOfP(3);
constexpr Limbs52 kRaised4P = RaisedMultipleOfP(4);
constexpr Limbs52 kRaised6P = RaisedMultipleOfP(6);
constexpr Limbs52 kRaised7P = RaisedMultipleOfP(7);
// p with limbs 0-3 raised by 2^52 only: ReduceBelow2P subtracts less than 2^9 from limb 0 and
// less than 2^50 from limb 3.
constexpr Limbs52 kRaisedP = {1 + (uint64_t{1} << 52), kMask52, kMask52,
                              (uint64_t{17} << 36) + kMask52, (uint64_t{1} << 43) - 1};

// 1/2 = (p + 1)/2.
constexpr Limbs52 kHalf = ToIfmaForm(Felt252::FromLimbs({1, 0, fi::kP3 << 63, fi::kP3 >> 1}));

constexpr auto kFull = [] {
  std::array<std::array<Limbs52, 3>, 2 * kFullRoundsHalf> out;
  for (size_t r = 0; r < out.size(); ++r) {
    for (size_t j = 0; j < 3; ++j) {
      out[r][j] = ToIfmaForm(Felt252::FromLimbs(kFullRoundConstants[r][j]));
    }
  }
  return out;
}();
constexpr auto kPartial = [] {
  std::array<Limbs52, kPartialRounds> out;
  for (size_t r = 0; r < out.size(); ++r) {
    out[r] = ToIfmaForm(Felt252::FromLimbs(kPartialRoundConstants[r]));
  }
  return out;
}();
// The raised 3p of a partial round's s2' = u + 3p - 2z plus the next round's constant (zero after
// the last), so that the round yields the next S-box input directly (PartialRound).
constexpr auto kPartialNext = [] {
  std::array<Limbs52, kPartialRounds> out;
  for (size_t r = 0; r < out.size(); ++r) {
    out[r] = kRaised3P;
    if (r + 1 < out.size()) {
      for (int i = 0; i < kLimbs; ++i) out[r][i] += kPartial[r + 1][i];
    }
  }
  return out;
}();

inline __m512i Set1(uint64_t x) { return _mm512_set1_epi64(static_cast<long long>(x)); }

// _mm512_srli_epi64 trips GCC 12's -Wuninitialized (its unmasked form passes an undefined
// vector); the all-lanes zero-masked form is the same instruction.
template <int kBits>
inline __m512i ShiftRight(__m512i x) {
  return _mm512_maskz_srli_epi64(0xff, x, kBits);
}

inline Vec Add(const Vec& a, const Vec& b) {
  Vec r;
  for (int i = 0; i < kLimbs; ++i) r.l[i] = _mm512_add_epi64(a.l[i], b.l[i]);
  return r;
}

inline Vec AddConst(const Vec& a, const Limbs52& c) {
  Vec r;
  for (int i = 0; i < kLimbs; ++i) r.l[i] = _mm512_add_epi64(a.l[i], Set1(c[i]));
  return r;
}

// c - a limb by limb; c's limbs must dominate a's.
inline Vec ConstSub(const Limbs52& c, const Vec& a) {
  Vec r;
  for (int i = 0; i < kLimbs; ++i) r.l[i] = _mm512_sub_epi64(Set1(c[i]), a.l[i]);
  return r;
}

// Carries every limb's excess into the next; the value must be below 2^260.
inline void Normalize(Vec& a) {
  const __m512i mask = Set1(kMask52);
  for (int i = 0; i < kLimbs - 1; ++i) {
    a.l[i + 1] = _mm512_add_epi64(a.l[i + 1], ShiftRight<52>(a.l[i]));
    a.l[i] = _mm512_and_si512(a.l[i], mask);
  }
}

// As felt252_internal::ReduceBelow2P, on a normalized value: with q = floor(v / 2^251) < 2^9,
// v - q·p + p = (v mod 2^251) + p - q·(17·2^192 + 1) lies in (0, 2p).
inline void ReduceBelow2P(Vec& a) {
  const __m512i q = ShiftRight<43>(a.l[4]);
  const __m512i q_p3 = _mm512_madd52lo_epu64(_mm512_setzero_si512(), q, Set1(uint64_t{17} << 36));
  a.l[4] =
      _mm512_add_epi64(_mm512_and_si512(a.l[4], Set1((uint64_t{1} << 43) - 1)), Set1(kRaisedP[4]));
  a.l[0] = _mm512_sub_epi64(_mm512_add_epi64(a.l[0], Set1(kRaisedP[0])), q);
  a.l[1] = _mm512_add_epi64(a.l[1], Set1(kRaisedP[1]));
  a.l[2] = _mm512_add_epi64(a.l[2], Set1(kRaisedP[2]));
  a.l[3] = _mm512_sub_epi64(_mm512_add_epi64(a.l[3], Set1(kRaisedP[3])), q_p3);
}

// Word-by-word Montgomery reduction of the 10-limb t: m = -t_i mod 2^52 (p ≡ 1 mod 2^52) makes
// limb i vanish; p's other limbs are 17·2^36 (limb 3) and 2^43 (limb 4). Returns t/2^260 with
// its limbs not carried: for the products here (at most 9 + 4 terms below 2^52 per limb), below
// 2^56.
inline Vec MontReduce(__m512i t[10]) {
  const __m512i mask = Set1(kMask52), p3 = Set1(uint64_t{17} << 36), p4 = Set1(uint64_t{1} << 43);
  const __m512i zero = _mm512_setzero_si512();
  for (int i = 0; i < kLimbs; ++i) {
    __m512i m = _mm512_and_si512(_mm512_sub_epi64(zero, t[i]), mask);
    t[i + 1] = _mm512_add_epi64(t[i + 1], ShiftRight<52>(_mm512_add_epi64(t[i], m)));
    t[i + 3] = _mm512_madd52lo_epu64(t[i + 3], m, p3);
    t[i + 4] = _mm512_madd52hi_epu64(t[i + 4], m, p3);
    t[i + 4] = _mm512_madd52lo_epu64(t[i + 4], m, p4);
    t[i + 5] = _mm512_madd52hi_epu64(t[i + 5], m, p4);
  }
  return {{t[5], t[6], t[7], t[8], t[9]}};
}

// Low and high halves go to the same accumulators: the IFMA port, not the chains' latency, is
// what limits a product, and separate halves would cost ten additions.
inline Vec Mul(const Vec& a, const Vec& b) {
  __m512i t[10];
  for (int k = 0; k < 10; ++k) t[k] = _mm512_setzero_si512();
  for (int i = 0; i < kLimbs; ++i) {
    for (int j = 0; j < kLimbs; ++j) {
      t[i + j] = _mm512_madd52lo_epu64(t[i + j], a.l[i], b.l[j]);
      t[i + j + 1] = _mm512_madd52hi_epu64(t[i + j + 1], a.l[i], b.l[j]);
    }
  }
  return MontReduce(t);
}

// The ten cross products once, doubled, plus the five squares.
inline Vec Square(const Vec& a) {
  __m512i t[10];
  for (int k = 0; k < 10; ++k) t[k] = _mm512_setzero_si512();
  for (int i = 0; i < kLimbs; ++i) {
    for (int j = i + 1; j < kLimbs; ++j) {
      t[i + j] = _mm512_madd52lo_epu64(t[i + j], a.l[i], a.l[j]);
      t[i + j + 1] = _mm512_madd52hi_epu64(t[i + j + 1], a.l[i], a.l[j]);
    }
  }
  for (int k = 1; k < 9; ++k) t[k] = _mm512_add_epi64(t[k], t[k]);
  for (int i = 0; i < kLimbs; ++i) {
    t[2 * i] = _mm512_madd52lo_epu64(t[2 * i], a.l[i], a.l[i]);
    t[2 * i + 1] = _mm512_madd52hi_epu64(t[2 * i + 1], a.l[i], a.l[i]);
  }
  // Normalized: the square is the cube's next factor.
  Vec r = MontReduce(t);
  Normalize(r);
  return r;
}

// (lane + c)³ for a lane below 9.1p: below 1.03p, limbs not carried (MontReduce).
inline Vec SBox(const Vec& lane, const Limbs52& c) {
  Vec x = AddConst(lane, c);
  Normalize(x);
  return Mul(Square(x), x);
}

// MDS [[3,1,1],[1,-1,1],[1,1,-2]] as t = s0 + s1 + s2 plus a diagonal correction.
inline void FullRound(Vec s[3], const std::array<Limbs52, 3>& c) {
  Vec z0 = SBox(s[0], c[0]), z1 = SBox(s[1], c[1]), z2 = SBox(s[2], c[2]);
  Vec t = Add(Add(z0, z1), z2);
  s[0] = Add(t, Add(z0, z0));
  s[1] = Add(t, ConstSub(kRaised3P, Add(z1, z1)));
  s[2] = Add(t, ConstSub(kRaised4P, Add(Add(z2, z2), z2)));
}

// Normalizes, then ReduceBelow2P.
inline void ReduceLane(Vec& a) {
  Normalize(a);
  ReduceBelow2P(a);
}

// u' = 2(u + v + z), v' = 2u, s2' = u - 2z (poseidon252.cc), on x = s2 + c_r, the S-box input,
// and returning the next one, x' = s2' + c_{r+1} = u + (3p + c_{r+1}) - 2z with k_next the
// constant in parentheses. With u < 2p, v < 12.2p and x < 8.2p in: z < 1.03p,
// 2(u + v + z) < 31p before its reduction, v' < 4p, x' < 6p.
inline void PartialRound(Vec& u, Vec& v, Vec& x, const Limbs52& k_next) {
  Normalize(x);
  Vec z = Mul(Square(x), x);
  Vec z2 = Add(z, z), uv = Add(u, v);
  v = Add(u, u);
  x = Add(u, ConstSub(k_next, z2));
  u = Add(Add(uv, uv), z2);
  ReduceLane(u);
}

// Converts the states of one group of eight into vectors, one lane per state.
void Load(const PoseidonState* states, Vec s[3]) {
  alignas(64) uint64_t buf[3][kLimbs][kIfmaLanes];
  for (size_t lane = 0; lane < kIfmaLanes; ++lane) {
    for (int j = 0; j < 3; ++j) {
      Limbs52 l = ToIfmaForm(states[lane][j]);
      for (int i = 0; i < kLimbs; ++i) buf[j][i][lane] = l[i];
    }
  }
  for (int j = 0; j < 3; ++j) {
    for (int i = 0; i < kLimbs; ++i) s[j].l[i] = _mm512_load_si512(buf[j][i]);
  }
}

void Store(Vec s[3], PoseidonState* states) {
  alignas(64) uint64_t buf[3][kLimbs][kIfmaLanes];
  for (int j = 0; j < 3; ++j) {
    Normalize(s[j]);
    for (int i = 0; i < kLimbs; ++i) _mm512_store_si512(buf[j][i], s[j].l[i]);
  }
  for (size_t lane = 0; lane < kIfmaLanes; ++lane) {
    for (int j = 0; j < 3; ++j) {
      Limbs52 l;
      for (int i = 0; i < kLimbs; ++i) l[i] = buf[j][i][lane];
      states[lane][j] = FromIfmaForm(l);
    }
  }
}

// kGroups groups of eight in lockstep, round by round: the groups are independent, so the CPU
// overlaps one group's latency (the partial rounds are a chain of dependent products) with the
// other's products.
template <int kGroups>
void Permute(PoseidonState* states) {
  Vec s[kGroups][3], u[kGroups], v[kGroups];
  for (int g = 0; g < kGroups; ++g) Load(states + g * kIfmaLanes, s[g]);
  for (int r = 0; r < kFullRoundsHalf; ++r) {
    for (int g = 0; g < kGroups; ++g) FullRound(s[g], kFull[r]);
  }
  // Into the partial rounds' basis: u = s0 + s1 < 11.4p reduced; v = s0 + 7p - s1, which needs
  // s1's limbs normalized to stay below the raised 7p's.
  for (int g = 0; g < kGroups; ++g) {
    u[g] = Add(s[g][0], s[g][1]);
    ReduceLane(u[g]);
    Normalize(s[g][1]);
    v[g] = Add(s[g][0], ConstSub(kRaised7P, s[g][1]));
  }
  for (int g = 0; g < kGroups; ++g) s[g][2] = AddConst(s[g][2], kPartial[0]);
  for (const Limbs52& k_next : kPartialNext) {
    for (int g = 0; g < kGroups; ++g) PartialRound(u[g], v[g], s[g][2], k_next);
  }
  // Back: s0 = (u + v)/2 and s1 = (u + 6p - v)/2, as Montgomery products with 1/2; the inputs
  // are below 6p and 8p once normalized, the outputs below 1.03p.
  Vec half;
  for (int i = 0; i < kLimbs; ++i) half.l[i] = Set1(kHalf[i]);
  for (int g = 0; g < kGroups; ++g) {
    Vec sum = Add(u[g], v[g]), diff = Add(u[g], ConstSub(kRaised6P, v[g]));
    Normalize(sum);
    Normalize(diff);
    s[g][0] = Mul(sum, half);
    s[g][1] = Mul(diff, half);
  }
  for (int r = kFullRoundsHalf; r < 2 * kFullRoundsHalf; ++r) {
    for (int g = 0; g < kGroups; ++g) FullRound(s[g], kFull[r]);
  }
  for (int g = 0; g < kGroups; ++g) Store(s[g], states + g * kIfmaLanes);
}

}  // namespace

size_t HadesPermutationIfma(std::span<PoseidonState> states) {
  size_t i = 0;
  for (; i + 2 * kIfmaLanes <= states.size(); i += 2 * kIfmaLanes) Permute<2>(&states[i]);
  for (; i + kIfmaLanes <= states.size(); i += kIfmaLanes) Permute<1>(&states[i]);
  return i;
}

}  // namespace tensorstark::hash::poseidon252_internal

#endif  // TENSORSTARK_SIMD_AVX512
