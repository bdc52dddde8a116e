// The hash families a proof can use, by name and by the id its header carries: each a
// (Fiat–Shamir channel, Merkle hasher) pair, which the commands that prove, verify or read proofs
// dispatch on; and the options that choose a proof's profile and hash.
#pragma once

#include <tbb/info.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include "air/profiles.h"
#include "air/proof_io.h"
#include "cli/options.h"
#include "hash/families.h"

namespace tensorstark::cli {

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

// What --profile, --hash and --threads choose (prove, compress, bench): the profile (default
// fast), its hash unless --hash names another, and the worker threads (default: all cores).
struct ProofChoice {
  air::Profile profile = air::Profile::kFast;
  air::HashId hash = air::HashId::kBlake2s;
  uint64_t threads = 1;
};

// The choice, or a one-line error naming the bad option.
inline std::variant<ProofChoice, std::string> ParseProofChoice(const Options& options) {
  const std::optional<air::Profile> profile = air::ParseProfile(options.Get("profile", "fast"));
  if (!profile) return std::string("--profile must be test, fast, onchain or recursive");
  const std::optional<air::HashId> hash =
      options.Has("hash") ? ParseHashName(options.Get("hash", "")) : ProfileHash(*profile);
  if (!hash) return std::string("--hash must be blake2s, poseidon252 or poseidon2");
  auto threads = options.GetInt("threads", tbb::info::default_concurrency(), 1, 1024);
  if (const auto* error = std::get_if<std::string>(&threads)) return *error;
  return ProofChoice{*profile, *hash, std::get<uint64_t>(threads)};
}

}  // namespace tensorstark::cli
