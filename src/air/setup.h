// Setup computes the verifying key (an FFT and a Merkle tree per preprocessed column),
// deterministically and without any secret, so anyone can recompute and check it.
#pragma once

#include <span>
#include <variant>
#include <vector>

#include "air/component.h"
#include "air/layout.h"
#include "air/preprocessed.h"
#include "air/verifying_key.h"
#include "circle/twiddles.h"
#include "fri/pcs_prover.h"

namespace tensorstark::air {

// The key for these components at this configuration, or a one-line error for an invalid AIR.
template <hash::Channel C, hash::MerkleLayerHasher H>
std::variant<VerifyingKey<H>, std::string> Setup(std::span<const Component* const> components,
                                                 const ProofConfig& config) {
  auto layout_or_error = MakeLayout(components, config);
  if (const std::string* error = std::get_if<std::string>(&layout_or_error)) return *error;
  const AirLayout& layout = std::get<AirLayout>(layout_or_error);
  uint32_t max_log_size = 1;
  for (const PreprocessedColumnId& id : layout.preprocessed_columns) {
    max_log_size = std::max(max_log_size, id.log_size);
  }
  std::vector<std::vector<M31>> columns = GeneratePreprocessedTrace(components, layout);
  const circle::TwiddleTree twiddles =
      circle::TwiddleTree::ForCanonicDomains(max_log_size + config.pcs.fri.log_blowup_factor);
  fri::CommitmentSchemeProver<C, H> pcs(config.pcs, twiddles);
  C unused_channel;
  pcs.CommitEvaluations(std::move(columns), unused_channel);
  return VerifyingKey<H>{pcs.tree(0).merkle->root()};
}

}  // namespace tensorstark::air
