// Truncated, shortened, lengthened and rearranged proofs (protocol reference §8.3, §8.5): the
// parser refuses every truncation of the bytes, and a proof struct with an item too few or too
// many, or with two commitments swapped, is rejected by Verify with a typed error, never a crash.
#include <doctest/doctest.h>

#include <utility>

#include "soundness_util.h"

namespace tensorstark {
namespace {

using field::M31;
using field::QM31;
using soundness::CheckRejected;
using soundness::Expected;
using soundness::FriKind;
using soundness::Kind;
using soundness::MerkleError;
using soundness::PcsKind;

TEST_CASE_TEMPLATE("every truncation of the bytes fails to parse", S, SOUNDNESS_CASES) {
  const auto& proven = soundness::Honest<S>();
  const std::vector<uint8_t> bytes = air::SerializeProof(proven.proof);
  size_t n_failed = 0;
  for (size_t length = 0; length < bytes.size(); ++length) {
    const auto parsed =
        air::ParseProof<typename S::H>(std::span<const uint8_t>(bytes.data(), length));
    n_failed += std::holds_alternative<air::ProofParseError>(parsed);
  }
  CHECK(n_failed == bytes.size());
  // And one byte too many.
  std::vector<uint8_t> longer = bytes;
  longer.push_back(0);
  CHECK(std::holds_alternative<air::ProofParseError>(air::ParseProof<typename S::H>(longer)));
}

TEST_CASE_TEMPLATE("a proof struct with an item too few or too many", S, SOUNDNESS_CASES) {
  const auto& proven = soundness::Honest<S>();
  const auto& pcs = proven.proof.pcs;
  const size_t n_inner = pcs.fri_proof.inner_layers.size();

  SUBCASE("statement and samples: shape errors before the PCS") {
    CheckRejected(soundness::VerifyChanged<S>(proven, [](auto& p) { p.claimed_sums.pop_back(); }),
                  {Kind::kShapeMismatch});
    CheckRejected(
        soundness::VerifyChanged<S>(proven, [](auto& p) { p.claimed_sums.push_back(QM31()); }),
        {Kind::kShapeMismatch});
    CheckRejected(
        soundness::VerifyChanged<S>(proven, [](auto& p) { p.pcs.commitments.pop_back(); }),
        {Kind::kShapeMismatch});
    for (size_t tree = 0; tree < pcs.sampled_values.size(); ++tree) {
      if (pcs.sampled_values[tree].empty()) continue;
      CAPTURE(tree);
      // One sample fewer, one column fewer, one sample more.
      CheckRejected(soundness::VerifyChanged<S>(
                        proven, [&](auto& p) { p.pcs.sampled_values[tree].back().pop_back(); }),
                    {Kind::kShapeMismatch});
      CheckRejected(soundness::VerifyChanged<S>(
                        proven, [&](auto& p) { p.pcs.sampled_values[tree].pop_back(); }),
                    {Kind::kShapeMismatch});
      CheckRejected(
          soundness::VerifyChanged<S>(
              proven, [&](auto& p) { p.pcs.sampled_values[tree].front().push_back(QM31()); }),
          {Kind::kShapeMismatch});
    }
    CheckRejected(
        soundness::VerifyChanged<S>(proven, [](auto& p) { p.pcs.sampled_values.pop_back(); }),
        {Kind::kShapeMismatch});
  }
  SUBCASE("PCS trees") {
    CheckRejected(
        soundness::VerifyChanged<S>(proven, [](auto& p) { p.pcs.decommitments.pop_back(); }),
        Expected::Pcs(PcsKind::kShapeMismatch));
    CheckRejected(
        soundness::VerifyChanged<S>(proven, [](auto& p) { p.pcs.queried_values.pop_back(); }),
        Expected::Pcs(PcsKind::kShapeMismatch));
    for (size_t tree = 0; tree < pcs.queried_values.size(); ++tree) {
      CAPTURE(tree);
      if (!pcs.queried_values[tree].empty()) {
        CheckRejected(soundness::VerifyChanged<S>(
                          proven, [&](auto& p) { p.pcs.queried_values[tree].pop_back(); }),
                      Expected::Merkle(tree, MerkleError::kTooFewQueriedValues));
      }
      CheckRejected(soundness::VerifyChanged<S>(
                        proven, [&](auto& p) { p.pcs.queried_values[tree].push_back(M31()); }),
                    Expected::Merkle(tree, MerkleError::kTooManyQueriedValues));
      const auto& decommitment = pcs.decommitments[tree];
      if (!decommitment.hash_witness.empty()) {
        CheckRejected(
            soundness::VerifyChanged<S>(
                proven, [&](auto& p) { p.pcs.decommitments[tree].hash_witness.pop_back(); }),
            Expected::Merkle(tree, MerkleError::kWitnessTooShort));
      }
      CheckRejected(soundness::VerifyChanged<S>(proven,
                                                [&](auto& p) {
                                                  auto& w = p.pcs.decommitments[tree].hash_witness;
                                                  w.push_back(typename S::H::Hash{});
                                                }),
                    Expected::Merkle(tree, MerkleError::kWitnessTooLong));
      CheckRejected(
          soundness::VerifyChanged<S>(
              proven, [&](auto& p) { p.pcs.decommitments[tree].column_witness.push_back(M31()); }),
          Expected::Merkle(tree, MerkleError::kWitnessTooLong));
    }
  }
  SUBCASE("FRI layers") {
    REQUIRE(n_inner >= 1);
    // The layer count is fixed by the schedule: one fewer or one more is refused as such.
    CheckRejected(soundness::VerifyChanged<S>(
                      proven, [](auto& p) { p.pcs.fri_proof.inner_layers.pop_back(); }),
                  Expected::Fri(FriKind::kInvalidNumLayers, 0));
    CheckRejected(soundness::VerifyChanged<S>(proven,
                                              [](auto& p) {
                                                auto& layers = p.pcs.fri_proof.inner_layers;
                                                layers.push_back(layers.back());
                                              }),
                  Expected::Fri(FriKind::kInvalidNumLayers, 0));
    for (size_t layer = 0; layer <= n_inner; ++layer) {
      CAPTURE(layer);
      auto layer_of = [layer](auto& p) -> auto& {
        return layer == 0 ? p.pcs.fri_proof.first_layer : p.pcs.fri_proof.inner_layers[layer - 1];
      };
      REQUIRE(!layer_of(proven.proof).fri_witness.empty());
      CheckRejected(
          soundness::VerifyChanged<S>(proven, [&](auto& p) { layer_of(p).fri_witness.pop_back(); }),
          Expected::Fri(FriKind::kWitnessTooShort, layer));
      CheckRejected(soundness::VerifyChanged<S>(
                        proven, [&](auto& p) { layer_of(p).fri_witness.push_back(QM31()); }),
                    Expected::Fri(FriKind::kWitnessTooLong, layer));
      if (!layer_of(proven.proof).decommitment.hash_witness.empty()) {
        CheckRejected(
            soundness::VerifyChanged<S>(
                proven, [&](auto& p) { layer_of(p).decommitment.hash_witness.pop_back(); }),
            Expected::FriMerkle(layer, MerkleError::kWitnessTooShort));
      }
      CheckRejected(
          soundness::VerifyChanged<S>(
              proven, [&](auto& p) { layer_of(p).decommitment.column_witness.push_back(M31()); }),
          Expected::FriMerkle(layer, MerkleError::kWitnessTooLong));
    }
    // The test profile's last layer is a constant (log_last_layer_degree_bound = 0).
    REQUIRE(pcs.fri_proof.last_layer_poly.size() == 1);
    CheckRejected(soundness::VerifyChanged<S>(
                      proven, [](auto& p) { p.pcs.fri_proof.last_layer_poly.clear(); }),
                  Expected::Fri(FriKind::kLastLayerNotPowerOfTwo, n_inner + 1));
    CheckRejected(soundness::VerifyChanged<S>(
                      proven, [](auto& p) { p.pcs.fri_proof.last_layer_poly.push_back(QM31()); }),
                  Expected::Fri(FriKind::kLastLayerDegreeTooHigh, n_inner + 1));
  }
  SUBCASE("everything empty") {
    CheckRejected(soundness::VerifyChanged<S>(proven,
                                              [](auto& p) {
                                                const air::ProofConfig config = p.config;
                                                p = {};
                                                p.config = config;
                                                p.pcs.config = config.pcs;
                                              }),
                  {Kind::kShapeMismatch});
  }
}

// Both examples read public input 0, and the statement is exactly the inputs the AIR reads.
// Without grinding nothing else would stop such a proof before the composition is evaluated at
// the OODS point, which reads public input 0: the verifier checks the count first.
TEST_CASE_TEMPLATE("a proof with a public input too few or too many", S, SOUNDNESS_CASES) {
  const soundness::Proven<S> no_grind(soundness::NoGrindConfig());
  for (const soundness::Proven<S>* proven : {&soundness::Honest<S>(), &no_grind}) {
    CheckRejected(soundness::VerifyChanged<S>(*proven, [](auto& p) { p.public_inputs.clear(); }),
                  {Kind::kShapeMismatch});
    CheckRejected(soundness::VerifyChanged<S>(
                      *proven, [](auto& p) { p.public_inputs.push_back(p.public_inputs[0]); }),
                  {Kind::kShapeMismatch});
  }
}

TEST_CASE_TEMPLATE("swapped commitments", S, SOUNDNESS_CASES) {
  const auto& proven = soundness::Honest<S>();
  // Trace ↔ interaction root: the wrong root is mixed first as the trace's, before the
  // interaction proof of work.
  CheckRejected(soundness::VerifyChanged<S>(proven,
                                            [](auto& p) {
                                              std::swap(p.pcs.commitments[air::kTraceTree],
                                                        p.pcs.commitments[air::kInteractionTree]);
                                            }),
                {Kind::kInteractionProofOfWork});
  // Interaction ↔ composition root: mixed before the OODS point.
  CheckRejected(soundness::VerifyChanged<S>(proven,
                                            [](auto& p) {
                                              std::swap(p.pcs.commitments[air::kInteractionTree],
                                                        p.pcs.commitments[air::kCompositionTree]);
                                            }),
                {Kind::kOodsMismatch});
  // Two FRI roots (first ↔ inner 0, inner 0 ↔ inner 1): the folding factors and the transcript
  // before the PCS proof of work change.
  REQUIRE(proven.proof.pcs.fri_proof.inner_layers.size() >= 2);
  CheckRejected(soundness::VerifyChanged<S>(proven,
                                            [](auto& p) {
                                              auto& fri = p.pcs.fri_proof;
                                              std::swap(fri.first_layer.commitment,
                                                        fri.inner_layers[0].commitment);
                                            }),
                Expected::Pcs(PcsKind::kProofOfWork));
  CheckRejected(soundness::VerifyChanged<S>(proven,
                                            [](auto& p) {
                                              auto& layers = p.pcs.fri_proof.inner_layers;
                                              std::swap(layers[0].commitment, layers[1].commitment);
                                            }),
                Expected::Pcs(PcsKind::kProofOfWork));
  // Whole FRI layers swapped (roots with their openings): the transcript change again.
  CheckRejected(soundness::VerifyChanged<S>(proven,
                                            [](auto& p) {
                                              auto& layers = p.pcs.fri_proof.inner_layers;
                                              std::swap(layers[0], layers[1]);
                                            }),
                Expected::Pcs(PcsKind::kProofOfWork));
}

}  // namespace
}  // namespace tensorstark
