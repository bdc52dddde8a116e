// One flipped bit in each section of an honest proof (protocol reference §8.3, §8.5): every
// flip is rejected, with the error of the first check the flip reaches. Two mechanisms:
//   - a value that is only checked (a Merkle witness, a queried value, a sampled value, a nonce)
//     fails the check that reads it;
//   - a value mixed into the channel (a root, the last layer, a nonce) changes every challenge
//     drawn after it, so the next check against a challenge fails: the grinding of the next proof
//     of work (TamperConfig grinds 12 bits for both), or, without grinding, the OODS identity or
//     the query positions the decommitments were made for.
#include <doctest/doctest.h>

#include "soundness_util.h"

namespace tensorstark {
namespace {

using soundness::CheckRejected;
using soundness::Expected;
using soundness::FlipBit;
using soundness::Kind;
using soundness::MerkleError;
using soundness::PcsKind;

TEST_CASE_TEMPLATE("the honest proof verifies", S, SOUNDNESS_CASES) {
  // At the configuration the tampering tests use, the plain test profile and without grinding.
  const soundness::Proven<S> test_profile(air::ProfileConfig(air::Profile::kTest));
  const soundness::Proven<S> no_grind(soundness::NoGrindConfig());
  for (const soundness::Proven<S>* proven : {&soundness::Honest<S>(), &test_profile, &no_grind}) {
    const auto error = proven->Verify(proven->proof);
    CHECK_MESSAGE(!error, (error ? air::ToString(*error) : ""));
  }
}

TEST_CASE_TEMPLATE("a flipped commitment is rejected", S, SOUNDNESS_CASES) {
  using Proof = air::StarkProof<typename S::H>;
  const auto& proven = soundness::Honest<S>();
  // Tree 0 is compared with the verifying key before anything is mixed.
  CheckRejected(soundness::VerifyFlipped<S>(
                    proven, [](Proof& p) { FlipBit(p.pcs.commitments[air::kPreprocessedTree]); }),
                {Kind::kPreprocessedRootMismatch});
  // The main trace's root is mixed right before the interaction proof of work.
  CheckRejected(soundness::VerifyFlipped<S>(
                    proven, [](Proof& p) { FlipBit(p.pcs.commitments[air::kTraceTree]); }),
                {Kind::kInteractionProofOfWork});
  // The interaction and composition roots are mixed before the composition coefficient and the
  // OODS point: the sampled values no longer satisfy the identity at the new point.
  for (size_t tree : {air::kInteractionTree, air::kCompositionTree}) {
    CAPTURE(tree);
    CheckRejected(
        soundness::VerifyFlipped<S>(proven, [&](Proof& p) { FlipBit(p.pcs.commitments[tree]); }),
        {Kind::kOodsMismatch});
  }
}

TEST_CASE_TEMPLATE("a flipped sampled value is rejected", S, SOUNDNESS_CASES) {
  using Proof = air::StarkProof<typename S::H>;
  const auto& proven = soundness::Honest<S>();
  // Every sampled value enters the composition at the OODS point: the first and last column of
  // each tree, at every sample point (the interaction tree has two: rows r - 1 and r).
  const auto& sampled = proven.proof.pcs.sampled_values;
  size_t n_checked = 0;
  for (size_t tree = 0; tree < sampled.size(); ++tree) {
    if (sampled[tree].empty()) continue;  // wide-fib has no preprocessed or interaction columns
    for (size_t column : {size_t{0}, sampled[tree].size() - 1}) {
      for (size_t sample = 0; sample < sampled[tree][column].size(); ++sample) {
        CAPTURE(tree);
        CAPTURE(column);
        CAPTURE(sample);
        CheckRejected(
            soundness::VerifyFlipped<S>(
                proven, [&](Proof& p) { FlipBit(p.pcs.sampled_values[tree][column][sample]); }),
            {Kind::kOodsMismatch});
        ++n_checked;
      }
    }
  }
  CHECK(n_checked >= 4);
}

TEST_CASE_TEMPLATE("a flipped PCS decommitment or queried value is rejected", S, SOUNDNESS_CASES) {
  using Proof = air::StarkProof<typename S::H>;
  const auto& proven = soundness::Honest<S>();
  const auto& pcs = proven.proof.pcs;
  for (size_t tree = 0; tree < pcs.decommitments.size(); ++tree) {
    CAPTURE(tree);
    // Every opened value and witness hash feeds the path to the root.
    const Expected root_mismatch = Expected::Merkle(tree, MerkleError::kRootMismatch);
    const auto& decommitment = pcs.decommitments[tree];
    if (!decommitment.hash_witness.empty()) {
      for (size_t i : {size_t{0}, decommitment.hash_witness.size() - 1}) {
        CheckRejected(
            soundness::VerifyFlipped<S>(
                proven, [&](Proof& p) { FlipBit(p.pcs.decommitments[tree].hash_witness[i]); }),
            root_mismatch);
      }
    }
    // The PCS queries every column size of a tree at the folded positions, so every node the
    // decommitment opens is queried and no column values travel as witness (truncation_test.cc
    // checks that a surplus one is refused).
    CHECK(decommitment.column_witness.empty());
    if (!pcs.queried_values[tree].empty()) {
      for (size_t i : {size_t{0}, pcs.queried_values[tree].size() - 1}) {
        CheckRejected(soundness::VerifyFlipped<S>(
                          proven, [&](Proof& p) { FlipBit(p.pcs.queried_values[tree][i]); }),
                      root_mismatch);
      }
    }
  }
}

TEST_CASE_TEMPLATE("a flipped FRI layer is rejected", S, SOUNDNESS_CASES) {
  using Proof = air::StarkProof<typename S::H>;
  using Layer = fri::FriLayerProof<typename S::H>;
  const auto& proven = soundness::Honest<S>();
  const auto& fri_proof = proven.proof.pcs.fri_proof;
  REQUIRE(fri_proof.inner_layers.size() >= 2);
  // Layer 0 is the first (circle) layer, 1 … n the inner layers.
  auto layer_of = [](Proof& p, size_t layer) -> Layer& {
    return layer == 0 ? p.pcs.fri_proof.first_layer : p.pcs.fri_proof.inner_layers[layer - 1];
  };
  for (size_t layer = 0; layer <= fri_proof.inner_layers.size(); ++layer) {
    CAPTURE(layer);
    const Layer& honest = layer == 0 ? fri_proof.first_layer : fri_proof.inner_layers[layer - 1];
    // The witness values are leaf values of the layer's tree, next to the folded ones.
    const Expected root_mismatch = Expected::FriMerkle(layer, MerkleError::kRootMismatch);
    REQUIRE(!honest.fri_witness.empty());
    CheckRejected(soundness::VerifyFlipped<S>(
                      proven, [&](Proof& p) { FlipBit(layer_of(p, layer).fri_witness.back()); }),
                  root_mismatch);
    // The last inner layer's tree is small enough for the queries to open all of it.
    if (!honest.decommitment.hash_witness.empty()) {
      CheckRejected(
          soundness::VerifyFlipped<S>(
              proven,
              [&](Proof& p) { FlipBit(layer_of(p, layer).decommitment.hash_witness.front()); }),
          root_mismatch);
    }
    // FRI layers have uniform columns, so they never need a column witness.
    CHECK(honest.decommitment.column_witness.empty());
    // The root is mixed before the next folding factor and, in the end, the PCS proof of work.
    CheckRejected(soundness::VerifyFlipped<S>(
                      proven, [&](Proof& p) { FlipBit(layer_of(p, layer).commitment); }),
                  Expected::Pcs(PcsKind::kProofOfWork));
  }
  // The last layer's coefficients are mixed right before the PCS proof of work too.
  REQUIRE(!fri_proof.last_layer_poly.empty());
  CheckRejected(soundness::VerifyFlipped<S>(
                    proven, [](Proof& p) { FlipBit(p.pcs.fri_proof.last_layer_poly[0]); }),
                Expected::Pcs(PcsKind::kProofOfWork));
}

TEST_CASE_TEMPLATE("a flipped nonce is rejected by its proof of work", S, SOUNDNESS_CASES) {
  using Proof = air::StarkProof<typename S::H>;
  const auto& proven = soundness::Honest<S>();
  CheckRejected(soundness::VerifyFlipped<S>(proven, [](Proof& p) { FlipBit(p.pcs.proof_of_work); }),
                Expected::Pcs(PcsKind::kProofOfWork));
  CheckRejected(
      soundness::VerifyFlipped<S>(proven, [](Proof& p) { FlipBit(p.interaction_pow_nonce); }),
      {Kind::kInteractionProofOfWork});
  // The public input is mixed first of all, so the interaction grinding fails before the
  // changed value could reach a constraint.
  CheckRejected(soundness::VerifyFlipped<S>(proven, [](Proof& p) { FlipBit(p.public_inputs[0]); }),
                {Kind::kInteractionProofOfWork});
}

// Without grinding, a nonce is just another transcript value: any value passes its 0-bit check
// and the change shows up in the challenges drawn after it.
TEST_CASE_TEMPLATE("without grinding a flipped nonce changes the challenges", S, SOUNDNESS_CASES) {
  using Proof = air::StarkProof<typename S::H>;
  const soundness::Proven<S> proven(soundness::NoGrindConfig());
  const auto& pcs = proven.proof.pcs;
  // Other query positions: the first tree with columns no longer opens to its root, since its
  // witness was made for other paths (it runs short or long, or hashes to another root). Wide-fib's
  // tree 0 is empty and opens at any positions.
  size_t first_tree = 0;
  while (pcs.queried_values[first_tree].empty()) ++first_tree;
  const auto error =
      soundness::VerifyFlipped<S>(proven, [](Proof& p) { FlipBit(p.pcs.proof_of_work); });
  CheckRejected(error, Expected::Pcs(PcsKind::kMerkle));
  CHECK(error->pcs->tree == first_tree);
  // Another OODS point (and other lookup elements, if any).
  CheckRejected(
      soundness::VerifyFlipped<S>(proven, [](Proof& p) { FlipBit(p.interaction_pow_nonce); }),
      {Kind::kOodsMismatch});
  // A public input is both mixed and read by a constraint; either way the identity fails.
  CheckRejected(soundness::VerifyFlipped<S>(proven, [](Proof& p) { FlipBit(p.public_inputs[0]); }),
                {Kind::kOodsMismatch});
  // A FRI root: other queries, as for the nonce.
  const auto fri_error = soundness::VerifyFlipped<S>(
      proven, [](Proof& p) { FlipBit(p.pcs.fri_proof.first_layer.commitment); });
  CheckRejected(fri_error, Expected::Pcs(PcsKind::kMerkle));
  CHECK(fri_error->pcs->tree == first_tree);
}

// One bit of every byte of the serialized proof, one byte at a time (the bit rotating with the
// position): the bytes either fail to parse or the parsed proof is rejected. Nothing is accepted
// and nothing crashes, whichever field the byte belongs to.
TEST_CASE_TEMPLATE("a flipped bit in any byte is rejected", S, SOUNDNESS_CASES) {
  const auto& proven = soundness::Honest<S>();
  const std::vector<uint8_t> honest = air::SerializeProof(proven.proof);
  size_t n_parsed = 0, n_unparsed = 0;
  for (size_t i = 0; i < honest.size(); ++i) {
    std::vector<uint8_t> bytes = honest;
    bytes[i] ^= static_cast<uint8_t>(1u << (i % 8));
    auto parsed = air::ParseProof<typename S::H>(bytes);
    if (!std::holds_alternative<air::StarkProof<typename S::H>>(parsed)) {
      ++n_unparsed;
      continue;
    }
    ++n_parsed;
    CAPTURE(i);
    CHECK(proven.Verify(std::get<air::StarkProof<typename S::H>>(parsed)).has_value());
  }
  MESSAGE(n_parsed << " flips parsed and were rejected, " << n_unparsed << " did not parse");
  CHECK(n_parsed > 0);
}

}  // namespace
}  // namespace tensorstark
