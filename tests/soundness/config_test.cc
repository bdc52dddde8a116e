// A proof that claims a weaker or different configuration than it was made with (protocol
// reference §8.3, §10). The verifier checks the claimed security level before anything else;
// when the level is acceptable, the configuration is still part of the statement mixed into the
// channel, so a proof made under one configuration does not verify under another.
#include <doctest/doctest.h>

#include "soundness_util.h"

namespace tensorstark {
namespace {

using soundness::CheckRejected;
using soundness::Kind;

// Sets the configuration in both places a proof struct carries it (the byte format writes it
// once).
template <class Proof>
void SetConfig(Proof& proof, const fri::PcsConfig& pcs) {
  proof.config.pcs = pcs;
  proof.pcs.config = pcs;
}

TEST_CASE_TEMPLATE("a downgraded configuration", S, SOUNDNESS_CASES) {
  const auto& proven = soundness::Honest<S>();
  const fri::PcsConfig honest = proven.config.pcs;
  const uint32_t honest_bits = proven.config.SecurityBits();  // 12 + 1·3
  REQUIRE(honest_bits == 15);
  CHECK(!proven.Verify(proven.proof, honest_bits));

  fri::PcsConfig fewer_queries = honest;
  fewer_queries.fri.n_queries = 2;
  fri::PcsConfig less_grinding = honest;
  less_grinding.pow_bits = 11;
  fri::PcsConfig larger_blowup_fewer_queries = honest;  // 12 + 2·1
  larger_blowup_fewer_queries.fri.log_blowup_factor = 2;
  larger_blowup_fewer_queries.fri.n_queries = 1;
  for (const fri::PcsConfig& weaker : {fewer_queries, less_grinding, larger_blowup_fewer_queries}) {
    CAPTURE(weaker.SecurityBits());
    REQUIRE(weaker.SecurityBits() < honest_bits);
    // Below the verifier's minimum: rejected before the proof is looked at.
    CheckRejected(soundness::VerifyChanged<S>(
                      proven, [&](auto& p) { SetConfig(p, weaker); }, honest_bits),
                  {Kind::kInsufficientSecurity});
    // Minimum met: the configuration is the first thing mixed, so every challenge differs from
    // the prover's, starting with the interaction proof of work's.
    CheckRejected(soundness::VerifyChanged<S>(
                      proven, [&](auto& p) { SetConfig(p, weaker); }, 0),
                  {Kind::kInteractionProofOfWork});
  }
}

TEST_CASE_TEMPLATE("a different configuration above the minimum", S, SOUNDNESS_CASES) {
  const auto& proven = soundness::Honest<S>();
  const uint32_t honest_bits = proven.config.SecurityBits();
  // As many bits as the proof was made with, or more: the security check passes, the transcript
  // does not.
  fri::PcsConfig larger_blowup = proven.config.pcs;
  larger_blowup.fri.log_blowup_factor = 2;
  fri::PcsConfig more_queries = proven.config.pcs;
  more_queries.fri.n_queries = 4;
  fri::PcsConfig other_fold = proven.config.pcs;
  other_fold.fri.fold_step = 1;
  for (const fri::PcsConfig& other : {larger_blowup, more_queries, other_fold}) {
    REQUIRE(other.SecurityBits() >= honest_bits);
    CheckRejected(soundness::VerifyChanged<S>(
                      proven, [&](auto& p) { SetConfig(p, other); }, honest_bits),
                  {Kind::kInteractionProofOfWork});
  }
  // The interaction proof of work is not counted in SecurityBits (it guards the LogUp
  // challenges, whose soundness is counted separately), so lowering it passes the security
  // check. It is still mixed: with 0 bits its check passes trivially, and the changed lookup
  // elements and OODS point fail the composition identity.
  CheckRejected(soundness::VerifyChanged<S>(
                    proven, [](auto& p) { p.config.interaction_pow_bits = 0; }, honest_bits),
                {Kind::kOodsMismatch});
}

TEST_CASE_TEMPLATE("inconsistent or invalid configurations in a proof struct", S, SOUNDNESS_CASES) {
  const auto& proven = soundness::Honest<S>();
  // The byte format carries the configuration once; a struct whose two copies differ is a shape
  // error, whichever copy was changed.
  CheckRejected(soundness::VerifyChanged<S>(proven, [](auto& p) { p.pcs.config.pow_bits = 13; }),
                {Kind::kShapeMismatch});
  CheckRejected(
      soundness::VerifyChanged<S>(proven, [](auto& p) { p.config.pcs.fri.n_queries = 4; }),
      {Kind::kShapeMismatch});
  // Out of ValidateConfig's ranges (which ParseProof enforces on bytes): an invalid AIR setting.
  fri::PcsConfig zero_queries = proven.config.pcs;
  zero_queries.fri.n_queries = 0;
  fri::PcsConfig huge_fold = proven.config.pcs;
  huge_fold.fri.fold_step = 9;
  huge_fold.fri.n_queries = 100;
  fri::PcsConfig huge_blowup = proven.config.pcs;
  huge_blowup.fri.log_blowup_factor = 30;
  for (const fri::PcsConfig& invalid : {zero_queries, huge_fold, huge_blowup}) {
    CheckRejected(soundness::VerifyChanged<S>(proven, [&](auto& p) { SetConfig(p, invalid); }),
                  {Kind::kInvalidAir});
  }
  CheckRejected(
      soundness::VerifyChanged<S>(proven, [](auto& p) { p.config.interaction_pow_bits = 41; }),
      {Kind::kInvalidAir});
}

}  // namespace
}  // namespace tensorstark
