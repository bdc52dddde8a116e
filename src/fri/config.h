// Proof configuration of the polynomial commitment scheme (protocol reference §4.1, §5.1, §10):
// FRI's blowup, query count, last-layer degree and fold step, plus the proof-of-work bits.
// Security bits = pow_bits + log_blowup_factor · n_queries (§10).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace tensorstark::fri {

struct FriConfig {
  uint32_t log_blowup_factor = 1;            // 1 … 8: evaluation domain = 2^log_blowup × trace
  uint32_t log_last_layer_degree_bound = 0;  // 0 … 10: the last layer is sent as a line poly
  uint32_t n_queries = 3;                    // 1 … 256
  uint32_t fold_step = 1;                    // 1 … 4: line folds per committed FRI layer

  friend bool operator==(const FriConfig&, const FriConfig&) = default;
};

struct PcsConfig {
  uint32_t pow_bits = 5;  // 0 … 40
  FriConfig fri;

  uint32_t SecurityBits() const { return pow_bits + fri.log_blowup_factor * fri.n_queries; }
  friend bool operator==(const PcsConfig&, const PcsConfig&) = default;
};

// A one-line message naming the first parameter out of its range, or nullopt if all are valid.
std::optional<std::string> ValidateConfig(const PcsConfig& config);

}  // namespace tensorstark::fri
