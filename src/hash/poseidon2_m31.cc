#include "hash/poseidon2_m31.h"

#include <algorithm>
#include <bit>
#include <cstdint>
#include <type_traits>

namespace tensorstark::hash {
namespace {

using field::M31;

// Xoroshiro128+ seeded from a u64 through SplitMix64 (as rand_xoshiro's seed_from_u64), giving
// the constants of the instance above.
class Xoroshiro128Plus {
 public:
  explicit Xoroshiro128Plus(uint64_t seed) {
    s0_ = SplitMix64(seed);
    s1_ = SplitMix64(seed);
  }
  uint64_t NextU64() {
    const uint64_t r = s0_ + s1_;
    s1_ ^= s0_;
    s0_ = std::rotl(s0_, 24) ^ s1_ ^ (s1_ << 16);
    s1_ = std::rotl(s1_, 37);
    return r;
  }
  // Uniform in [0, p): the top 31 bits of the high word, p itself rejected.
  M31 NextM31() {
    while (true) {
      const uint32_t v = static_cast<uint32_t>(NextU64() >> 32) >> 1;
      if (v != field::kP) return M31::FromCanonical(v);
    }
  }

 private:
  static uint64_t SplitMix64(uint64_t& x) {
    x += 0x9E3779B97F4A7C15ull;
    uint64_t z = x;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  uint64_t s0_, s1_;
};

Poseidon2Constants MakeConstants() {
  Xoroshiro128Plus rng(1);
  Poseidon2Constants c;
  for (Poseidon2State& round : c.initial) {
    for (M31& v : round) v = rng.NextM31();
  }
  for (Poseidon2State& round : c.terminal) {
    for (M31& v : round) v = rng.NextM31();
  }
  for (M31& v : c.partial) v = rng.NextM31();
  return c;
}

}  // namespace

const Poseidon2Constants& Poseidon2RoundConstants() {
  static const Poseidon2Constants constants = MakeConstants();
  return constants;
}

namespace {

// A round constant in the value type of the state.
template <class F>
F Constant(M31 c) {
  if constexpr (std::is_same_v<F, M31>) {
    return c;
  } else {
    return F::Broadcast(c);
  }
}

// The S-box after the round constant: (x + c)^5, with the packed types' kernel where they have
// one.
template <class F>
F AddConstantSBox(F x, M31 c) {
  if constexpr (requires { x.AddPow5(c); }) {
    return x.AddPow5(c);
  } else {
    x = x + Constant<F>(c);
    const F x2 = x * x;
    return x2 * x2 * x;
  }
}

// One definition for the scalar and the packed permutation.
template <class F>
void Permute(std::array<F, kPoseidon2Width>& state) {
  const Poseidon2Constants& c = Poseidon2RoundConstants();
  auto full_round = [&](const Poseidon2State& constants) {
    for (size_t i = 0; i < kPoseidon2Width; ++i) {
      state[i] = AddConstantSBox(state[i], constants[i]);
    }
    Poseidon2ExternalLayer(state);
  };
  // A partial round. The packed types take Poseidon2InternalLayer reordered for latency: the sum
  // of lanes 1–15 (a tree, not a chain) does not wait for the S-box of lane 0, so a round's
  // critical path is the S-box and one subtraction, and the next round's S-box overlaps this
  // round's other lanes. With x the S-box output and r that sum, lane 0 becomes (x + r) - 2x =
  // r - x. One permutation at a time (M31) runs faster in the plain order (910 against 1,080 ns
  // on AMD EPYC Zen 4).
  auto partial_round = [&](M31 constant) {
    if constexpr (std::is_same_v<F, M31>) {
      state[0] = AddConstantSBox(state[0], constant);
      Poseidon2InternalLayer(state);
    } else {
      std::array<F, 8> tree;
      for (size_t i = 0; i < 7; ++i) tree[i] = state[2 * i + 1] + state[2 * i + 2];
      tree[7] = state[15];
      for (size_t width = 4; width >= 1; width /= 2) {
        for (size_t i = 0; i < width; ++i) tree[i] = tree[2 * i] + tree[2 * i + 1];
      }
      const F x = AddConstantSBox(state[0], constant);
      const F sum = tree[0] + x;
      state[0] = tree[0] - x;
      for (size_t i = 1; i < kPoseidon2Width; ++i) {
        state[i] = sum + Poseidon2MulPow2(state[i], kPoseidon2InternalShifts[i - 1]);
      }
    }
  };
  Poseidon2ExternalLayer(state);
  for (const Poseidon2State& round : c.initial) full_round(round);
  for (const M31& constant : c.partial) partial_round(constant);
  for (const Poseidon2State& round : c.terminal) full_round(round);
}

#if defined(TENSORSTARK_SIMD_AVX2)
// Eight lanes in one ymm register. On AVX2 a PackedM31 is two registers, so a packed state is
// 32 of AVX2's 16: the permutation runs on each half of the lanes in turn instead, a state word
// per register, and spills far less.
struct HalfLanes {
  __m256i v;

