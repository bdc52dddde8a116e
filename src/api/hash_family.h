// The hash families a proof can use, by name and by the id its header carries: each a
// (Fiat–Shamir channel, Merkle hasher) pair, which proving, verifying and reading proofs dispatch
// on.
#pragma once

#include <optional>
#include <string_view>
#include <utility>

#include "air/profiles.h"
#include "air/proof_io.h"
#include "hash/families.h"

namespace tensorstark::api {

// f.template operator()<Channel, Hasher>() for the family of `id`.
template <class F>
decltype(auto) WithHashFamily(air::HashId id, F&& f) {
  switch (id) {
    case air::HashId::kPoseidon252:
      return std::forward<F>(f)
          .template operator()<hash::Poseidon252Channel, hash::Poseidon252MerkleHasher>();
    case air::HashId::kPoseidon2M31:
      return std::forward<F>(f)
          .template operator()<hash::Poseidon2M31Channel, hash::Poseidon2M31MerkleHasher>();
    case air::HashId::kBlake2s:
      break;
  }
  return std::forward<F>(f).template operator()<hash::Blake2sChannel, hash::Blake2sMerkleHasher>();
}

// "blake2s", "poseidon252" or "poseidon2" (air::ToString's names); nullopt for anything else.
inline std::optional<air::HashId> ParseHashName(std::string_view name) {
  for (air::HashId id :
       {air::HashId::kBlake2s, air::HashId::kPoseidon252, air::HashId::kPoseidon2M31}) {
    if (name == air::ToString(id)) return id;
  }
  return std::nullopt;
}

// The hash a profile is made for: poseidon252 for onchain (the Cairo verifier's), poseidon2 for
// recursive (a recursion circuit's), blake2s otherwise (the fastest natively).
inline air::HashId ProfileHash(air::Profile profile) {
  switch (profile) {
    case air::Profile::kOnchain:
      return air::HashId::kPoseidon252;
    case air::Profile::kRecursive:
      return air::HashId::kPoseidon2M31;
    case air::Profile::kTest:
    case air::Profile::kFast:
      break;
  }
  return air::HashId::kBlake2s;
}

}  // namespace tensorstark::api
