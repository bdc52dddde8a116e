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

// This process's resident memory now.
uint64_t ResidentBytes();

// A proof's peak memory, estimated from its layout alone so that it errs high for every profile
// (docs/benchmarks.md, "Memory", compares it with measured peaks): what the process holds when the
// proof begins (the model, its run and its lowering) and the prover's own. The prover's is each
// tree's evaluations on its domain, coefficients and Merkle tree; the main trace as the witness
// gives it and as components with relations keep it; the composition's accumulators; FRI's
// quotient, layers and their trees; the twiddles; with a margin for transient copies and what
// the prover's threads and buffers take whatever the proof's size.
struct ProofMemory {
  uint64_t held = 0;       // resident when estimated
  uint64_t committed = 0;  // every tree's evaluations (air::CommittedEvaluationBytes), a floor
  uint64_t prover = 0;     // the prover's estimate
  uint64_t peak() const { return held + prover; }
};
// nullopt if the components do not form an AIR at `config` (the prover then names why).
std::optional<ProofMemory> EstimateProofMemory(std::span<const air::Component* const> components,
                                               const air::ProofConfig& config);

// Throws FrontendError if the proof's estimated peak exceeds what is held now plus
// AvailableMemoryBytes() and `reusable` (what the process holds that the proof will reuse: an
// earlier slice's buffers, which the prover's allocator keeps); `hint` ends the message (the
// levers that make the proof smaller).
void CheckProofFitsMemory(const ProofMemory& estimate, const air::ProofConfig& config,
                          std::string_view hint, uint64_t reusable = 0);

}  // namespace tensorstark::api
