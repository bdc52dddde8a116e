// The final proof of an aggregation tree (docs/pipeline.md): the final circuit verifies the tree's
// top under the root it comes with and checks it against constants of its own (CheckTreeTop: the
// node key's root, the keys digest of the leaves it expects), and states the inferences' whole
// statements one after another, the facts chain computed from them in the circuit. The final
// statement is then laid out as a final proof of the same inferences' unsliced proofs would be
// (each model's StatementLayout), in the narrow AIR at FinalSizeClass, so the one Cairo verifier
// and the fact registry read it as any final proof.
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "pipeline/final_proof.h"
#include "pipeline/proof_tree.h"

namespace tensorstark::pipeline {

inline constexpr RecursionLevel kTreeFinalLevel = {"final circuit", "tree proof", "final trace",
                                                   "final proof"};

// One inference a tree's top holds: its model's statement layout (of the whole model) and
// commitment (SlicedCommitment for a model of several slices).
struct TreeInference {
  const frontend::StatementLayout* layout = nullptr;  // outlives the spec
  frontend::ModelCommitment commitment{};
};

// What a tree's final circuit fixes: every tree proof's shape, the node key's root, the keys digest
// of the leaves the top must hold (TreeKeysDigest), and the inferences it states, in order.
struct TreeFinalSpec {
  const TreeProofAir* tree = nullptr;
  hash::Poseidon2M31Hash node_root;
  TreeDigest<field::M31> keys{};
  std::vector<TreeInference> inferences;

  size_t n_public_inputs() const;
  // Each inference's statement within a final statement.
  std::vector<std::span<const field::M31>> Statements(std::span<const field::M31> statement) const;
  std::vector<MemberLayout> Layouts() const;
};

// The final circuit: with the top (its proof, what the native verifier opened and its root) and
// the statement (a builder with values), or neither (the topology).
void BuildTreeFinalCircuit(recursion::CircuitBuilder& builder, const TreeFinalSpec& spec,
                           const TreeChild* top, std::span<const field::M31> statement);

// Each inference's statement checked natively as a verifier of its model's proof checks it (its
// commitment, its inputs' ranges, its context): what the final circuit's facts chain binds to the
// leaves, which checked them in their circuits.
std::optional<air::VerificationError> CheckTreeStatements(std::span<const TreeInference> inferences,
                                                          std::span<const field::M31> statement);

template <hash::MerkleHasher H>
struct TreeFinalKey {
  std::unique_ptr<recursion::RecursionAir> air;  // narrow, at FinalSizeClass
  air::ProofConfig config;
  air::ProvingKey<H> key;
};

// The final key of a tree whose circuit `spec` fixes, at `config`.
template <hash::MerkleLayerHasher H>
std::variant<TreeFinalKey<H>, std::string> SetupTreeFinal(const TreeFinalSpec& spec,
                                                          const air::ProofConfig& config,
                                                          KeyUse use = KeyUse::kProve) {
  recursion::CircuitBuilder builder(false);
  BuildTreeFinalCircuit(builder, spec, nullptr, {});
  auto air = recursion::RecursionAir::Make(std::move(builder).Finish(), &FinalSizeClass(),
                                           recursion::Poseidon2Layout::kRounds);
  if (auto* error = std::get_if<std::string>(&air)) return *error;
  TreeFinalKey<H> key{.air = std::make_unique<recursion::RecursionAir>(
                          std::get<recursion::RecursionAir>(std::move(air))),
                      .config = config,
                      .key = {}};
  auto proving = RecursionKeyFor<H>(*key.air, config, use);
  if (auto* error = std::get_if<std::string>(&proving)) return *error;
  key.key = std::get<air::ProvingKey<H>>(std::move(proving));
  return key;
}

// The final proof of a tree's top stating `statement` (the inferences' whole statements), or a
// one-line reason: the statement's checks, the top's rejection or what it holds, or the circuit's
// first failing gate (a bug).
template <hash::Channel C, hash::MerkleLayerHasher H>
std::variant<air::StarkProof<H>, std::string> ProveTreeFinal(const TreeFinalKey<H>& key,
                                                             const TreeFinalSpec& spec,
                                                             const TreeProof& top,
                                                             std::span<const field::M31> statement,
                                                             air::ProveOptions options = {}) {
  PhaseClock clock{options.timings};
  if (!key.key.preprocessed) return std::string("the key was derived for verifying only");
  if (auto rejection = CheckTreeStatements(spec.inferences, statement)) {
    return "the statement is not the models': " + air::ToString(*rejection);
  }
  recursion::InnerOpened opened;
  if (auto rejection = VerifyTreeProof(*spec.tree, top, &opened)) {
    return "the tree's top is invalid: " + air::ToString(*rejection);
  }
  std::vector<const frontend::StatementLayout*> layouts;
  for (const TreeInference& inference : spec.inferences) layouts.push_back(inference.layout);
  const auto statements = spec.Statements(statement);
  if (auto failure = CheckTreeTopNatively(top, spec.node_root, spec.keys,
                                          TreeFactsChain(layouts, statements))) {
    return "the tree's top does not hold these proofs: " + *failure;
  }
  clock.End("verify the tree's top");
  recursion::CircuitBuilder builder(true);
  builder.ReserveLike(key.air->circuit());
  const TreeChild witness{{&top.proof, &opened}, top.root};
  BuildTreeFinalCircuit(builder, spec, &witness, statement);
  return ProveRecursionCircuit<C, H>(*key.air, key.config, key.key, builder, clock, options,
                                     kTreeFinalLevel);
}

// A tree's final proof against its key: the statement (CheckTreeStatements), then the STARK,
// whose public terms write the statement into the circuit.
template <hash::Channel C, hash::MerkleLayerHasher H>
std::optional<air::VerificationError> VerifyTreeFinal(const TreeFinalKey<H>& key,
                                                      std::span<const TreeInference> inferences,
                                                      const air::StarkProof<H>& proof,
                                                      uint32_t min_security_bits) {
  if (proof.config != key.config) {
    return air::VerificationError{air::VerificationError::Kind::kShapeMismatch,
                                  "the final proof's configuration is not the key's"};
  }
  if (auto error = CheckTreeStatements(inferences, proof.public_inputs)) return error;
  return air::Verify<C, H>(
      key.air->components(), proof, key.key.verifying_key, min_security_bits,
      air::InstantiatePublicTerms(key.air->PublicTermShapes(), proof.public_inputs),
      key.air->n_public_inputs());
}

}  // namespace tensorstark::pipeline
