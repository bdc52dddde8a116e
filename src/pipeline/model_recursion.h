// Compressed proofs of models (docs/recursion.md): inner proofs (profile recursive,
// Poseidon2-M31) are checked by their verifier circuits (recursion/verifier_circuit.h), one after
// another in one circuit, and the recursion AIR of that circuit (recursion/recursion_air.h) is
// proved: the outer proof. Its statement is the inner statements one after another, so it states
// the same facts; the model-level checks of a statement (its commitment, the inputs' ranges, zero
// knowledge where parts are hidden) read only the statement and are done natively, as for an inner
// proof. One inner proof is a compressed proof; several, of one model or of several, an aggregated
// one.
//
// A verifier derives a CompressedKey once per list of (model, zero knowledge) and outer
// configuration: the inner keys, the circuit (its topology depends only on them), the recursion
// AIR and the outer key, whose preprocessed root commits to the circuit. Most of it can come from
// a KeyCache: the inner roots and the circuit for proving (a prover commits the outer
// preprocessed columns in full), the inner roots and the outer verifying key (root and AIR shape)
// for verifying, which then builds no circuit.
#pragma once

#include <array>
#include <chrono>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "air/profiles.h"
#include "air/proof.h"
#include "air/proof_io.h"
#include "air/prover.h"
#include "air/setup.h"
#include "air/verifier.h"
#include "frontend/model_air.h"
#include "hash/poseidon2_m31_channel.h"
#include "hash/poseidon2_m31_merkle_hasher.h"
#include "pipeline/key_cache.h"
#include "pipeline/starknet_fact.h"
#include "recursion/circuit_builder.h"
#include "recursion/recursion_air.h"
#include "recursion/verifier_circuit.h"

