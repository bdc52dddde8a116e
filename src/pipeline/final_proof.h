// The final proof (docs/recursion.md, "The one Cairo verifier"): the verifier of an outer proof
// run as a circuit, proved in the narrow recursion AIR (Poseidon2 a round a row), which is what a
// Starknet contract verifies at a cost per column. The outer proof it verifies is a compression
// (model_recursion.h) made with a Poseidon2-M31 outer configuration, as a circuit can only verify
// those. The final statement is the outer one, the inner statements one after another; the final
// circuit holds the outer verifying key as constants (its preprocessed root among them), so the
// final root, and the circuit id derived from it, commit to the whole chain.
#pragma once

#include <fmt/format.h>

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "pipeline/model_recursion.h"

namespace tensorstark::pipeline {

// Outer proofs a final circuit verifies are hashed as inner proofs are.
using OuterForFinal = air::StarkProof<InnerHasher>;

inline constexpr RecursionLevel kFinalLevel = {"final circuit", "outer proof", "final trace",
                                               "final proof"};

template <hash::MerkleHasher H>
struct FinalKey {
  CompressedKey<InnerHasher> outer;
  // The outer AIR as the final circuit reads it (its configuration and root as constants).
  std::shared_ptr<const recursion::InnerAir> outer_air;
  std::unique_ptr<recursion::RecursionAir> air;  // the final circuit's, narrow
  air::ProofConfig config;
  air::ProvingKey<H> key;
  bool from_cache = false;  // some of it (a root, a circuit, the final verifying key) was cached
};

// The final proof's components at the sizes every model's has (rows of the narrow layout): its
// circuit depends on the model only through the statement's length and the number of inner
// proofs; the class holds every example's and 4 aggregated proofs of tiny_mlp (95,163 values,
// 424,377 arithmetic gates: 81% of the class, 10,128 permutations; one proof of tiny_mlp has
// 88,470, 386,845 and 9,361; cifar_cnn with a public input, the longest statement, 97,649,
// 408,279 and 9,744).
const recursion::SizeClass& FinalSizeClass();

// The final proof's configuration: the onchain profile's (Poseidon252, blowup 32) with 15 queries
// and 25 bits of grinding instead of 16 and 20, the same 100 bits: the Cairo verifier's gas is
// mostly per query (3% less with one fewer), for about 10 s of grinding on average (2^25
// attempts at 3.5 million a second on 2 threads with AVX-512 IFMA; 10-20 times that on AVX2).
air::ProofConfig FinalProofConfig();

// The configuration of the outer proofs a final proof verifies: the recursive profile's.
air::ProofConfig FinalOuterConfig();

// The least security of the proofs a final proof's circuit verifies (its outer proof and that
// one's inner proofs), which a final proof's statement rests on as much as on its own.
uint32_t FinalInnerSecurityBits();

// The final AIR for verifying (its components at FinalSizeClass, no public input): the AIR of every
// final proof at the standard shape, from which cairo-gen writes the Cairo verifier's.
recursion::RecursionAir FinalAirForVerifying();

// The outer key's AIR as a verifier circuit reads it, or a one-line error (an outer configuration
// a circuit cannot verify).
std::variant<recursion::InnerAir, std::string> OuterAirForFinal(
    const CompressedKey<InnerHasher>& outer);

// The key of final proofs of these inner proofs: their outer key (at `outer_config`, which must
// hash with Poseidon2-M31), the final circuit and its narrow AIR at `final_config`, both at
// `shape` (the outer at the standard class and the final at FinalSizeClass, or each sized to
// fit). A key for verifying holds the final verifying key only: from the cache when it holds it
// (then no circuit is built, and the key has no outer AIR), else derived and cached.
template <hash::MerkleLayerHasher H>
std::variant<FinalKey<H>, std::string> SetupFinal(std::span<const InnerSpec> specs,
                                                  const air::ProofConfig& outer_config,
                                                  const air::ProofConfig& final_config,
                                                  OuterShape shape, KeyUse use = KeyUse::kProve,
                                                  const KeyCache& cache = KeyCache::Disabled()) {
  auto outer = SetupCompressed<InnerHasher>(specs, outer_config, shape, use, cache);
  if (auto* error = std::get_if<std::string>(&outer)) return *error;
  FinalKey<H> key{.outer = std::get<CompressedKey<InnerHasher>>(std::move(outer)),
                  .outer_air = nullptr,
                  .air = nullptr,
                  .config = final_config,
                  .key = {}};
  key.from_cache = key.outer.from_cache;
  const air::ProofConfig configs[] = {outer_config, final_config};
  const hash::Blake2sHash key_name = RecursionKeyName("final verifying key", key.outer.members,
                                                      air::ProofHashTraits<H>::kId, configs, shape);
  const RecursionKeyExpected expected{
      .n_public_inputs = StatementLength(key.outer.members),
      .layout = recursion::Poseidon2Layout::kRounds,
      .size_class = shape == OuterShape::kStandard ? &FinalSizeClass() : nullptr};
  if (use == KeyUse::kVerify) {
    if (const auto cached = GetRecursionKey(cache, key_name, expected)) {
      if (const auto root = air::HashFromBytes<typename H::Hash>(cached->preprocessed_root)) {
        key.air = std::make_unique<recursion::RecursionAir>(
            recursion::RecursionAir::ForVerifying(cached->shape));
        key.key.verifying_key.preprocessed_root = *root;
        key.from_cache = true;
        return key;
      }
    }
  }
  auto outer_air = OuterAirForFinal(key.outer);
  if (auto* error = std::get_if<std::string>(&outer_air)) return *error;
  key.outer_air = std::make_shared<const recursion::InnerAir>(
      std::get<recursion::InnerAir>(std::move(outer_air)));
  // The final circuit: the outer proof's verifier (recursion::VerifyInCircuit), its public inputs
  // the outer statement's values, wires 0..n-1.
  recursion::CircuitBuilder builder(false);
  recursion::VerifyInCircuit(builder, *key.outer_air, nullptr);
  auto air = recursion::RecursionAir::Make(
      std::move(builder).Finish(), shape == OuterShape::kStandard ? &FinalSizeClass() : nullptr,
      recursion::Poseidon2Layout::kRounds);
  if (auto* error = std::get_if<std::string>(&air)) return *error;
  key.air =
      std::make_unique<recursion::RecursionAir>(std::get<recursion::RecursionAir>(std::move(air)));
  auto proving = RecursionKeyFor<H>(*key.air, final_config, use);
  if (auto* error = std::get_if<std::string>(&proving)) return *error;
  key.key = std::get<air::ProvingKey<H>>(std::move(proving));
  PutRecursionKey(cache, key_name,
                  {.preprocessed_root = air::HashBytes(key.key.verifying_key.preprocessed_root),
                   .shape = key.air->shape()});
  return key;
}

// The final proof of an outer proof, or a one-line reason why it cannot be made: the outer
// proof's shape (its configuration among it) or the outer verifier's rejection (the member
// statements and the STARK, as VerifyCompressedProof), or the circuit's first failing gate (a
// bug, named as such).
template <hash::Channel C, hash::MerkleLayerHasher H>
std::variant<air::StarkProof<H>, std::string> ProveFinal(const FinalKey<H>& key,
                                                         const OuterForFinal& outer,
                                                         air::ProveOptions options = {}) {
  PhaseClock clock{options.timings};
  if (!key.key.preprocessed) return std::string("the key was derived for verifying only");
  if (auto error = key.outer_air->CheckShape(outer)) {
    return "the outer proof cannot be verified by the final circuit: " + *error;
  }
  if (auto rejection = CheckMemberStatements(key.outer.members, outer.public_inputs)) {
    return "the outer proof is invalid: " + air::ToString(*rejection);
  }
  recursion::InnerOpened opened;
  if (auto rejection = key.outer_air->VerifyNatively(outer, &opened)) {
    return "the outer proof is invalid: " + air::ToString(*rejection);
  }
  clock.End("verify outer proof");
  recursion::CircuitBuilder builder(true);
  builder.ReserveLike(key.air->circuit());
  const recursion::InnerWitness witness{&outer, &opened};
  recursion::VerifyInCircuit(builder, *key.outer_air, &witness);
  return ProveRecursionCircuit<C, H>(*key.air, key.config, key.key, builder, clock, options,
                                     kFinalLevel);
}

// A final proof against its key (VerifyRecursionProof).
template <hash::Channel C, hash::MerkleLayerHasher H>
std::optional<air::VerificationError> VerifyFinalProof(const FinalKey<H>& key,
                                                       const air::StarkProof<H>& proof,
                                                       uint32_t min_security_bits) {
  return VerifyRecursionProof<C, H>(*key.air, key.config, key.key.verifying_key, key.outer.members,
                                    proof, min_security_bits, kFinalLevel);
}

// What identifies the final verifying key; the final key's circuit id and each member's model id
// under it: what a contract recomputes from the final proof's preprocessed root.
template <hash::MerkleHasher H>
OuterKeyIdentity IdentityOf(const FinalKey<H>& key) {
  return IdentityOf<H>(*key.air, key.config, key.key.verifying_key.preprocessed_root,
                       key.outer.members);
}
template <hash::MerkleHasher H>
CompressedIds IdsOf(const FinalKey<H>& key) {
  return IdsOf(IdentityOf(key), key.outer.members);
}

}  // namespace tensorstark::pipeline
