// A prover that commits a trace violating the AIR, or claims LogUp sums that are not the trace's
// (protocol reference §8.3, §9.4). Prove with check_constraints = false gives the proof such a
// prover would send; the verifier, with the honest components, must reject it. Also the prover's
// own self-check, which names the failing constraint and row.
#include <doctest/doctest.h>

#include "soundness_util.h"

namespace tensorstark {
namespace {

using field::M31;
using field::QM31;
using soundness::Air;
using soundness::CheckRejected;
using soundness::Kind;
using soundness::StoragePosition;

template <class Hash>
using WideFibCase = soundness::Case<soundness::WideFibExample, Hash>;
template <class Hash>
using RangeCheckCase = soundness::Case<soundness::RangeCheckExample, Hash>;

#define SOUNDNESS_HASHES soundness::Blake2s, soundness::Poseidon252

constexpr size_t kTamperedRow = 37;  // coset order

// ---------------------------------------------------------------------------------------------
// Wide Fibonacci: one changed cell.

TEST_CASE_TEMPLATE("wide-fib: a changed trace cell", Hash, SOUNDNESS_HASHES) {
  using S = WideFibCase<Hash>;
  const air::ProofConfig config = soundness::TamperConfig();
  const Air air = soundness::WideFibAir();
  std::vector<soundness::Trace> traces = air.traces;
  traces[0][5][StoragePosition(kTamperedRow, soundness::kLogRows)] += M31::One();

  SUBCASE("the prover's self-check names the constraint and row") {
    auto result = soundness::ProveAir<S>(config, air.Pointers(), traces, air.public_inputs);
    REQUIRE(std::holds_alternative<air::ProvingError>(result));
    const air::ProvingError& error = std::get<air::ProvingError>(result);
    CHECK(error.kind == air::ProvingError::Kind::kConstraintsNotSatisfied);
    REQUIRE(error.failure.has_value());
    CHECK(error.failure->component == "wide_fib");
    // c_5 breaks c_5 = c_3² + c_4² (constraint 4, after c_0 = a and those of c_2 … c_4), and
    // c_6, c_7, whose constraints read c_5, in the same row; the first is reported.
    CHECK(error.failure->constraint == 4);
    CHECK(error.failure->row == kTamperedRow);
    CHECK(error.failure->expression.find("trace_5[0]") != std::string::npos);
  }
  SUBCASE("the verifier rejects the proof at the OODS point") {
    // The quotient by the trace domain's vanishing polynomial is not a polynomial; the committed
    // composition is the low-degree interpolant of its values on the evaluation domain, which
    // disagrees with the constraints at a random point.
    const auto proof = soundness::ProveOrFail<S>(config, air.Pointers(), traces, air.public_inputs,
                                                 /*check_constraints=*/false);
    const auto key = soundness::KeyFor<S>(air.Pointers(), config);
    CheckRejected(air::Verify<typename S::C, typename S::H>(air.Pointers(), proof, key, 0),
                  {Kind::kOodsMismatch});
  }
}

TEST_CASE_TEMPLATE("wide-fib: a different public input than the trace's", Hash, SOUNDNESS_HASHES) {
  using S = WideFibCase<Hash>;
  const air::ProofConfig config = soundness::TamperConfig();
  const Air air = soundness::WideFibAir();
  const std::vector<M31> claimed = {air.public_inputs[0] + M31::One()};
  // Proved consistently with the claimed statement (the transcript is right), only the
  // constraint c_0 = public_input_0 fails, on every row.
  auto result = soundness::ProveAir<S>(config, air.Pointers(), air.traces, claimed);
  REQUIRE(std::holds_alternative<air::ProvingError>(result));
  const air::ProvingError& error = std::get<air::ProvingError>(result);
  REQUIRE(error.failure.has_value());
  CHECK(error.failure->constraint == 0);
  const auto proof = soundness::ProveOrFail<S>(config, air.Pointers(), air.traces, claimed,
                                               /*check_constraints=*/false);
  const auto key = soundness::KeyFor<S>(air.Pointers(), config);
  CheckRejected(air::Verify<typename S::C, typename S::H>(air.Pointers(), proof, key, 0),
                {Kind::kOodsMismatch});
}

TEST_CASE_TEMPLATE("wide-fib: a nonzero claimed sum without relations", Hash, SOUNDNESS_HASHES) {
  using S = WideFibCase<Hash>;
  const auto& proven = soundness::Honest<S>();
  // Checked before the sums are mixed: a component without a LogUp column must not contribute.
  CheckRejected(soundness::VerifyChanged<S>(
                    proven, [](auto& p) { p.claimed_sums[0] = QM31(M31::One(), {}, {}, {}); }),
                {Kind::kClaimedSumsNotZero});
}

// ---------------------------------------------------------------------------------------------
// Range check: a value outside the table. What can the prover do about the LogUp sums?

constexpr uint32_t kOutOfRange = 40;  // ∉ [0, 2^kLogRange)

// The range-check traces with value column 1 at kTamperedRow replaced by `value`. With
// move_multiplicity, the table's multiplicities are recounted (the old value's decremented, the
// new value's incremented if the table has it), so that every LogUp term but the new value's own
// cancels as before.
std::vector<soundness::Trace> Replaced(const Air& air, uint32_t value, bool move_multiplicity) {
  std::vector<soundness::Trace> traces = air.traces;
  M31& cell = traces[0][1][StoragePosition(kTamperedRow, soundness::kLogRows)];
  const uint32_t old_value = cell.value();
  cell = M31::FromCanonical(value);
  if (move_multiplicity) {
    std::vector<M31>& multiplicities = traces[1][0];
    multiplicities[StoragePosition(old_value, soundness::kLogRange)] -= M31::One();
    if (value < (1u << soundness::kLogRange)) {
      multiplicities[StoragePosition(value, soundness::kLogRange)] += M31::One();
    }
  }
  return traces;
}

TEST_CASE_TEMPLATE("range-check: a value out of range", Hash, SOUNDNESS_HASHES) {
  using S = RangeCheckCase<Hash>;
  using C = typename S::C;
  using H = typename S::H;
  const air::ProofConfig config = soundness::TamperConfig();
  const Air air = soundness::RangeCheckAir();
  const std::vector<const air::Component*> honest = air.Pointers();
  const auto key = soundness::KeyFor<S>(honest, config);

  SUBCASE("LogUp computed from the committed trace: the sums do not cancel") {
    // The best an honest computation can do: with the multiplicities recounted, every term
    // cancels except 1/(z - 40), which no table row can match. The LogUp columns are consistent
    // with the trace, so the prover's self-check (the constraints) passes: only the verifier's
    // sum check sees the lookup fail.
    const auto proof = soundness::ProveOrFail<S>(config, honest, Replaced(air, kOutOfRange, true),
                                                 air.public_inputs, /*check_constraints=*/true);
    CHECK(proof.claimed_sums[0] + proof.claimed_sums[1] != QM31());
    CheckRejected(air::Verify<C, H>(honest, proof, key, 0), {Kind::kClaimedSumsNotZero});
    // Control: the same edit with an in-range value verifies.
    const uint32_t in_range = 3;
    const auto control =
        soundness::ProveOrFail<S>(config, honest, Replaced(air, in_range, true), air.public_inputs);
    CHECK(!air::Verify<C, H>(honest, control, key, 0));
  }
  SUBCASE("LogUp computed from the honest values: the sums cancel, the constraints do not") {
    // A cheater who wants cancelling sums computes the interaction trace as if the value were
    // still in range (and keeps the multiplicities), but commits the out-of-range one. The LogUp
    // constraint of that row now mixes the committed 40 with the fraction of the old value: it
    // fails there, and the composition, interpolated from its values on the evaluation domain,
    // disagrees with the constraints at the OODS point.
    soundness::CheatingLogup cheating_values(*air.components[0], air.traces[0], QM31());
    const std::vector<const air::Component*> cheating = {&cheating_values, air.components[1].get()};
    const std::vector<soundness::Trace> traces = Replaced(air, kOutOfRange, false);
    auto self_checked = soundness::ProveAir<S>(config, cheating, traces, air.public_inputs);
    REQUIRE(std::holds_alternative<air::ProvingError>(self_checked));
    const air::ProvingError& error = std::get<air::ProvingError>(self_checked);
    CHECK(error.kind == air::ProvingError::Kind::kConstraintsNotSatisfied);
    REQUIRE(error.failure.has_value());
    CHECK(error.failure->component == "range_checked_values");
    CHECK(error.failure->row == kTamperedRow);

    const auto proof = soundness::ProveOrFail<S>(config, cheating, traces, air.public_inputs,
                                                 /*check_constraints=*/false);
    CHECK(proof.claimed_sums[0] + proof.claimed_sums[1] == QM31());
    CheckRejected(air::Verify<C, H>(honest, proof, key, 0), {Kind::kOodsMismatch});
  }
  SUBCASE("LogUp columns from the committed trace, claimed sum made to cancel") {
    // The other lie: columns computed from the committed trace, but the values component reports
    // the sum that cancels the table's. Its LogUp constraint subtracts claimed_sum / 2^n on
    // every row, so it now fails on every row.
    const std::vector<soundness::Trace> traces = Replaced(air, kOutOfRange, true);
    const auto honest_sums = soundness::ProveOrFail<S>(config, honest, traces, air.public_inputs);
    const QM31 imbalance = honest_sums.claimed_sums[0] + honest_sums.claimed_sums[1];
    soundness::CheatingLogup cheating_values(*air.components[0], {}, -imbalance);
    const std::vector<const air::Component*> cheating = {&cheating_values, air.components[1].get()};
    const auto proof = soundness::ProveOrFail<S>(config, cheating, traces, air.public_inputs,
                                                 /*check_constraints=*/false);
    CHECK(proof.claimed_sums[0] + proof.claimed_sums[1] == QM31());
    CheckRejected(air::Verify<C, H>(honest, proof, key, 0), {Kind::kOodsMismatch});
  }
}

TEST_CASE_TEMPLATE("range-check: wrong claimed sums", Hash, SOUNDNESS_HASHES) {
  using S = RangeCheckCase<Hash>;
  using C = typename S::C;
  using H = typename S::H;
  const QM31 delta(M31::FromCanonical(5), M31::FromCanonical(6), M31::FromCanonical(7),
                   M31::FromCanonical(8));
  const auto& proven = soundness::Honest<S>();

  SUBCASE("changed in the proof") {
    // +δ and -δ: the total still cancels, but the sums are mixed into the channel (and enter the
    // LogUp constraints), so the OODS identity fails.
    CheckRejected(soundness::VerifyChanged<S>(proven,
                                              [&](auto& p) {
                                                p.claimed_sums[0] += delta;
                                                p.claimed_sums[1] -= delta;
                                              }),
                  {Kind::kOodsMismatch});
    // One changed: the total is δ.
    CheckRejected(soundness::VerifyChanged<S>(proven, [&](auto& p) { p.claimed_sums[1] += delta; }),
                  {Kind::kClaimedSumsNotZero});
  }
  SUBCASE("proved consistently by a lying prover") {
    // The transcript is right (the prover mixed the lied sums), so only the constraints catch it:
    // each component's LogUp constraint uses its claimed sum.
    const air::ProofConfig config = soundness::TamperConfig();
    const Air& air = proven.air;
    soundness::CheatingLogup values(*air.components[0], {}, delta);
    soundness::CheatingLogup table(*air.components[1], {}, -delta);
    const auto proof = soundness::ProveOrFail<S>(config, {&values, &table}, air.traces,
                                                 air.public_inputs, /*check_constraints=*/false);
    CheckRejected(air::Verify<C, H>(air.Pointers(), proof, proven.key, 0), {Kind::kOodsMismatch});
    const auto one_sided = soundness::ProveOrFail<S>(config, {&values, air.components[1].get()},
                                                     air.traces, air.public_inputs,
                                                     /*check_constraints=*/false);
    CheckRejected(air::Verify<C, H>(air.Pointers(), one_sided, proven.key, 0),
                  {Kind::kClaimedSumsNotZero});
  }
}

}  // namespace
}  // namespace tensorstark
