// Progress of a command's long steps on stderr, for a person at a terminal: the step that is
// running (so a step of minutes is not silence), then, for a step of a second or more, its time.
// Silent off a terminal and with --json, where the output is read by programs.
#pragma once

#include <fmt/core.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <string_view>

namespace tensorstark::cli {

class StepProgress {
 public:
  explicit StepProgress(bool json) : enabled_(!json && isatty(STDERR_FILENO)) {}
  StepProgress(const StepProgress&) = delete;
  StepProgress& operator=(const StepProgress&) = delete;
  ~StepProgress() { End(); }

  // Ends the running step, if any, and starts this one.
  void Begin(std::string_view step) {
    End();
    if (!enabled_) return;
    step_ = step;
    start_ = std::chrono::steady_clock::now();
    fmt::print(stderr, "  {}...", step_);
    std::fflush(stderr);
  }

  // Ends the running step: its line is cleared, or kept with its time if it took a second or
  // more. Call it before printing to stdout, which shares the terminal.
  void End() {
    if (step_.empty()) return;
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    fmt::print(stderr, "\r\033[K");
    if (seconds >= 1.0) fmt::print(stderr, "  {} ({:.1f} s)\n", step_, seconds);
    step_.clear();
  }

 private:
  bool enabled_;
  std::string step_;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace tensorstark::cli
