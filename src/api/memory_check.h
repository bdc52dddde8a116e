// A proof refused before any work when it cannot fit in the memory this process may use, with a
// one-line reason, rather than the kernel killing it minutes later.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "air/component.h"
#include "air/proof.h"

namespace tensorstark::api {

// What this process may still allocate: the machine's available memory and free swap, or less
// under a cgroup limit or an address-space limit (ulimit -v); nullopt if unknown.
std::optional<uint64_t> AvailableMemoryBytes();

// Throws FrontendError if the proof's committed evaluations alone (air::CommittedEvaluationBytes,
// a lower bound of its peak memory) exceed AvailableMemoryBytes(); `hint` ends the message.
void CheckProofFitsMemory(std::span<const air::Component* const> components,
                          const air::ProofConfig& config, std::string_view hint);

}  // namespace tensorstark::api
