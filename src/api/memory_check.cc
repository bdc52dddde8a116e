#include "api/memory_check.h"

#include <fmt/format.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "air/layout.h"
#include "air/zk_blinding.h"
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

uint64_t ResidentBytes() {
  uint64_t pages = 0, resident = 0;
  std::ifstream("/proc/self/statm") >> pages >> resident;
  return resident * static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
}

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

std::optional<ProofMemory> EstimateProofMemory(std::span<const air::Component* const> components,
                                               const air::ProofConfig& config) {
  std::vector<std::unique_ptr<air::Component>> blinded;
  auto proved = air::ProvedComponents(components, config, blinded);
  if (std::holds_alternative<std::string>(proved)) return std::nullopt;
  auto layout_or_error =
      air::MakeLayout(std::get<std::vector<const air::Component*>>(proved), config);
  if (std::holds_alternative<std::string>(layout_or_error)) return std::nullopt;
  const air::AirLayout& layout = std::get<air::AirLayout>(layout_or_error);
  const uint32_t log_blowup = config.pcs.fri.log_blowup_factor;
  constexpr uint64_t kM31 = 4, kQM31 = 16, kMerkleNodes = 64;  // a leaf's hash and its parents'
  const auto domain = [&](uint32_t log_size) { return uint64_t{1} << (log_size + log_blowup); };
  uint64_t prover = 0, max_domain = 0;
  for (size_t tree = 0; tree <= air::kCompositionTree; ++tree) {
    uint64_t tree_domain = 0;
    for (uint32_t log_size : air::TreeLogSizes(layout, tree)) {
      prover += kM31 * (domain(log_size) + (uint64_t{1} << log_size));  // evaluations, coefficients
      tree_domain = std::max(tree_domain, domain(log_size));
    }
    prover += kMerkleNodes * tree_domain;
    max_domain = std::max(max_domain, tree_domain);
  }
  uint64_t main_trace = 0;
  for (uint32_t log_size : layout.column_log_sizes[air::kTraceTree]) {
    main_trace += kM31 << log_size;
  }
  prover += 2 * main_trace;                                            // the witness, kept traces
  prover += 2 * kQM31 * (uint64_t{1} << layout.composition_log_size);  // composition accumulators
  prover += (2 * kQM31 + kMerkleNodes) * max_domain;           // FRI quotient, layers, trees
  prover += 2 * kM31 * max_domain;                             // twiddles
  constexpr uint64_t kThreadsAndBuffers = uint64_t{32} << 20;  // whatever the proof's size
  return ProofMemory{.held = ResidentBytes(),
                     .committed = air::CommittedEvaluationBytes(layout, log_blowup),
                     .prover = kThreadsAndBuffers + prover + prover / 3};  // + transient copies
}

void CheckProofFitsMemory(const ProofMemory& estimate, const air::ProofConfig& config,
                          std::string_view hint, uint64_t reusable) {
  std::optional<uint64_t> available = AvailableMemoryBytes();
  if (available) *available += reusable;
  if (!available || estimate.prover <= *available) return;
  throw frontend::FrontendError(fmt::format(
      "this proof needs more memory than is available: about {:.1f} GiB at its peak (at blowup "
      "{}), and {:.1f} GiB is available{}",
      Gibibytes(estimate.peak()), 1u << config.pcs.fri.log_blowup_factor,
      Gibibytes(estimate.held + *available), hint));
}

}  // namespace tensorstark::api
