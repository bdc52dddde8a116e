// Compressed proofs of a model (docs/recursion.md): the model's inner proof (profile recursive,
// Poseidon2-M31) is checked by its verifier circuit (recursion/verifier_circuit.h), and the
// recursion AIR of that circuit (recursion/recursion_air.h) is proved: the outer proof. Its
// statement is the inner one, so it states the same facts; the model-level checks of a statement
// (its commitment, the inputs' ranges, zero knowledge where parts are hidden) read only the
// statement and are done natively, as for the inner proof.
//
// A verifier derives a CompressedKey once per model and configuration: the inner key, the
// circuit (its topology depends only on that key), the recursion AIR and the outer key, whose
// preprocessed root commits to the circuit.
#pragma once

#include <fmt/format.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <variant>

#include "air/profiles.h"
#include "air/proof.h"
#include "air/prover.h"
#include "air/setup.h"
#include "air/verifier.h"
#include "frontend/model_air.h"
#include "hash/poseidon2_m31_channel.h"
#include "hash/poseidon2_m31_merkle_hasher.h"
#include "recursion/circuit_builder.h"
#include "recursion/recursion_air.h"
#include "recursion/verifier_circuit.h"

namespace tensorstark::frontend {

using InnerHasher = hash::Poseidon2M31MerkleHasher;
using InnerChannel = hash::Poseidon2M31Channel;

std::variant<recursion::InnerAir, std::string> ModelInnerAir(const ModelAir& air,
                                                             const ModelKey<InnerHasher>& key,
                                                             const air::ProofConfig& config);

// The configuration of the inner proofs compression takes: the recursive profile.
air::ProofConfig InnerProofConfig(bool zero_knowledge);

template <hash::MerkleHasher H>
struct CompressedKey {
  air::ProofConfig inner_config;
  ModelKey<InnerHasher> inner;
  std::unique_ptr<recursion::InnerAir> inner_air;
  recursion::Circuit circuit;
  std::unique_ptr<recursion::RecursionAir> recursion;
  air::ProofConfig outer_config;
  air::ProvingKey<H> outer;
};

// The circuit of the model's inner key (a build without values).
recursion::Circuit VerifierCircuitOf(const recursion::InnerAir& inner_air);

template <hash::MerkleLayerHasher H>
std::variant<CompressedKey<H>, std::string> SetupCompressed(const ModelAir& air,
                                                            const air::ProofConfig& inner_config,
                                                            const air::ProofConfig& outer_config) {
  auto inner = SetupModel<InnerHasher>(air, inner_config);
  if (auto* error = std::get_if<std::string>(&inner)) return *error;
  CompressedKey<H> key{.inner_config = inner_config,
                       .inner = std::get<ModelKey<InnerHasher>>(std::move(inner)),
                       .inner_air = nullptr,
                       .circuit = {},
                       .recursion = nullptr,
                       .outer_config = outer_config,
                       .outer = {}};
  auto inner_air = ModelInnerAir(air, key.inner, inner_config);
  if (auto* error = std::get_if<std::string>(&inner_air)) return *error;
  key.inner_air =
      std::make_unique<recursion::InnerAir>(std::get<recursion::InnerAir>(std::move(inner_air)));
  key.circuit = VerifierCircuitOf(*key.inner_air);
  auto recursion_air = recursion::RecursionAir::Make(key.circuit, &recursion::StandardSizeClass());
  if (auto* error = std::get_if<std::string>(&recursion_air)) return *error;
  key.recursion = std::make_unique<recursion::RecursionAir>(
      std::get<recursion::RecursionAir>(std::move(recursion_air)));
  auto outer = air::SetupProver<H>(key.recursion->components(), outer_config);
  if (auto* error = std::get_if<std::string>(&outer)) return *error;
  key.outer = std::get<air::ProvingKey<H>>(std::move(outer));
  return key;
}

// The outer proof of an inner proof of the model, or a one-line reason why it cannot be made:
// the inner proof's shape, the native verifier's rejection, or the circuit's first failing gate
// (which the native verifier would have rejected first: a disagreement is a bug, named as such).
template <hash::Channel C, hash::MerkleLayerHasher H>
std::variant<air::StarkProof<H>, std::string> CompressProof(
    const CompressedKey<H>& key, const air::StarkProof<InnerHasher>& inner,
    air::ProveOptions options = {}) {
  // Its own phases join the outer prover's in options.timings.
  auto start = std::chrono::steady_clock::now();
  auto end_phase = [&](const char* name) {
    const auto now = std::chrono::steady_clock::now();
    if (air::ProveTimings* timings = options.timings) {
      const double ms = std::chrono::duration<double, std::milli>(now - start).count();
      timings->phases_ms.emplace_back(name, ms);
      if (timings->on_phase) timings->on_phase(name, ms);
    }
    start = now;
  };
  if (auto error = key.inner_air->CheckShape(inner)) {
    return "the inner proof cannot be compressed: " + *error;
  }
  recursion::InnerOpened opened;
  if (auto rejection = key.inner_air->VerifyNatively(inner, &opened)) {
    return "the inner proof is invalid: " + air::ToString(*rejection);
  }
  end_phase("verify inner proof");
  recursion::CircuitBuilder builder(true);
  const recursion::InnerWitness witness{&inner, &opened};
  recursion::VerifyInCircuit(builder, *key.inner_air, &witness);
  if (const auto& failure = builder.failure()) {
    return "the verifier circuit rejects an inner proof the native verifier accepts (a bug): " +
           *failure;
  }
  end_phase("verifier circuit");
  recursion::RecursionAir::Witness outer_witness = key.recursion->GenerateWitness(builder.values());
  end_phase("recursion trace");
  options.n_public_inputs = key.recursion->n_public_inputs();
  auto proof = air::Prove<C, H>(key.outer_config, key.recursion->components(),
                                std::move(outer_witness.traces),
                                std::move(outer_witness.public_inputs), options, &key.outer);
  if (auto* error = std::get_if<air::ProvingError>(&proof)) {
    return "proving the outer proof failed: " + air::ToString(*error);
  }
  return std::get<air::StarkProof<H>>(std::move(proof));
}

// An outer proof of the model against its key: the statement as for the inner proof
// (CheckModelStatement, with the inner configuration's zero knowledge), then the recursion AIR's
// STARK, whose public terms write the statement into the circuit.
template <hash::Channel C, hash::MerkleLayerHasher H>
std::optional<air::VerificationError> VerifyCompressedProof(const ModelAir& air,
                                                            const CompressedKey<H>& key,
                                                            const air::StarkProof<H>& outer,
                                                            uint32_t min_security_bits) {
  if (outer.config != key.outer_config) {
    return air::VerificationError{air::VerificationError::Kind::kShapeMismatch,
                                  "the outer proof's configuration is not the key's"};
  }
  if (auto error = CheckModelStatement(air, key.inner.commitment, key.inner_config.zk,
                                       outer.public_inputs)) {
    return error;
  }
  return air::Verify<C, H>(
      key.recursion->components(), outer, key.outer.verifying_key, min_security_bits,
      air::InstantiatePublicTerms(key.recursion->PublicTermShapes(), outer.public_inputs),
      key.recursion->n_public_inputs());
}

}  // namespace tensorstark::frontend
