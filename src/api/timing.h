// Wall time and peak memory, for the functions and commands that report them.
#pragma once

#include <sys/resource.h>

#include <chrono>
#include <cstdint>

namespace tensorstark::api {

inline double MillisecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
      .count();
}

// The process's peak resident set size so far, in MiB.
inline double PeakRssMb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;  // ru_maxrss is in KiB on Linux
}

inline double MebibytesOf(uint64_t bytes) { return static_cast<double>(bytes) / (1 << 20); }

}  // namespace tensorstark::api
