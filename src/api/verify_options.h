// How proofs are verified (api/prove.h's VerifyProof, api/compress.h's VerifyCompressed), and the
// key cache a call of the api uses.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "air/verifier.h"
#include "pipeline/key_cache.h"

namespace tensorstark::api {

struct VerifyOptions {
  uint32_t min_security_bits = air::kDefaultMinSecurityBits;
  // Keys from the key cache when it holds them, derived and filed there otherwise; without it
  // every key is derived and the cache is neither read nor written.
  bool key_cache = true;
  // Names each key's derivation as it begins.
  std::function<void(std::string_view step)> on_step;
  // A warning: the key cache's folder refused (one line naming it and the remedy).
  std::function<void(std::string_view warning)> on_warning;
};

// Why a proof is refused before any key is derived for it, where its configuration would
// otherwise set the key's size: `config` is none of `accepted` (`which` names them: "one of
// prove's profiles"). `what` names the proof ("the proof", "the outer proof").
std::optional<std::string> RefusedConfiguration(std::string_view what,
                                                const air::ProofConfig& config,
                                                std::span<const air::ProofConfig> accepted,
                                                std::string_view which);

// The environment's key cache (pipeline::KeyCache::FromEnvironment) if `use`, its folder's refusal
// passed to `on_warning`; a disabled one otherwise.
pipeline::KeyCache KeyCacheFor(bool use,
                               const std::function<void(std::string_view warning)>& on_warning);

}  // namespace tensorstark::api
