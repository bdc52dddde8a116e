#include "cli/memory_check.h"

#include <fmt/format.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <string>
#include <variant>

#include "air/layout.h"
#include "frontend/frontend_error.h"

namespace tensorstark::cli {
namespace {

double Gigabytes(uint64_t bytes) { return static_cast<double>(bytes) / (1ull << 30); }

}  // namespace

std::optional<uint64_t> AvailableMemoryBytes() {
  std::optional<uint64_t> available;
  std::ifstream meminfo("/proc/meminfo");
  std::string key;
  uint64_t kilobytes = 0;
  std::string unit;
  while (meminfo >> key >> kilobytes) {
    std::getline(meminfo, unit);
    if (key == "MemAvailable:" || key == "SwapFree:") {
      available = available.value_or(0) + kilobytes * 1024;
    }
  }
  // A cgroup (v2) limit on this process's group: what is left of it.
  uint64_t limit = 0, used = 0;
  if (std::ifstream("/sys/fs/cgroup/memory.max") >> limit &&
      std::ifstream("/sys/fs/cgroup/memory.current") >> used) {
    available = std::min(available.value_or(UINT64_MAX), limit > used ? limit - used : 0);
  }
  // An address-space limit: what is left of it (/proc/self/statm's first field is the process's
  // virtual size in pages).
  rlimit address_space{};
  uint64_t pages = 0;
  if (getrlimit(RLIMIT_AS, &address_space) == 0 && address_space.rlim_cur != RLIM_INFINITY &&
      std::ifstream("/proc/self/statm") >> pages) {
    const uint64_t mapped = pages * static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
    const uint64_t left = address_space.rlim_cur > mapped ? address_space.rlim_cur - mapped : 0;
    available = std::min(available.value_or(UINT64_MAX), left);
  }
  return available;
}

void CheckProofFitsMemory(std::span<const air::Component* const> components,
                          const air::ProofConfig& config, std::string_view hint) {
  const std::optional<uint64_t> available = AvailableMemoryBytes();
  if (!available) return;
  auto layout = air::MakeLayout(components, config);
  if (std::holds_alternative<std::string>(layout)) return;  // the prover names what is wrong
  const uint32_t log_blowup = config.pcs.fri.log_blowup_factor;
  const uint64_t needed =
      air::CommittedEvaluationBytes(std::get<air::AirLayout>(layout), log_blowup);
  if (needed <= *available) return;
  throw frontend::FrontendError(fmt::format(
      "this proof needs more memory than is available: its committed traces alone take {:.1f} GB "
      "(at blowup {}), and {:.1f} GB is available{}",
      Gigabytes(needed), 1u << log_blowup, Gigabytes(*available), hint));
}

}  // namespace tensorstark::cli
