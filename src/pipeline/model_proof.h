// One proof of a model (or of a slice of one) from its witness, under its key: the prover step
// that prove and the sliced prover share.
#pragma once

#include <fmt/format.h>

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include "air/proof.h"
#include "air/proof_io.h"
#include "air/prover.h"
#include "frontend/frontend_error.h"
#include "frontend/model_air.h"

namespace tensorstark::pipeline {

// The prover's phases go to `on_phase`, its grinding time to `grind_ms`. Throws
// frontend::FrontendError "proving {what}failed: ..." (what: "" or "slice 2 of 3 ").
template <hash::Channel C, hash::MerkleLayerHasher H>
air::StarkProof<H> ProveWitness(const frontend::ModelAir& air, const frontend::ModelKey<H>& key,
                                const air::ProofConfig& config, frontend::ModelAir::Witness witness,
                                const std::function<void(std::string_view, double)>& on_phase,
                                double& grind_ms, std::string_view what = {}) {
  air::ProveTimings timings;
  timings.on_phase = [&](const std::string& name, double ms) {
    if (on_phase) on_phase(name, ms);
  };
  air::ProveOptions options;
  options.timings = &timings;
  options.n_public_inputs = air.n_public_inputs();
  auto proof = air::Prove<C, H>(config, air.components(), std::move(witness.traces),
                                std::move(witness.public_inputs), options, &key.key);
  grind_ms = timings.grind_ms;
  if (auto* error = std::get_if<air::ProvingError>(&proof)) {
    throw frontend::FrontendError(fmt::format("proving {}failed: {}", what, air::ToString(*error)));
  }
  return std::get<air::StarkProof<H>>(std::move(proof));
}

}  // namespace tensorstark::pipeline
