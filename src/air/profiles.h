// Named proof configurations (protocol reference §10). Security bits = pow_bits +
// log_blowup × n_queries; the verifier's default minimum is 96.
//   test     8 bits, for unit tests only;
//   fast     blowup 2, 76 queries, 20 pow bits (Stwo's setting, less grinding): fastest proving;
//   onchain  Poseidon252 with a larger blowup and fold step and fewer queries, for the Cairo
//            verifier, whose gas and calldata grow with the number of queries;
//   recursive Poseidon2-M31, blowup 8 and few queries: the inner proof a recursion circuit
//            verifies, whose size grows with the number of queries.
// The interaction proof of work (before the LogUp challenges) adds margin to LogUp's soundness,
// which is about 124 - log2(number of lookup terms) bits from the QM31 challenges alone.
#pragma once

#include <array>
#include <optional>
#include <string_view>

#include "air/proof.h"

namespace tensorstark::air {

enum class Profile { kTest, kFast, kOnchain, kRecursive };
inline constexpr std::array<Profile, 4> kProfiles = {Profile::kTest, Profile::kFast,
                                                     Profile::kOnchain, Profile::kRecursive};

ProofConfig ProfileConfig(Profile profile);
std::optional<Profile> ParseProfile(std::string_view name);
std::string_view ProfileName(Profile profile);

}  // namespace tensorstark::air
