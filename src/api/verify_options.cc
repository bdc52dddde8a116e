#include "api/verify_options.h"

#include <fmt/format.h>

#include <algorithm>

namespace tensorstark::api {

std::optional<std::string> RefusedConfiguration(std::string_view what,
                                                const air::ProofConfig& config,
                                                std::span<const air::ProofConfig> accepted,
                                                std::string_view which) {
  if (std::find(accepted.begin(), accepted.end(), config) != accepted.end()) return std::nullopt;
  return fmt::format(
      "{}'s configuration (blowup 2^{}, {} queries, {}+{} bits of grinding{}) is not {}", what,
      config.pcs.fri.log_blowup_factor, config.pcs.fri.n_queries, config.pcs.pow_bits,
      config.interaction_pow_bits, config.zk ? ", zero knowledge" : "", which);
}

pipeline::KeyCache KeyCacheFor(bool use,
                               const std::function<void(std::string_view warning)>& on_warning) {
  if (!use) return pipeline::KeyCache::Disabled();
  pipeline::KeyCache cache = pipeline::KeyCache::FromEnvironment();
  if (!cache.refusal().empty() && on_warning) on_warning(cache.refusal());
  return cache;
}

}  // namespace tensorstark::api
