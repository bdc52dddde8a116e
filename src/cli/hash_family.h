// The options that choose a proof's profile and hash (the hash families themselves:
// api/hash_family.h).
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
#include "api/hash_family.h"
#include "cli/options.h"

namespace tensorstark::cli {

using api::ParseHashName;
using api::ProfileHash;
using api::WithHashFamily;

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
