// Verify (protocol reference §8.3): replays the prover's transcript from the proof, checks the
// security level first, then the LogUp claims, the composition at the out-of-domain point, and
// the commitment-scheme openings. Every rejection is a VerificationError naming the check.
#pragma once

#include <fmt/format.h>

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "air/component.h"
#include "air/errors.h"
#include "air/layout.h"
#include "air/logup.h"
#include "air/proof.h"
#include "air/verifying_key.h"
#include "air/zk_blinding.h"
#include "fri/pcs_common.h"
#include "fri/pcs_verifier.h"
#include "hash/channel.h"
#include "hash/families.h"
#include "hash/proof_of_work.h"

namespace tensorstark::air {

inline constexpr uint32_t kDefaultMinSecurityBits = 96;

// `public_terms` are LogUp fractions the verifier derives from the proof's public inputs; they
// join the components' claimed sums in the check that all fractions cancel. n_public_inputs is
// the statement's length when it is longer than what the components read (ProveOptions).
// `opened`, if given, records the openings the commitment scheme checked (a recursion witness).
template <hash::Channel C, hash::MerkleHasher H>
std::optional<VerificationError> Verify(std::span<const Component* const> components,
                                        const StarkProof<H>& proof, const VerifyingKey<H>& key,
                                        uint32_t min_security_bits = kDefaultMinSecurityBits,
                                        std::span<const PublicLogupTerm> public_terms = {},
                                        size_t n_public_inputs = 0,
                                        fri::PcsOpened<H>* opened = nullptr) {
  using Kind = VerificationError::Kind;
  const ProofConfig& config = proof.config;
  if (config.SecurityBits() < min_security_bits) {
    return VerificationError{Kind::kInsufficientSecurity,
                             fmt::format("proof has {} bits of security, at least {} required",
                                         config.SecurityBits(), min_security_bits)};
  }
  std::vector<std::unique_ptr<Component>> blinded;
  auto proved = ProvedComponents(components, config, blinded);
  if (const std::string* error = std::get_if<std::string>(&proved)) {
    return VerificationError{Kind::kInvalidAir, *error};
  }
  components = std::get<std::vector<const Component*>>(proved);
  auto layout_or_error = MakeLayout(components, config);
  if (const std::string* error = std::get_if<std::string>(&layout_or_error)) {
    return VerificationError{Kind::kInvalidAir, *error};
  }
  const AirLayout& layout = std::get<AirLayout>(layout_or_error);
  const fri::PcsProof<H>& pcs_proof = proof.pcs;
  if (proof.claimed_sums.size() != components.size() || pcs_proof.commitments.size() != 4 ||
      pcs_proof.config != config.pcs) {
    return VerificationError{Kind::kShapeMismatch,
                             "proof has the wrong number of claimed sums or commitments"};
  }

  n_public_inputs = std::max(n_public_inputs, layout.n_public_inputs);
  if (proof.public_inputs.size() != n_public_inputs) {
    return VerificationError{Kind::kShapeMismatch,
                             fmt::format("proof has {} public inputs, the AIR reads {}",
                                         proof.public_inputs.size(), n_public_inputs)};
  }

  C channel;
  MixStatement(channel, config, proof.public_inputs, components);
  fri::CommitmentSchemeVerifier<C, H> pcs(config.pcs);
  if (pcs_proof.commitments[kPreprocessedTree] != key.preprocessed_root) {
    return VerificationError{Kind::kPreprocessedRootMismatch,
                             "preprocessed tree root differs from the verifying key's"};
  }
  pcs.Commit(pcs_proof.commitments[kPreprocessedTree], TreeLogSizes(layout, kPreprocessedTree),
             channel);
  pcs.Commit(pcs_proof.commitments[kTraceTree], TreeLogSizes(layout, kTraceTree), channel);

  if (!hash::CheckProofOfWork(channel, config.interaction_pow_bits, proof.interaction_pow_nonce)) {
    return VerificationError{Kind::kInteractionProofOfWork, "interaction proof of work is invalid"};
  }
  channel.MixU64(proof.interaction_pow_nonce);
  const LookupElementsMap elements = DrawLookupElements(channel, layout.relations);
  QM31 total;
  for (size_t i = 0; i < components.size(); ++i) {
    // A component without relations has no LogUp column: its sum must not offset others'.
    if (layout.components[i].info.relations.empty() && proof.claimed_sums[i] != QM31()) {
      return VerificationError{
          Kind::kClaimedSumsNotZero,
          fmt::format("component {} has no relations but a nonzero claimed sum",
                      components[i]->name())};
    }
    total += proof.claimed_sums[i];
  }
  for (const PublicLogupTerm& term : public_terms) {
    const auto it = elements.find(term.relation);
    if (it == elements.end() || term.values.size() != it->second.alpha_powers.size()) {
      return VerificationError{Kind::kInvalidAir,
                               fmt::format("public LogUp term for unknown relation {} or of the "
                                           "wrong width",
                                           term.relation)};
    }
    const QM31 denominator = LookupDenominator<M31>(it->second, term.values);
    if (denominator == QM31()) {
      return VerificationError{Kind::kClaimedSumsNotZero,
                               "a public LogUp term's denominator is zero"};
    }
    total += denominator.Inverse() * term.multiplicity;
  }
  if (total != QM31()) {
    return VerificationError{Kind::kClaimedSumsNotZero, "LogUp claimed sums do not add up to 0"};
  }
  channel.MixFelts(proof.claimed_sums);
  pcs.Commit(pcs_proof.commitments[kInteractionTree], TreeLogSizes(layout, kInteractionTree),
             channel);

  const QM31 random_coeff = channel.DrawFelt();
  pcs.Commit(pcs_proof.commitments[kCompositionTree], TreeLogSizes(layout, kCompositionTree),
             channel);
  const std::optional<OodsSample> oods = DrawnOodsSample(layout, channel.DrawFelt());
  if (!oods) {
    return VerificationError{Kind::kDegenerateOodsPoint,
                             "the drawn out-of-domain point lies where the quotients are undefined"};
  }
  const circle::CirclePoint<QM31>& oods_point = oods->point;
  const fri::SamplePoints& sample_points = oods->sample_points;
  if (!fri::SampledValuesMatch(sample_points, pcs_proof.sampled_values)) {
    return VerificationError{Kind::kShapeMismatch, "sampled values do not match the AIR's masks"};
  }
  std::vector<QM31> chunk_values;
  for (size_t j = 0; j < 4 * layout.n_composition_chunks(); ++j) {
    chunk_values.push_back(pcs_proof.sampled_values[kCompositionTree][j][0]);
  }
  if (RecombineComposition(layout, chunk_values, oods_point) !=
      CompositionAtPoint(components, layout, pcs_proof.sampled_values, oods_point, random_coeff,
                         proof.public_inputs, elements, proof.claimed_sums)) {
    return VerificationError{Kind::kOodsMismatch,
                             "composition polynomial does not match the constraints at the "
                             "out-of-domain point"};
  }
  if (auto error = pcs.Verify(sample_points, pcs_proof, channel,
                              FriMasks(layout, config.pcs.fri.log_blowup_factor), opened)) {
    return VerificationError{Kind::kPcs, "commitment scheme", *error};
  }
  return std::nullopt;
}

// Compiled once per hash family, in verifier_instances.cc.
#define TENSORSTARK_VERIFY_INSTANCE(C, H)                                                        \
  template std::optional<VerificationError> Verify<C, H>(                                        \
      std::span<const Component* const>, const StarkProof<H>&, const VerifyingKey<H>&, uint32_t, \
      std::span<const PublicLogupTerm>, size_t, fri::PcsOpened<H>*);
#define TENSORSTARK_EXTERN_VERIFY_INSTANCE(C, H) extern TENSORSTARK_VERIFY_INSTANCE(C, H)
TENSORSTARK_FOR_EACH_HASH_FAMILY(TENSORSTARK_EXTERN_VERIFY_INSTANCE)
#undef TENSORSTARK_EXTERN_VERIFY_INSTANCE

}  // namespace tensorstark::air
