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
constexpr auto kPartial = [] {
  std::array<Felt252, kPartialRounds> out;
  for (size_t r = 0; r < out.size(); ++r) {
    out[r] = Felt252::FromLimbs(poseidon252_internal::kPartialRoundConstants[r]);
  }
  return out;
}();

// The permutation works on unreduced Montgomery limbs (felt252_montgomery.h): a lane holds any
// integer below 2^256 ≈ 32p congruent to its element, and is reduced only as far as the bounds
// below need. Any x < 9p has x³ = MontMul(MontSquare(x), x) < p: the square is below
// 81p²/2^256 < 2.6p, and 2.6p·9p stays under p·2^256, where Montgomery reduction is canonical.
using field::felt252_internal::AddMod;
using field::felt252_internal::AddNoReduce;
using field::felt252_internal::Limbs;
using field::felt252_internal::MontMul;
using field::felt252_internal::MontSquare;
using field::felt252_internal::ReduceBelow2P;
using field::felt252_internal::SubNoReduce;

constexpr Limbs MultipleOfP(uint64_t k) {
  Limbs m = {0, 0, 0, 0};
  for (uint64_t i = 0; i < k; ++i) m = AddNoReduce(m, Felt252::kModulus);
  return m;
}

inline Limbs Cube(const Limbs& x) { return MontMul(MontSquare(x), x); }

// x/2 mod p for x < 31p: x + p is even when x is odd.
Limbs Halve(const Limbs& x) {
  uint64_t odd = 0 - (x[0] & 1);
  Limbs y = AddNoReduce(x, Limbs{odd & 1, 0, 0, odd & Felt252::kModulus[3]});
  return {(y[0] >> 1) | (y[1] << 63), (y[1] >> 1) | (y[2] << 63), (y[2] >> 1) | (y[3] << 63),
          y[3] >> 1};
}

// MDS [[3,1,1],[1,-1,1],[1,1,-2]] as t = s0 + s1 + s2 plus a diagonal correction; a subtraction
// becomes an addition of a multiple of p minus the lane. Lanes < 8p in, < 5p, 5p, 6p out.
void FullRound(std::array<Limbs, 3>& s, const std::array<Felt252, 3>& c) {
  static constexpr Limbs k2P = MultipleOfP(2), k3P = MultipleOfP(3);
  Limbs z[3];
  for (int j = 0; j < 3; ++j) z[j] = Cube(AddNoReduce(s[j], c[j].montgomery()));
  Limbs t = AddNoReduce(AddNoReduce(z[0], z[1]), z[2]);
  s[0] = AddNoReduce(t, AddNoReduce(z[0], z[0]));
  s[1] = AddNoReduce(t, SubNoReduce(k2P, AddNoReduce(z[1], z[1])));
  s[2] = AddNoReduce(t, SubNoReduce(k3P, AddNoReduce(AddNoReduce(z[2], z[2]), z[2])));
}

// The partial rounds run in the basis u = s0 + s1, v = s0 - s1, where the MDS matrix becomes
//   u' = 2(u + v + z),  v' = 2u,  s2' = u - 2z   (z the S-box output):
// fewer additions, and only u needs a reduction. In: u < 2p, v < 10p, s2 < 6p. Each round keeps
// u < 2p (2(u + v + z) < 26p before its reduction), v < 4p and s2 = u + 2p - 2z < 4p.
void PartialRounds(Limbs& u, Limbs& v, Limbs& s2) {
  static constexpr Limbs k2P = MultipleOfP(2);
  for (const Felt252& c : kPartial) {
    Limbs z = Cube(AddNoReduce(s2, c.montgomery()));
    Limbs a = AddNoReduce(AddNoReduce(u, v), z);
    v = AddNoReduce(u, u);
    s2 = AddNoReduce(u, SubNoReduce(k2P, AddNoReduce(z, z)));
    u = ReduceBelow2P(AddNoReduce(a, a));
  }
}

void Permute(PoseidonState& state) {
  static constexpr Limbs k4P = MultipleOfP(4), k5P = MultipleOfP(5);
  std::array<Limbs, 3> s = {state[0].montgomery(), state[1].montgomery(), state[2].montgomery()};
  for (int r = 0; r < kFullRoundsHalf; ++r) FullRound(s, kFull[r]);
  Limbs u = ReduceBelow2P(AddNoReduce(s[0], s[1]));
  Limbs v = AddNoReduce(s[0], SubNoReduce(k5P, s[1]));
  PartialRounds(u, v, s[2]);
  // Back to s0 = (u + v)/2 and s1 = (u - v)/2, both below 3.5p.
  s[0] = Halve(AddNoReduce(u, v));
  s[1] = Halve(AddNoReduce(u, SubNoReduce(k4P, v)));
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
