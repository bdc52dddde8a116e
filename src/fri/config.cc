#include "fri/config.h"

#include <fmt/format.h>

namespace tensorstark::fri {
namespace {

std::optional<std::string> OutOfRange(const char* name, uint32_t value, uint32_t lo, uint32_t hi) {
  if (value >= lo && value <= hi) return std::nullopt;
  return fmt::format("{} is {}, must be in [{}, {}]", name, value, lo, hi);
}

}  // namespace

std::optional<std::string> ValidateConfig(const PcsConfig& config) {
  const FriConfig& fri = config.fri;
  if (auto e = OutOfRange("pow_bits", config.pow_bits, 0, 40)) return e;
  if (auto e = OutOfRange("log_blowup_factor", fri.log_blowup_factor, 1, 8)) return e;
  if (auto e = OutOfRange("log_last_layer_degree_bound", fri.log_last_layer_degree_bound, 0, 10)) {
    return e;
  }
  if (auto e = OutOfRange("n_queries", fri.n_queries, 1, 256)) return e;
  return OutOfRange("fold_step", fri.fold_step, 1, 4);
}

}  // namespace tensorstark::fri