  static HalfLanes Broadcast(M31 c) { return {field::packed_internal::Splat(c.value())}; }
  friend HalfLanes operator+(HalfLanes a, HalfLanes b) {
    return {field::packed_internal::Add(a.v, b.v)};
  }
  friend HalfLanes operator-(HalfLanes a, HalfLanes b) {
    return {field::packed_internal::Sub(a.v, b.v)};
  }
  friend HalfLanes operator*(HalfLanes a, HalfLanes b) {
    return {field::packed_internal::Mul(a.v, b.v)};
  }
  HalfLanes MulPow2(uint32_t s) const { return {field::packed_internal::MulPow2(v, s)}; }
  HalfLanes AddPow5(M31 c) const { return {field::packed_internal::AddPow5(v, c.value())}; }
};
#endif

}  // namespace

void Poseidon2Permute(Poseidon2State& state) { Permute(state); }

// Flattened: left to itself, g++ calls the S-box and the linear layers out of line, passing each
// packed value through memory.
[[gnu::flatten]] void Poseidon2PermutePacked(Poseidon2PackedStates& states) {
#if defined(TENSORSTARK_SIMD_AVX2)
  constexpr size_t kHalf = field::kLanes / 2;
  alignas(32) std::array<std::array<M31, field::kLanes>, kPoseidon2Width> words;
  for (size_t k = 0; k < kPoseidon2Width; ++k) states[k].Store(words[k].data());
  for (size_t half = 0; half < 2; ++half) {
    std::array<HalfLanes, kPoseidon2Width> state;
    for (size_t k = 0; k < kPoseidon2Width; ++k) {
      state[k].v = _mm256_load_si256(reinterpret_cast<const __m256i*>(&words[k][kHalf * half]));
    }
    Permute(state);
    for (size_t k = 0; k < kPoseidon2Width; ++k) {
      _mm256_store_si256(reinterpret_cast<__m256i*>(&words[k][kHalf * half]), state[k].v);
    }
  }
  for (size_t k = 0; k < kPoseidon2Width; ++k) states[k] = field::PackedM31::Load(words[k].data());
#else
  Permute(states);
#endif
}

uint32_t Poseidon2SpongeLogBlocks(size_t n_values) {
  const size_t n_blocks = (n_values + kPoseidon2Rate - 1) / kPoseidon2Rate;
  return std::max<uint32_t>(4,
                            static_cast<uint32_t>(std::bit_width(n_blocks > 0 ? n_blocks - 1 : 0)));
}

std::array<M31, kPoseidon2Rate> Poseidon2SpongeDigest(std::span<const M31> values) {
  Poseidon2State state{};
  state[kPoseidon2Rate] = M31::FromCanonical(static_cast<uint32_t>(values.size()));
  const size_t n_blocks = size_t{1} << Poseidon2SpongeLogBlocks(values.size());
  for (size_t block = 0; block < n_blocks; ++block) {
    for (size_t j = 0; j < kPoseidon2Rate; ++j) {
      const size_t i = block * kPoseidon2Rate + j;
      if (i < values.size()) state[j] += values[i];
    }
    Poseidon2Permute(state);
  }
  std::array<M31, kPoseidon2Rate> digest;
  std::copy_n(state.begin(), kPoseidon2Rate, digest.begin());
  return digest;
}

}  // namespace tensorstark::hash
