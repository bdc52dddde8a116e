#include "hash/poseidon2_m31.h"

#include <doctest/doctest.h>

#include <array>
#include <cstdint>

#include "test_util.h"

namespace tensorstark::hash {
namespace {

Poseidon2State FromU32s(const std::array<uint32_t, kPoseidon2Width>& values) {
  Poseidon2State state;
  for (size_t i = 0; i < kPoseidon2Width; ++i) state[i] = field::M31::FromCanonical(values[i]);
  return state;
}

// Plonky3's known answer for Poseidon2Mersenne31<16> with constants from Xoroshiro128Plus seeded
// with 1 (mersenne-31/src/poseidon2.rs, test_poseidon2_width_16_random): an oracle from outside.
TEST_CASE("Poseidon2 over M31 matches Plonky3's width-16 known answer") {
  Poseidon2State state = FromU32s(
      {894848333, 1437655012, 1200606629, 1690012884, 71131202, 1749206695, 1717947831, 120589055,
       19776022, 42382981, 1831865506, 724844064, 171220207, 1299207443, 227047920, 1783754913});
  Poseidon2Permute(state);
  CHECK(state == FromU32s({1124552602, 2127602268, 1834113265, 1207687593, 1891161485, 245915620,
                           981277919, 627265710, 1534924153, 1580826924, 887997842, 1526280482,
                           547791593, 1028672510, 1803086471, 323071277}));
}

TEST_CASE("Poseidon2's round constants come from the seeded generator") {
  const Poseidon2Constants& c = Poseidon2RoundConstants();
  CHECK(c.initial[0][0].value() == 670752198);
  CHECK(c.initial[0][3].value() == 1121120522);
  CHECK(c.partial[0].value() == 129024239);
  CHECK(c.partial[13].value() == 1664793266);
}

TEST_CASE("Poseidon2's linear layers are the matrices they are documented as") {
  // Column j of each layer from the unit vector e_j.
  for (size_t j = 0; j < kPoseidon2Width; ++j) {
    Poseidon2State external{}, internal{};
    external[j] = internal[j] = field::M31::One();
    Poseidon2ExternalLayer(external);
    Poseidon2InternalLayer(internal);
    static constexpr std::array<std::array<uint32_t, 4>, 4> kM4 = {
        {{2, 3, 1, 1}, {1, 2, 3, 1}, {1, 1, 2, 3}, {3, 1, 1, 2}}};
    for (size_t i = 0; i < kPoseidon2Width; ++i) {
      const uint32_t m4 = kM4[i % 4][j % 4];
      CHECK(external[i].value() == (i / 4 == j / 4 ? 2 * m4 : m4));
    }
    for (size_t i = 0; i < kPoseidon2Width; ++i) {
      if (i != j) CHECK(internal[i] == field::M31::One());
    }
  }
  Poseidon2State internal{};
  internal[0] = field::M31::One();
  Poseidon2InternalLayer(internal);
  CHECK(internal[0] == -field::M31::One());  // 1 + diag[0] = 1 - 2
}

// The packed permutation at the build's SIMD level (make test-simd runs this at each level).
TEST_CASE("16 packed Poseidon2 permutations equal 16 scalar ones") {
  testing::Rng rng(7);
  for (int trial = 0; trial < 20; ++trial) {
    std::array<Poseidon2State, field::kLanes> states;
    for (Poseidon2State& state : states) {
      for (field::M31& v : state) {
        // Random words, and the extremes 0 and p - 1 now and then.
        const uint32_t r = rng.U32();
        v = field::M31::FromCanonical(r % 16 == 0   ? 0
                                      : r % 16 == 1 ? field::kP - 1
                                                    : r % field::kP);
      }
    }
    Poseidon2PackedStates packed;
    for (size_t k = 0; k < kPoseidon2Width; ++k) {
      std::array<field::M31, field::kLanes> lanes;
      for (size_t j = 0; j < field::kLanes; ++j) lanes[j] = states[j][k];
      packed[k] = field::PackedM31::FromArray(lanes);
    }
    Poseidon2PermutePacked(packed);
    for (size_t j = 0; j < field::kLanes; ++j) {
      Poseidon2State expected = states[j];
      Poseidon2Permute(expected);
      for (size_t k = 0; k < kPoseidon2Width; ++k) CHECK(packed[k].ToArray()[j] == expected[k]);
    }
  }
}

}  // namespace
}  // namespace tensorstark::hash
