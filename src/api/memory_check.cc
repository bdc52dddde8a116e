#include "api/memory_check.h"

#include <fmt/format.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <string>
#include <string_view>
#include <variant>

#include "air/layout.h"
#include "frontend/frontend_error.h"

namespace tensorstark::api {
namespace {

double Gibibytes(uint64_t bytes) { return static_cast<double>(bytes) / (1ull << 30); }

// The value of `key` in a "key value" file (/proc/meminfo, a cgroup's memory.stat).
std::optional<uint64_t> FieldOf(const std::string& path, std::string_view key) {
  std::ifstream in(path);
  std::string name, rest;
  uint64_t value = 0;
  while (in >> name >> value) {
    if (name == key) return value;
    std::getline(in, rest);
  }
  return std::nullopt;
}

// What is left under the memory limits of a cgroup and its ancestors (the page cache it could drop
// counted as free), for cgroup v2 ("0::/path") or v1 ("N:memory:/path") as /proc/self/cgroup
// names them; nullopt if no limit is set or readable.
std::optional<uint64_t> CgroupMemoryLeft() {
  std::ifstream cgroups("/proc/self/cgroup");
  std::optional<uint64_t> left;
  for (std::string line; std::getline(cgroups, line);) {
    const bool v2 = line.starts_with("0::");
    const size_t colon = line.find(":memory:");
    if (!v2 && colon == std::string::npos) continue;
    const std::string root = v2 ? "/sys/fs/cgroup" : "/sys/fs/cgroup/memory";
    std::string path = line.substr(v2 ? 3 : colon + 8);
    const char* limit_file = v2 ? "/memory.max" : "/memory.limit_in_bytes";
    const char* usage_file = v2 ? "/memory.current" : "/memory.usage_in_bytes";
    const char* inactive_key = v2 ? "inactive_file" : "total_inactive_file";
    // Up from the process's group to the root (a namespaced process sees its group as the root).
    while (true) {
      std::string dir = root;
      if (path != "/") dir.append(path);
      uint64_t limit = 0, usage = 0;
      if (std::ifstream(dir + limit_file) >> limit && std::ifstream(dir + usage_file) >> usage) {
        const uint64_t inactive = FieldOf(dir + "/memory.stat", inactive_key).value_or(0);
        const uint64_t used = usage > inactive ? usage - inactive : 0;
        left = std::min(left.value_or(UINT64_MAX), limit > used ? limit - used : 0);
      }
      if (path.empty() || path == "/") break;
      const size_t slash = path.rfind('/');
      path.resize(slash == 0 || slash == std::string::npos ? 1 : slash);  // "/" at the top
      path[0] = '/';
    }
  }
  return left;
}

}  // namespace

std::optional<uint64_t> AvailableMemoryBytes() {
  std::optional<uint64_t> available;
  if (const auto kilobytes = FieldOf("/proc/meminfo", "MemAvailable:")) {
    available = (*kilobytes + FieldOf("/proc/meminfo", "SwapFree:").value_or(0)) * 1024;
  }
  if (const auto left = CgroupMemoryLeft()) {
    available = std::min(available.value_or(UINT64_MAX), *left);
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
      "this proof needs more memory than is available: its committed traces alone take {:.1f} "
      "GiB (at blowup {}), and {:.1f} GiB is available{}",
      Gibibytes(needed), 1u << log_blowup, Gibibytes(*available), hint));
}

}  // namespace tensorstark::api
