// The limb representation shared by the Felt252 kernels (felt252_montgomery.h, felt252_x86.h):
// four little-endian 64-bit limbs, and the Stark prime p = 2^251 + 17·2^192 + 1 in it.
#pragma once

#include <array>
#include <cstdint>

namespace tensorstark::field::felt252_internal {

using Limbs = std::array<uint64_t, 4>;

// p's top limb; the others are [1, 0, 0].
inline constexpr uint64_t kP3 = 0x0800000000000011;
inline constexpr Limbs kModulus = {1, 0, 0, kP3};

}  // namespace tensorstark::field::felt252_internal