namespace tensorstark::pipeline {

using InnerHasher = hash::Poseidon2M31MerkleHasher;
using InnerChannel = hash::Poseidon2M31Channel;
using InnerProof = air::StarkProof<InnerHasher>;

std::variant<recursion::InnerAir, std::string> ModelInnerAir(
    const frontend::ModelAir& air, const InnerHasher::Hash& preprocessed_root,
    const air::ProofConfig& config);

// The configuration of the inner proofs compression takes: the recursive profile.
air::ProofConfig InnerProofConfig(bool zero_knowledge);

// An inner proof to verify: of which model (`model`, its index among the models the caller
// holds), and whether it is zero-knowledge.
struct InnerSpec {
  const frontend::ModelAir* air = nullptr;  // outlives the key
  size_t model = 0;
  bool zero_knowledge = false;
};

// One inner proof's place in the circuit: its spec, its model's commitment and the circuit's view
// of its key. Members of one model and configuration share their key.
struct InnerMember {
  InnerSpec spec;
  air::ProofConfig config;
  frontend::ModelCommitment commitment;
  std::shared_ptr<const recursion::InnerAir> inner_air;
  // Of the model's bytes as its verifiers hold them (without private weights): what cached
  // values derived from it are named by.
  hash::Blake2sHash model_digest;
};

struct InnerMembers {
  std::vector<InnerMember> members;
  bool from_cache = false;  // some inner preprocessed root came from the cache
};
std::variant<InnerMembers, std::string> SetupInnerMembers(std::span<const InnerSpec> specs,
                                                          const KeyCache& cache);

// CheckModelStatement's checks of a member's statement, as gates: the commitment is the one of the
// model the member's verifier was built for (without it, a proof of one model stating another's
// commitment would be recorded under the other's id), the stated inputs lie in their compiled
// ranges, and the context words are canonical felts. A circuit's statement then means all the
// native verifier checks.
void AssertModelStatement(recursion::CircuitBuilder& builder, const InnerMember& member,
                          std::span<const recursion::Wire> statement);

// The members' verifiers in one circuit, in order: with a witness per member (a builder with
// values) or none (the topology). Each member's statement is checked there as CheckModelStatement
// checks it natively (its commitment is the member's model's, its inputs lie in their compiled
// ranges, its context words are canonical felts), so that an outer proof holds every check the
// native verifier makes of the statement.
void BuildVerifierCircuit(recursion::CircuitBuilder& builder, std::span<const InnerMember> members,
                          std::span<const recursion::InnerWitness> witnesses);

// The outer proof's shape: its components padded to a size class (the standard class with room
// for the n inner proofs), so that every model's outer proof has one size and verifier cost; or
// each component as small as the circuit allows (the smallest and fastest proof, whose shape
// depends on the models).
enum class OuterShape : uint32_t { kStandard = 0, kFit = 1 };
recursion::SizeClass CompressionSizeClass(size_t n);

// Each member's statement within the outer statement (empty spans if the lengths do not add up).
std::vector<std::span<const field::M31>> MemberStatements(std::span<const InnerMember> members,
                                                          std::span<const field::M31> statement);

// What a key is derived for: proving (the outer preprocessed columns committed in full) or
// verifying only (read from the cache when it holds the outer verifying key: then the AIR has no
// data and no circuit, and `outer.preprocessed` stays empty).
enum class KeyUse { kProve, kVerify };

template <hash::MerkleHasher H>
struct CompressedKey {
  std::vector<InnerMember> members;
  // And its circuit, but for a key derived for verifying from the cache
  // (RecursionAir::ForVerifying).
  std::unique_ptr<recursion::RecursionAir> recursion;
  air::ProofConfig outer_config;
  air::ProvingKey<H> outer;
  bool from_cache = false;  // some of it (a root, the circuit) came from the cache
};

// The recursion AIR of the members' verifier circuit, its components at the shape's sizes: the
// circuit from the cache, or built (and cached); `from_cache` is set if it was read.
std::variant<std::unique_ptr<recursion::RecursionAir>, std::string> MembersRecursionAir(
    std::span<const InnerMember> members, OuterShape shape, const KeyCache& cache,
    bool& from_cache);

// What the cache holds of a recursion AIR's verifying key (the outer proof's, or the final
// proof's, final_proof.h): the preprocessed root's bytes and what the verifier needs of the AIR
// (RecursionAir::Shape), filed under the members, the hash, the configurations and the shape, so
// that verifying builds no circuit.
struct CachedRecursionKey {
  std::array<uint8_t, 32> preprocessed_root{};
  recursion::RecursionAir::Shape shape;
};
// `what` names the level ("outer verifying key"); `configs` are every level's up to it.
hash::Blake2sHash RecursionKeyName(std::string_view what, std::span<const InnerMember> members,
                                   air::HashId hash, std::span<const air::ProofConfig> configs,
                                   OuterShape shape);
// What a key filed under a name must be (or a miss): n_public_inputs public inputs (its members'
// statements' length), each wire i read once, this Poseidon2 layout, and with a class, its
// components at its sizes.
struct RecursionKeyExpected {
  size_t n_public_inputs = 0;
  recursion::Poseidon2Layout layout = recursion::Poseidon2Layout::kRow;
  const recursion::SizeClass* size_class = nullptr;
};
std::optional<CachedRecursionKey> GetRecursionKey(const KeyCache& cache,
                                                  const hash::Blake2sHash& name,
                                                  const RecursionKeyExpected& expected);
void PutRecursionKey(const KeyCache& cache, const hash::Blake2sHash& name,
                     const CachedRecursionKey& key);
// The outer key's name and expectations.
hash::Blake2sHash OuterKeyName(std::span<const InnerMember> members, air::HashId hash,
                               const air::ProofConfig& outer_config, OuterShape shape);
std::optional<CachedRecursionKey> GetOuterKey(const KeyCache& cache, const hash::Blake2sHash& name,
                                              std::span<const InnerMember> members,
                                              OuterShape shape);

// A recursion AIR's key at `config`: for proving, its preprocessed columns committed in full; for
// verifying, the verifying key alone (`preprocessed` left empty).
template <hash::MerkleLayerHasher H>
std::variant<air::ProvingKey<H>, std::string> RecursionKeyFor(const recursion::RecursionAir& air,
                                                             const air::ProofConfig& config,
                                                             KeyUse use) {
  if (use == KeyUse::kProve) return air::SetupProver<H>(air.components(), config);
  auto verifying = air::Setup<H>(air.components(), config);
  if (auto* error = std::get_if<std::string>(&verifying)) return *error;
  air::ProvingKey<H> key;
  key.verifying_key = std::get<air::VerifyingKey<H>>(std::move(verifying));
  return key;
}

template <hash::MerkleLayerHasher H>
std::variant<CompressedKey<H>, std::string> SetupCompressed(
    std::span<const InnerSpec> specs, const air::ProofConfig& outer_config,
    OuterShape shape = OuterShape::kStandard, KeyUse use = KeyUse::kProve,
    const KeyCache& cache = KeyCache::Disabled()) {
  auto members = SetupInnerMembers(specs, cache);
  if (auto* error = std::get_if<std::string>(&members)) return *error;
  InnerMembers& inner = std::get<InnerMembers>(members);
  CompressedKey<H> key{.members = std::move(inner.members),
                       .recursion = nullptr,
                       .outer_config = outer_config,
                       .outer = {},
                       .from_cache = inner.from_cache};
  const hash::Blake2sHash key_name =
      OuterKeyName(key.members, air::ProofHashTraits<H>::kId, outer_config, shape);
  if (use == KeyUse::kVerify) {
    if (const auto cached = GetOuterKey(cache, key_name, key.members, shape)) {
      if (const auto root = air::HashFromBytes<typename H::Hash>(cached->preprocessed_root)) {
        key.recursion = std::make_unique<recursion::RecursionAir>(
            recursion::RecursionAir::ForVerifying(cached->shape));
        key.outer.verifying_key.preprocessed_root = *root;
        key.from_cache = true;
        return key;
      }
    }
  }
  auto recursion_air = MembersRecursionAir(key.members, shape, cache, key.from_cache);
  if (auto* error = std::get_if<std::string>(&recursion_air)) return *error;
  key.recursion = std::get<std::unique_ptr<recursion::RecursionAir>>(std::move(recursion_air));
  auto outer = air::SetupProver<H>(key.recursion->components(), outer_config);
  if (auto* error = std::get_if<std::string>(&outer)) return *error;
  key.outer = std::get<air::ProvingKey<H>>(std::move(outer));
  PutRecursionKey(cache, key_name,
                  {.preprocessed_root = air::HashBytes(key.outer.verifying_key.preprocessed_root),
                   .shape = key.recursion->shape()});
  return key;
}

// What identifies a recursion AIR's verifying key of these members, and so its circuit
// (starknet_fact.h: the circuit id and each member's model id derive from it).
template <hash::MerkleHasher H>
OuterKeyIdentity IdentityOf(const recursion::RecursionAir& air, const air::ProofConfig& config,
                            const typename H::Hash& preprocessed_root,
                            std::vector<MemberLayout> layouts) {
  OuterKeyIdentity identity{.hash = air::ProofHashTraits<H>::kId,
                            .config = config,
                            .log_sizes = {},
                            .members = std::move(layouts),
                            .preprocessed_root = air::HashBytes(preprocessed_root)};
  for (const air::Component* component : air.components()) {
    identity.log_sizes.push_back(component->log_size());
  }
  return identity;
}
template <hash::MerkleHasher H>
OuterKeyIdentity IdentityOf(const recursion::RecursionAir& air, const air::ProofConfig& config,
                            const typename H::Hash& preprocessed_root,
                            std::span<const InnerMember> members) {
  std::vector<MemberLayout> layouts;
  for (const InnerMember& member : members) {
    layouts.push_back(LayoutOf(member.spec.air->statement_layout()));
  }
  return IdentityOf<H>(air, config, preprocessed_root, std::move(layouts));
}
template <hash::MerkleHasher H>
OuterKeyIdentity IdentityOf(const CompressedKey<H>& key) {
  return IdentityOf<H>(*key.recursion, key.outer_config, key.outer.verifying_key.preprocessed_root,
                       key.members);
}

// The statement length of these members' statements one after another.
size_t StatementLength(std::span<const InnerMember> members);

// A circuit's id and each member's model id under it, in order.
struct CompressedIds {
  field::Felt252 circuit;
  std::vector<field::Felt252> models;
};
CompressedIds IdsOf(const OuterKeyIdentity& identity,
                    std::span<const frontend::ModelCommitment> commitments);
CompressedIds IdsOf(const OuterKeyIdentity& identity, std::span<const InnerMember> members);
template <hash::MerkleHasher H>
CompressedIds IdsOf(const CompressedKey<H>& key) {
  return IdsOf(IdentityOf(key), key.members);
}

// Each member's part of `statement` checked as for its inner proof (CheckModelStatement, with the
// inner configuration's zero knowledge), after the statement's length.
std::optional<air::VerificationError> CheckMemberStatements(std::span<const InnerMember> members,
                                                            std::span<const field::M31> statement);

// Times the phases of a proof's making before the prover's own, into `timings` (if any).
struct PhaseClock {
  air::ProveTimings* timings;
  std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
  void End(const char* name) {
    const auto now = std::chrono::steady_clock::now();
    if (timings) {
      const double ms = std::chrono::duration<double, std::milli>(now - start).count();
      timings->phases_ms.emplace_back(name, ms);
      if (timings->on_phase) timings->on_phase(name, ms);
    }
    start = now;
  }
};

// What a level of recursion calls its circuit, what that circuit verifies and its own proof, in
// the messages of ProveRecursionCircuit and the phases it times.
struct RecursionLevel {
  const char* circuit;   // "verifier circuit"
  const char* verified;  // "inner proof"
  const char* trace;     // "recursion trace"
  const char* proof;     // "outer proof"
};
inline constexpr RecursionLevel kOuterLevel = {"verifier circuit", "inner proof", "recursion trace",
                                               "outer proof"};

// The proof of `air`'s circuit from a builder that ran it with values: a failing gate or a
// topology other than the AIR's is a bug (the native verifier accepted what the circuit
// verifies), named as such.
template <hash::Channel C, hash::MerkleLayerHasher H>
std::variant<air::StarkProof<H>, std::string> ProveRecursionCircuit(
    const recursion::RecursionAir& air, const air::ProofConfig& config,
    const air::ProvingKey<H>& key, const recursion::CircuitBuilder& builder, PhaseClock& clock,
    air::ProveOptions options, const RecursionLevel& level) {
  if (const auto& failure = builder.failure()) {
    return fmt::format("the {} rejects an {} the native verifier accepts (a bug): {}",
                       level.circuit, level.verified, *failure);
  }
  if (!builder.circuit().SameTopology(air.circuit())) {
    return fmt::format("the {} of this {} is not the key's (a bug)", level.circuit, level.verified);
  }
  clock.End(level.circuit);
  recursion::RecursionAir::Witness witness = air.GenerateWitness(builder.values());
  clock.End(level.trace);
  options.n_public_inputs = air.n_public_inputs();
  auto proof = air::Prove<C, H>(config, air.components(), std::move(witness.traces),
                                std::move(witness.public_inputs), options, &key);
  if (auto* error = std::get_if<air::ProvingError>(&proof)) {
    return fmt::format("proving the {} failed: {}", level.proof, air::ToString(*error));
  }
  return std::get<air::StarkProof<H>>(std::move(proof));
}

// A proof of a recursion AIR against its verifying key: each member's statement as for its inner
// proof (CheckModelStatement, with the inner configuration's zero knowledge), then the STARK,
// whose public terms write the statement into the circuit.
template <hash::Channel C, hash::MerkleLayerHasher H>
std::optional<air::VerificationError> VerifyRecursionProof(
    const recursion::RecursionAir& air, const air::ProofConfig& config,
    const air::VerifyingKey<H>& key, std::span<const InnerMember> members,
    const air::StarkProof<H>& proof, uint32_t min_security_bits, const RecursionLevel& level) {
  if (proof.config != config) {
    return air::VerificationError{
        air::VerificationError::Kind::kShapeMismatch,
        fmt::format("the {}'s configuration is not the key's", level.proof)};
  }
  if (auto error = CheckMemberStatements(members, proof.public_inputs)) return error;
  return air::Verify<C, H>(air.components(), proof, key, min_security_bits,
                           air::InstantiatePublicTerms(air.PublicTermShapes(), proof.public_inputs),
                           air.n_public_inputs());
}

// The outer proof of the members' inner proofs (one per member, in order), or a one-line reason
// why it cannot be made: an inner proof's shape, the native verifier's rejection, or the circuit's
// first failing gate (which the native verifier would have rejected first: a disagreement is a
// bug, named as such).
template <hash::Channel C, hash::MerkleLayerHasher H>
std::variant<air::StarkProof<H>, std::string> CompressProof(const CompressedKey<H>& key,
                                                            std::span<const InnerProof> inners,
                                                            air::ProveOptions options = {}) {
  // Its own phases join the outer prover's in options.timings.
  PhaseClock clock{options.timings};
  if (inners.size() != key.members.size()) return std::string("wrong number of inner proofs");
  if (!key.outer.preprocessed) return std::string("the key was derived for verifying only");
  std::vector<recursion::InnerOpened> opened(inners.size());
  std::vector<recursion::InnerWitness> witnesses;
  for (size_t i = 0; i < inners.size(); ++i) {
    const std::string which =
        inners.size() > 1 ? fmt::format("inner proof {}", i + 1) : std::string("inner proof");
    if (auto error = key.members[i].inner_air->CheckShape(inners[i])) {
      return fmt::format("the {} cannot be compressed: {}", which, *error);
    }
    if (auto rejection = key.members[i].inner_air->VerifyNatively(inners[i], &opened[i])) {
      return fmt::format("the {} is invalid: {}", which, air::ToString(*rejection));
    }
    const InnerMember& member = key.members[i];
    if (auto rejection = frontend::CheckModelStatement(*member.spec.air, member.commitment,
                                                       member.config.zk, inners[i].public_inputs)) {
      return fmt::format("the {} is invalid: {}", which, air::ToString(*rejection));
    }
    witnesses.push_back({&inners[i], &opened[i]});
  }
  clock.End("verify inner proofs");
  recursion::CircuitBuilder builder(true);
  builder.ReserveLike(key.recursion->circuit());
  BuildVerifierCircuit(builder, key.members, witnesses);
  return ProveRecursionCircuit<C, H>(*key.recursion, key.outer_config, key.outer, builder, clock,
                                     options, kOuterLevel);
}

// An outer proof against its key (VerifyRecursionProof).
template <hash::Channel C, hash::MerkleLayerHasher H>
std::optional<air::VerificationError> VerifyCompressedProof(const CompressedKey<H>& key,
                                                            const air::StarkProof<H>& outer,
                                                            uint32_t min_security_bits) {
  return VerifyRecursionProof<C, H>(*key.recursion, key.outer_config, key.outer.verifying_key,
                                    key.members, outer, min_security_bits, kOuterLevel);
}

}  // namespace tensorstark::pipeline
