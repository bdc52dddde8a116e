// Phase times of a long command (prove, compress), printed on stderr as they finish unless quiet
// (--json collects them instead); on a terminal a bar under them shows how far the command is.
#pragma once

#include <fmt/core.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "api/timing.h"

namespace tensorstark::cli {

class PhaseProgress {
 public:
  PhaseProgress(bool quiet, size_t expected_phases)
      : quiet_(quiet),
        terminal_(!quiet && isatty(STDERR_FILENO)),
        expected_phases_(expected_phases) {}

  void Phase(const std::string& name, double ms) {
    phases_.emplace_back(name, ms);
    if (quiet_) return;
    if (terminal_) fmt::print(stderr, "\r\033[K");  // the bar's line
    fmt::print(stderr, "  {:<26} {:9.1f} ms\n", name, ms);
    if (terminal_) {
      const size_t done = std::min(phases_.size(), expected_phases_);
      fmt::print(stderr, "  [{:<30}] {}/{}", std::string(done * 30 / expected_phases_, '#'), done,
                 expected_phases_);
    }
  }
  void Phase(const std::string& name, std::chrono::steady_clock::time_point& start) {
    Phase(name, api::MillisecondsSince(start));
    start = std::chrono::steady_clock::now();
  }
  void Done() const {
    if (terminal_) fmt::print(stderr, "\r\033[K");
  }
  nlohmann::json ToJson() const {
    nlohmann::json phases = nlohmann::json::array();
    for (const auto& [name, ms] : phases_) phases.push_back({{"phase", name}, {"ms", ms}});
    return phases;
  }

 private:
  bool quiet_;
  bool terminal_;
  size_t expected_phases_;
  std::vector<std::pair<std::string, double>> phases_;
};

}  // namespace tensorstark::cli
