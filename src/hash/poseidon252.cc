#include "hash/poseidon252.h"

#include <cassert>
#include <vector>

#include "hash/poseidon252_constants.h"
#include "hash/poseidon252_ifma.h"

namespace tensorstark::hash {

using field::Felt252;

namespace {

using poseidon252_internal::kFullRoundsHalf;
using poseidon252_internal::kPartialRounds;

// The constants in Montgomery form, converted at compile time.
constexpr auto kFull = [] {
  std::array<std::array<Felt252, 3>, 2 * kFullRoundsHalf> out;
  for (size_t r = 0; r < out.size(); ++r) {
    for (size_t j = 0; j < 3; ++j) {
      out[r][j] = Felt252::FromLimbs(poseidon252_internal::kFullRoundConstants[r][j]);
    }
  }
  return out;
}();
// The partial rounds run on their state scaled by λ = sqrt(-2) (PartialRounds).
constexpr Felt252 kLambda = Felt252::FromLimbs(poseidon252_internal::kSqrtMinus2);
constexpr Felt252 kInverseLambda = Felt252::FromLimbs(poseidon252_internal::kInverseSqrtMinus2);
static_assert(kLambda * kLambda == -Felt252::FromU64(2));
static_assert(kLambda * kInverseLambda == Felt252::One());
// 1/(2λ), with 1/2 = (p + 1)/2.
constexpr Felt252 kHalfInverseLambda =
    kInverseLambda *
    Felt252::FromLimbs({1, 0, Felt252::kModulus[3] << 63, Felt252::kModulus[3] >> 1});
// λ·c_r + p for the partial rounds' constants c_r (Montgomery limbs, below 2p), and p after the
// last: round r adds entry r + 1 ahead of time (PartialRounds).
constexpr auto kScaledPartialPlusP = [] {
  std::array<Felt252::Limbs, kPartialRounds + 1> out;
  for (size_t r = 0; r < kPartialRounds; ++r) {
    Felt252 c = kLambda * Felt252::FromLimbs(poseidon252_internal::kPartialRoundConstants[r]);
    out[r] = field::felt252_internal::AddNoReduce(c.montgomery(), Felt252::kModulus);
  }
  out[kPartialRounds] = Felt252::kModulus;
  return out;
}();

// The permutation works on unreduced Montgomery limbs (felt252_montgomery.h): a lane holds any
// integer below 2^256 ≈ 32p congruent to its element, and is reduced only as far as the bounds
// below need. The products are lazy: MontMulLazy(a, b) <= a·b/R + p, which for a < αp, b < βp
// is below (αβ/32 + 1)p as p/R = 2^-5 (1 + 2^-55); the same holds for each of the two products
// in MontCubeAddLazy. The bounds below are rounded up.
using field::felt252_internal::AddMod;
using field::felt252_internal::AddNoReduce;
using field::felt252_internal::Limbs;
using field::felt252_internal::MontCubeAddLazy;
using field::felt252_internal::MontMulLazy;
using field::felt252_internal::ReduceBelow2P;
using field::felt252_internal::SubNoReduce;

constexpr Limbs MultipleOfP(uint64_t k) {
  Limbs m = {0, 0, 0, 0};
  for (uint64_t i = 0; i < k; ++i) m = AddNoReduce(m, Felt252::kModulus);
  return m;
}

// MDS [[3,1,1],[1,-1,1],[1,1,-2]] as t = s0 + s1 + s2 plus a diagonal correction; a subtraction
// becomes an addition of a multiple of p minus the lane. Lanes below 8.3p in (so lane + c stays
// far below 2^256); the S-box input x = ReduceBelow2P(lane + c) < 2p has x² < 1.13p and
// z = x³ < 1.08p; out t < 3.24p, lane 0 < 5.4p, lane 1 < 6.24p, lane 2 < 7.24p.
// The three S-boxes are independent, so the CPU overlaps them.
void FullRound(std::array<Limbs, 3>& s, const std::array<Felt252, 3>& c) {
  static constexpr Limbs k3P = MultipleOfP(3), k4P = MultipleOfP(4);
  Limbs x[3], z[3];
  for (int j = 0; j < 3; ++j) x[j] = ReduceBelow2P(AddNoReduce(s[j], c[j].montgomery()));
  for (int j = 0; j < 3; ++j) z[j] = MontCubeAddLazy(x[j], Felt252::kModulus);
  Limbs t = AddNoReduce(AddNoReduce(z[0], z[1]), z[2]);
  s[0] = AddNoReduce(t, AddNoReduce(z[0], z[0]));
  // 3p > 2·z1 and 4p > 3·z2.
  s[1] = AddNoReduce(t, SubNoReduce(k3P, AddNoReduce(z[1], z[1])));
  s[2] = AddNoReduce(t, SubNoReduce(k4P, AddNoReduce(AddNoReduce(z[2], z[2]), z[2])));
}

// The partial rounds run in the basis u = s0 + s1, v = s0 - s1, where the MDS matrix becomes
//   u' = 2(u + v + z),  v' = 2u,  s2' = u - 2z   (z = x³ the S-box output, x = s2 + c_r),
// and, on top of that, scaled by λ = sqrt(-2): with U = λu, V = λv and X = λx,
//   X' = U + λc_{r+1} + X³,  U' = 2(U + V) - X³,  V' = 2U,
// as λz = λx³ = X³/λ² = -X³/2. The S-box is then a plain cube, and the only operation on the
// critical path (X, round after round) is X' = MontCubeAddLazy(X, k), k = U + λc_{r+1} + p: the
// cube with the rest of X' added in its last carry chain.
// Bounds, in: X < 4.5p, U < 2p, V < 4p. X² < 1.64p and the cube z (the lazy product,
// X' = z + U + λc_{r+1}) is below 1.23p; X' < 1.23p + 2p + p < 4.5p; U' = 2(U + V) + 2p - z
// = ReduceBelow2P(2(U + V) + (k + p) - X') < 2p, the sum below 17p; V' = 2U < 4p. After the
// last round (c = 0), X < 3.23p.
// With ADX, each round is one assembly block (PoseidonPartialRoundAdx, the same arithmetic), so
// that X stays in registers between the cubes.
void PartialRounds(Limbs& u, Limbs& v, Limbs& x) {
#ifdef TENSORSTARK_FELT252_ADX
  // Locals, addressed from the stack pointer: the block has no register left for a base.
  Limbs u_local = u, v_local = v;
  for (size_t r = 0; r < kPartialRounds; ++r) {
    field::felt252_internal::PoseidonPartialRoundAdx(x, u_local, v_local,
                                                     kScaledPartialPlusP[r + 1]);
  }
  u = u_local;
  v = v_local;
#else
  for (size_t r = 0; r < kPartialRounds; ++r) {
    Limbs k = AddNoReduce(u, kScaledPartialPlusP[r + 1]);
    Limbs x_next = MontCubeAddLazy(x, k);
    Limbs sum = AddNoReduce(u, v);
    Limbs k_plus_p = AddNoReduce(k, Felt252::kModulus);
    v = AddNoReduce(u, u);
    u = ReduceBelow2P(SubNoReduce(AddNoReduce(AddNoReduce(sum, sum), k_plus_p), x_next));
    x = x_next;
  }
#endif
}

void Permute(PoseidonState& state) {
  static constexpr Limbs k4P = MultipleOfP(4), k7P = MultipleOfP(7);
  std::array<Limbs, 3> s = {state[0].montgomery(), state[1].montgomery(), state[2].montgomery()};
  for (int r = 0; r < kFullRoundsHalf; ++r) FullRound(s, kFull[r]);
  // Into the scaled basis. Lanes < 5.4p, 6.24p, 7.24p (7p > s1), so U = λ(s0 + s1) < 1.37p,
  // V = λ(s0 + 7p - s1) < 1.39p and X = λs2 + λc_0 < 2.23p.
  const Limbs& lambda = kLambda.montgomery();
  Limbs u = MontMulLazy(AddNoReduce(s[0], s[1]), lambda);
  Limbs v = MontMulLazy(AddNoReduce(s[0], SubNoReduce(k7P, s[1])), lambda);
  Limbs x = SubNoReduce(AddNoReduce(MontMulLazy(s[2], lambda), kScaledPartialPlusP[0]),
                        Felt252::kModulus);
  PartialRounds(u, v, x);
  // Back: s0 = (U + V)/(2λ) and s1 = (U + 4p - V)/(2λ) from sums below 6p, s2 = X/λ; all three
  // below 1.2p.
  s[0] = MontMulLazy(AddNoReduce(u, v), kHalfInverseLambda.montgomery());
  s[1] = MontMulLazy(AddNoReduce(u, SubNoReduce(k4P, v)), kHalfInverseLambda.montgomery());
  s[2] = MontMulLazy(x, kInverseLambda.montgomery());
  for (int r = kFullRoundsHalf; r < 2 * kFullRoundsHalf; ++r) FullRound(s, kFull[r]);
  for (int j = 0; j < 3; ++j) {
    state[j] = Felt252::FromMontgomery(AddMod(ReduceBelow2P(s[j]), Limbs{0, 0, 0, 0}));
  }
}

}  // namespace

void HadesPermutation(PoseidonState& state) { Permute(state); }

void HadesPermutationBatch(std::span<PoseidonState> states) {
  size_t i = 0;
#ifdef TENSORSTARK_SIMD_AVX512
  i = poseidon252_internal::HadesPermutationIfma(states);
#endif
  // Scalar permutations back to back; interleaving two measured no faster, as the
  // multiplications already keep the integer ports busy.
  for (; i < states.size(); ++i) Permute(states[i]);
}

Felt252 PoseidonHash(const Felt252& a, const Felt252& b) {
  PoseidonState s = {a, b, Felt252::FromU64(2)};
  HadesPermutation(s);
  return s[0];
}

Felt252 PoseidonHashSingle(const Felt252& x) {
  PoseidonState s = {x, Felt252::Zero(), Felt252::One()};
  HadesPermutation(s);
  return s[0];
}

Felt252 PoseidonHashMany(std::span<const Felt252> values) {
  PoseidonState s = {};
  size_t i = 0;
  for (; i + 2 <= values.size(); i += 2) {
    s[0] += values[i];
    s[1] += values[i + 1];
    HadesPermutation(s);
  }
  // The padding: [1, 0] after an even count, [x, 1] after an odd one.
  if (i < values.size()) {
    s[0] += values[i];
    s[1] += Felt252::One();
  } else {
    s[0] += Felt252::One();
  }
  HadesPermutation(s);
  return s[0];
}

void PoseidonHashManyBatch(std::span<const Felt252> inputs, size_t n_per_hash,
                           std::span<Felt252> out) {
  assert(inputs.size() == out.size() * n_per_hash);
  std::vector<PoseidonState> states(out.size());
  const Felt252 kOne = Felt252::One();
  for (size_t i = 0; i <= n_per_hash; i += 2) {
    for (size_t h = 0; h < out.size(); ++h) {
      const Felt252* row = inputs.data() + h * n_per_hash;
      states[h][0] += i < n_per_hash ? row[i] : kOne;
      if (i + 1 < n_per_hash) {
        states[h][1] += row[i + 1];
      } else if (i + 1 == n_per_hash) {
        states[h][1] += kOne;
      }
    }
    HadesPermutationBatch(states);
  }
  for (size_t h = 0; h < out.size(); ++h) out[h] = states[h][0];
}

Felt252 PackM31s(std::span<const field::M31> values) {
  assert(values.size() <= 8);
  // At most 248 bits: build the integer in limbs, shifting in 31 bits at a time.
  Felt252::Limbs acc = {0, 0, 0, 0};
  for (const field::M31& m : values) {
    for (int l = 3; l > 0; --l) acc[l] = (acc[l] << 31) | (acc[l - 1] >> 33);
    acc[0] = (acc[0] << 31) | m.value();
  }
  return Felt252::FromLimbs(acc);
}

}  // namespace tensorstark::hash
