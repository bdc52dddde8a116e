#include "api/verify_options.h"

namespace tensorstark::api {

frontend::KeyCache KeyCacheFor(bool use,
                               const std::function<void(std::string_view warning)>& on_warning) {
  if (!use) return frontend::KeyCache::Disabled();
  frontend::KeyCache cache = frontend::KeyCache::FromEnvironment();
  if (!cache.refusal().empty() && on_warning) on_warning(cache.refusal());
  return cache;
}

}  // namespace tensorstark::api
