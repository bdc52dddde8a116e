// Setup computes the keys (an FFT and a Merkle tree per preprocessed column), deterministically
// and without any secret, so anyone can recompute and check them. The verifying key is the
// preprocessed tree's root; the proving key keeps the committed tree itself, so that proofs
// against it do not commit it again.
#pragma once

#include <algorithm>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "air/component.h"
#include "air/layout.h"
#include "air/lookup_bound.h"
#include "air/preprocessed.h"
#include "air/proof.h"
#include "air/verifying_key.h"
#include "air/zk_blinding.h"
#include "circle/twiddles.h"
#include "fri/pcs_prover.h"

namespace tensorstark::air {

template <hash::MerkleLayerHasher H>
struct ProvingKey {
  VerifyingKey<H> verifying_key;
  std::shared_ptr<const fri::CommittedTree<H>> preprocessed;
  uint32_t log_blowup = 0;  // of the configuration it was made for
};

// The preprocessed trace of these components at this configuration, checked: MakeLayout's error,
// or a relation whose fixed multiplicities could cancel (lookup_bound.h), as one line. All that a
// setup does but commit to it, so CheckSetup costs a fraction of SetupProver.
struct PreprocessedTrace {
  std::vector<std::vector<M31>> columns;
  uint32_t max_log_size = 1;  // of the largest column (1 with none)
};
inline std::variant<PreprocessedTrace, std::string> CheckedPreprocessedTrace(
    std::span<const Component* const> components, const ProofConfig& config) {
  std::vector<std::unique_ptr<Component>> blinded;
  auto proved = ProvedComponents(components, config, blinded);
  if (const std::string* error = std::get_if<std::string>(&proved)) return *error;
  components = std::get<std::vector<const Component*>>(proved);
  auto layout_or_error = MakeLayout(components, config);
  if (const std::string* error = std::get_if<std::string>(&layout_or_error)) return *error;
  const AirLayout& layout = std::get<AirLayout>(layout_or_error);
  PreprocessedTrace trace;
  for (const PreprocessedColumnId& id : layout.preprocessed_columns) {
    trace.max_log_size = std::max(trace.max_log_size, id.log_size);
  }
  trace.columns = GeneratePreprocessedTrace(components, layout);
  if (auto error = CheckRelationMultiplicities(layout, trace.columns)) return *error;
  return trace;
}

// Whether a setup at this configuration would succeed: nullopt, or its one-line error.
inline std::optional<std::string> CheckSetup(std::span<const Component* const> components,
                                             const ProofConfig& config) {
  auto trace = CheckedPreprocessedTrace(components, config);
  if (const std::string* error = std::get_if<std::string>(&trace)) return *error;
  return std::nullopt;
}

// The proving key for these components at this configuration, or a one-line error for an
// invalid AIR (CheckedPreprocessedTrace's).
template <hash::MerkleLayerHasher H>
std::variant<ProvingKey<H>, std::string> SetupProver(std::span<const Component* const> components,
                                                     const ProofConfig& config) {
  auto trace_or_error = CheckedPreprocessedTrace(components, config);
  if (const std::string* error = std::get_if<std::string>(&trace_or_error)) return *error;
  PreprocessedTrace& trace = std::get<PreprocessedTrace>(trace_or_error);
  const uint32_t log_blowup = config.pcs.fri.log_blowup_factor;
  const circle::TwiddleTree twiddles =
      circle::TwiddleTree::ForCanonicDomains(trace.max_log_size + log_blowup);
  auto tree = std::make_shared<const fri::CommittedTree<H>>(
      fri::CommitEvaluationsToTree<H>(std::move(trace.columns), log_blowup, twiddles));
  return ProvingKey<H>{VerifyingKey<H>{tree->merkle->root()}, std::move(tree), log_blowup};
}

// The verifying key alone.
template <hash::MerkleLayerHasher H>
std::variant<VerifyingKey<H>, std::string> Setup(std::span<const Component* const> components,
                                                 const ProofConfig& config) {
  auto key = SetupProver<H>(components, config);
  if (const std::string* error = std::get_if<std::string>(&key)) return *error;
  return std::get<ProvingKey<H>>(key).verifying_key;
}

}  // namespace tensorstark::air
