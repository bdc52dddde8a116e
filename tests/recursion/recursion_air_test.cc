#include "recursion/recursion_air.h"

#include <doctest/doctest.h>

#include <string>
#include <tuple>
#include <vector>

#include "air/profiles.h"
#include "air/prover.h"
#include "air/setup.h"
#include "air/verifier.h"
#include "circle/bit_reverse.h"
#include "hash/blake2s_channel.h"
#include "hash/blake2s_merkle_hasher.h"
#include "recursion/gate_components.h"
#include "recursion/poseidon2_gate_component.h"
#include "recursion/poseidon2_round_gates.h"
#include "recursion/qm31_wire.h"
#include "recursion/verifier_circuit.h"
#include "soundness/soundness_util.h"
#include "test_util.h"

namespace tensorstark::recursion {
namespace {

using field::M31;
using field::QM31;
using Channel = hash::Blake2sChannel;
using Hasher = hash::Blake2sMerkleHasher;
using OuterProof = air::StarkProof<Hasher>;

TEST_CASE("the QM31 product on coordinates is QM31's") {
  testing::Rng rng(5);
  for (int i = 0; i < 100; ++i) {
    const QM31 x = rng.QM31(), y = rng.QM31();
    const std::array<M31, 4> got = QM31ProductOnCoordinates<M31>(x.ToM31Array(), y.ToM31Array());
    CHECK(QM31::FromM31Array(got) == x * y);
  }
}

TEST_CASE("a Poseidon2 gate row ends in the native permutation of its input") {
  testing::Rng rng(11);
  hash::Poseidon2State input;
  for (M31& word : input) word = rng.M31();
  const std::vector<M31> row = Poseidon2GateRow(input);
  REQUIRE(row.size() == kPoseidon2GateColumns);
  hash::Poseidon2State expected = input;
  hash::Poseidon2Permute(expected);
  CHECK(std::equal(expected.begin(), expected.end(), row.end() - expected.size()));
  CHECK(std::equal(input.begin(), input.end(), row.begin()));
}

// The outer proof of a circuit's witness: the recursion AIR proved and verified against the
// circuit's key (by the AIR of its shape, as `verify` with a cached key does), its statement the
// circuit's public inputs. A cheating prover may state other
// public inputs (`stated_change` added to the first) or skip its self-check.
struct Outer {
  std::optional<air::ProvingError> proving_error;
  std::optional<air::VerificationError> verification_error;
  std::vector<M31> statement;
};
RecursionAir AirOf(const Circuit& circuit, Poseidon2Layout layout = Poseidon2Layout::kRow) {
  auto air = RecursionAir::Make(circuit, nullptr, layout);
  if (auto* error = std::get_if<std::string>(&air)) FAIL(*error);
  return std::get<RecursionAir>(std::move(air));
}

Outer ProveAndVerify(const Circuit& circuit, std::span<const QM31> values,
                     M31 stated_change = M31(), bool check_constraints = true,
                     Poseidon2Layout layout = Poseidon2Layout::kRow) {
  const RecursionAir recursion = AirOf(circuit, layout);
  RecursionAir::Witness witness = recursion.GenerateWitness(values);
  if (!witness.public_inputs.empty()) witness.public_inputs[0] += stated_change;
  const air::ProofConfig config = air::ProfileConfig(air::Profile::kTest);
  air::ProveOptions options;
  options.n_public_inputs = recursion.n_public_inputs();
  options.check_constraints = check_constraints;
  auto proof_or_error = air::Prove<Channel, Hasher>(
      config, recursion.components(), std::move(witness.traces), witness.public_inputs, options);
  Outer outer;
  if (auto* error = std::get_if<air::ProvingError>(&proof_or_error)) {
    outer.proving_error = *error;
    return outer;
  }
  const OuterProof& proof = std::get<OuterProof>(proof_or_error);
  outer.statement = proof.public_inputs;
  auto key = air::Setup<Hasher>(recursion.components(), config);
  REQUIRE(std::holds_alternative<air::VerifyingKey<Hasher>>(key));
  // Verified with the AIR a cached verifying key gives (its shape alone, no circuit or data).
  const RecursionAir verifying = RecursionAir::ForVerifying(recursion.shape());
  outer.verification_error = air::Verify<Channel, Hasher>(
      verifying.components(), proof, std::get<air::VerifyingKey<Hasher>>(key), 0,
      air::InstantiatePublicTerms(verifying.PublicTermShapes(), proof.public_inputs),
      verifying.n_public_inputs());
  return outer;
}

TEST_CASE("a Poseidon2 round block ends in the native permutation; io shifts input and output") {
  testing::Rng rng(12);
  hash::Poseidon2State input;
  for (M31& word : input) word = rng.M31();
  std::vector<std::vector<M31>> trace(Poseidon2RoundGates::kTraceColumns,
                                      std::vector<M31>(2 * air::kPoseidon2BlockRows));
  Poseidon2RoundGates::WriteBlock(input, trace, air::kPoseidon2BlockRows);
  hash::Poseidon2State expected = input;
  hash::Poseidon2Permute(expected);
  const size_t last = 2 * air::kPoseidon2BlockRows - 1;
  constexpr size_t kWidth = hash::kPoseidon2Width, kBlock = air::kPoseidon2BlockRows;
  for (size_t i = 0; i < kWidth; ++i) {
    CHECK(trace[kWidth + i][last] == expected[i]);  // row 31's lanes
    CHECK(trace[kWidth + i][kBlock] == input[i]);   // row 0's
    // io's registers on rows 0 and 31 are the input and the output; its lane 0 carries input
    // word t on row t, output word 31 - t on row t >= 16.
    CHECK(trace[i][kBlock] == input[i]);
    CHECK(trace[i][last] == expected[i]);
    CHECK(trace[0][kBlock + i] == input[i]);
    CHECK(trace[0][kBlock + 2 * kWidth - 1 - i] == expected[i]);
  }
  CHECK(trace[kWidth - 1][kBlock + 1] == M31());  // shifted out
  CHECK(trace[0][0] == M31());                    // the block before is untouched
}

TEST_CASE("the recursion AIR proves a circuit of every gate kind; its statement is the circuit's") {
  for (const Poseidon2Layout layout : {Poseidon2Layout::kRow, Poseidon2Layout::kRounds}) {
    CAPTURE(static_cast<int>(layout));
    CircuitBuilder builder(true);
    const Wire p = builder.PublicInput(M31::FromCanonical(7));
    const Wire g = builder.Guess(ValueType::kQM31, QM31::FromU32(1, 2, 3, 4));
    const Wire m = builder.Guess(ValueType::kM31, QM31(M31::FromCanonical(9)));
    const Wire bit = builder.Guess(ValueType::kBit, QM31::One());
    const Wire sum = g + p, difference = m - bit;
    const Wire product = sum * difference * QM31::FromU32(5, 6, 7, 8);
    const Wire inverse = InverseOf(product, "an inverse");
    std::array<Wire, hash::kPoseidon2Width> state;
    for (size_t i = 0; i < state.size(); ++i) {
      state[i] = i == 0 ? p : builder.Guess(ValueType::kM31, QM31(M31::FromCanonical(i)));
    }
    state = builder.Poseidon2(builder.Poseidon2(state));
    builder.AssertEqual(state[3] + m, m + state[3], "addition commutes");
    const Wire one = builder.Constant(QM31::One());
    builder.AssertEqual(product * inverse, one, "again");
    REQUIRE(!builder.failure());

    const Outer outer = ProveAndVerify(builder.circuit(), builder.values(), M31(), true, layout);
    REQUIRE(!outer.proving_error);
    CHECK_MESSAGE(!outer.verification_error, air::ToString(*outer.verification_error));
    CHECK(outer.statement == std::vector<M31>{M31::FromCanonical(7)});

    // A statement other than the circuit's public input: the wire relation's sums do not cancel.
    const Outer lying =
        ProveAndVerify(builder.circuit(), builder.values(), M31::One(), true, layout);
    REQUIRE(lying.verification_error);
    CHECK(lying.verification_error->kind == air::VerificationError::Kind::kClaimedSumsNotZero);

    // A wire value that breaks its gate (a sum's, a difference's, a product's, a constant's, a
    // bit's, a Poseidon2 output's, which the assertion reads): the prover's self-check refuses
    // it, and without the self-check the proof does not verify.
    for (const WireId broken :
         {sum.id(), difference.id(), product.id(), one.id(), bit.id(), state[3].id()}) {
      CAPTURE(broken);
      std::vector<QM31> values(builder.values().begin(), builder.values().end());
      values[broken] += QM31::One();
      CHECK(ProveAndVerify(builder.circuit(), values, M31(), true, layout).proving_error);
      CHECK(ProveAndVerify(builder.circuit(), values, M31(), false, layout).verification_error);
    }
  }
}

TEST_CASE("a round a row: a narrow Poseidon2 component, the same gates") {
  CircuitBuilder builder(true);
  std::array<Wire, hash::kPoseidon2Width> state;
  for (size_t i = 0; i < state.size(); ++i) {
    state[i] = builder.Guess(ValueType::kM31, QM31(M31::FromCanonical(3 * i + 1)));
  }
  for (int k = 0; k < 3; ++k) state = builder.Poseidon2(state);
  builder.AssertEqual(state[0], state[0], "read");
  const RecursionAir wide = AirOf(builder.circuit(), Poseidon2Layout::kRow);
  const RecursionAir narrow = AirOf(builder.circuit(), Poseidon2Layout::kRounds);
  const air::Component& narrow_poseidon2 = *narrow.components().back();
  CHECK(narrow_poseidon2.Info().trace_offsets.size() == 64);
  // Every column is read at offsets 0 and -1 at most: two sample points.
  for (const std::vector<int>& offsets : narrow_poseidon2.Info().trace_offsets) {
    for (const int offset : offsets) CHECK((offset == 0 || offset == -1));
  }
  CHECK(wide.components().back()->Info().trace_offsets.size() == kPoseidon2GateColumns);
  // 3 gates of 32 rows: 2^7 rows.
  CHECK(narrow_poseidon2.log_size() == 7);
  CHECK(narrow.GateRows().back() == 3 * air::kPoseidon2BlockRows);
  CHECK(RecursionAir::Shape::FromWords(narrow.shape().ToWords()) == narrow.shape());

  const air::ProofConfig config = air::ProfileConfig(air::Profile::kTest);
  const uint32_t log_size = narrow_poseidon2.log_size();
  auto position = [&](size_t row) {  // a coset-order row's place in the stored column
    return circle::BitReverseIndex(circle::CosetIndexToCircleDomainIndex(row, log_size), log_size);
  };
  // Input word 3 changed in io all along its way to lane 0 (row t's lane 3 - t, t = 0 … 3) on
  // the second gate, or output word 4 (row t's lane t - 27, t = 27 … 31), the round lanes left
  // alone: the shifts hold, and the prover's row-by-row check names the constraint that ties io
  // to the block's row 0 lane 3, or row 31 lane 4 (the lookup alone would show only unbalanced
  // sums). Constraints: 32 s-box ones, then per lane its transition, first-row and last-row ones.
  struct Change {
    size_t first_row, last_row;  // block rows
    int lane_at_first, lane_step;
    size_t failing_row, constraint;
  };
  for (const Change& change :
       {Change{0, 3, 3, -1, 32, 32 + 3 * 3 + 1}, Change{27, 31, 0, 1, 32 + 31, 32 + 3 * 4 + 2}}) {
    CAPTURE(change.first_row);
    RecursionAir::Witness changed = narrow.GenerateWitness(builder.values());
    for (size_t t = change.first_row; t <= change.last_row; ++t) {
      const size_t lane = change.lane_at_first + change.lane_step * (t - change.first_row);
      changed.traces.back()[lane][position(32 + t)] += M31::One();
    }
    air::ProveOptions checked;
    checked.n_public_inputs = narrow.n_public_inputs();
    auto refused = air::Prove<Channel, Hasher>(
        config, narrow.components(), std::move(changed.traces), changed.public_inputs, checked);
    REQUIRE(std::holds_alternative<air::ProvingError>(refused));
    const auto& failure = std::get<air::ProvingError>(refused).failure;
    REQUIRE(failure);
    CHECK(failure->component == narrow_poseidon2.name());
    CHECK(failure->row == change.failing_row);
    CHECK(failure->constraint == change.constraint);
  }

  // A lane of a round changed in the trace: the round constraints fail, and the proof made
  // without the prover's check does not verify.
  RecursionAir::Witness witness = narrow.GenerateWitness(builder.values());
  witness.traces.back()[hash::kPoseidon2Width + 5][position(32 + 10)] += M31::One();
  air::ProveOptions options;
  options.n_public_inputs = narrow.n_public_inputs();
  options.check_constraints = false;
  auto proof = air::Prove<Channel, Hasher>(config, narrow.components(), std::move(witness.traces),
                                           witness.public_inputs, options);
  REQUIRE(std::holds_alternative<OuterProof>(proof));
  auto key = air::Setup<Hasher>(narrow.components(), config);
  REQUIRE(std::holds_alternative<air::VerifyingKey<Hasher>>(key));
  const auto error = air::Verify<Channel, Hasher>(
      narrow.components(), std::get<OuterProof>(proof), std::get<air::VerifyingKey<Hasher>>(key), 0,
      air::InstantiatePublicTerms(narrow.PublicTermShapes(), {}), 0);
  REQUIRE(error);
  CHECK(error->kind == air::VerificationError::Kind::kOodsMismatch);
}

TEST_CASE("a size class fixes the components' sizes and refuses a circuit larger than it") {
  CircuitBuilder builder(false);
  Wire x = builder.Guess(ValueType::kQM31, QM31());
  for (int i = 0; i < 20; ++i) x = x * x;
  auto sized = RecursionAir::Make(builder.circuit(), &StandardSizeClass());
  REQUIRE(std::holds_alternative<RecursionAir>(sized));
  const std::vector<const air::Component*> components = std::get<RecursionAir>(sized).components();
  // Every kind of component, at the class's size, gates or not.
  REQUIRE(components.size() == kComponentKinds);
  for (size_t k = 0; k < kComponentKinds; ++k) {
    CHECK(components[k]->log_size() == StandardSizeClass().log_rows[k]);
  }
  CHECK(std::get<RecursionAir>(sized).shape().components == StandardSizeClass().Components());
  const SizeClass small = {"small", {4, 4, 4}};
  auto refused = RecursionAir::Make(builder.circuit(), &small);
  REQUIRE(std::holds_alternative<std::string>(refused));
  CHECK(std::get<std::string>(refused) ==
        "the verifier circuit has 20 arithmetic gates, more than the small size class's 2^4 rows");
}

TEST_CASE("a shape stored as words reads back; words no AIR has are refused") {
  CircuitBuilder builder(false);
  const Wire p = builder.PublicInput(M31::FromCanonical(7));
  builder.AssertEqual(p * p, builder.Guess(ValueType::kM31, QM31()), "square");
  const RecursionAir::Shape shape = AirOf(builder.circuit()).shape();
  const std::vector<uint32_t> words = shape.ToWords();
  CHECK(RecursionAir::Shape::FromWords(words) == shape);
  // words: layout, component count, (kind, log size) each, public input count, (wire, reads) each.
  REQUIRE(shape.components.size() == 2);  // values (guesses, assertions), arithmetic
  REQUIRE(shape.public_inputs.size() == 1);
  auto refused = [&](auto&& change) {
    std::vector<uint32_t> changed = words;
    change(changed);
    return !RecursionAir::Shape::FromWords(changed);
  };
  const size_t wire = 3 + 2 * shape.components.size();
  CHECK(refused([](auto& w) { w[0] = 2; }));            // no such layout
  CHECK(refused([](auto& w) { w.erase(w.begin()); }));  // words from before the layout
  CHECK(refused([](auto& w) { w[2] = kComponentKinds; }));  // no such kind
  CHECK(refused([](auto& w) { w[2] = 256; }));              // wraps to a valid kind as a uint8_t
  CHECK(refused([](auto& w) { w[4] = w[2]; }));  // kinds out of order (repeated)
  CHECK(refused([](auto& w) { w[3] = air::kMaxComponentLogSize + 1; }));
  CHECK(refused([](auto& w) { w[3] = air::kMinComponentLogSize - 1; }));
  CHECK(refused([&](auto& w) { w[wire] = field::kP; }));
  CHECK(refused([&](auto& w) { w[wire + 1] = field::kP; }));
  CHECK(refused([](auto& w) { w.push_back(0); }));
  CHECK(refused([](auto& w) { w.pop_back(); }));
  CHECK(refused([](auto& w) { w[1] = 1u << 31; }));  // more components than words
  // The round layout's Poseidon2 component has a block of rows at least.
  const std::vector<uint32_t> narrow = {1, 1, static_cast<uint32_t>(ComponentKind::kPoseidon2), 4,
                                        0};
  CHECK(!RecursionAir::Shape::FromWords(narrow));
  const std::vector<uint32_t> narrow_block = {
      1, 1, static_cast<uint32_t>(ComponentKind::kPoseidon2), 5, 0};
  CHECK(RecursionAir::Shape::FromWords(narrow_block));
}

TEST_CASE("a witness that fails an assertion does not verify") {
  CircuitBuilder builder(true);
  const Wire a = builder.Guess(ValueType::kM31, QM31(M31::FromCanonical(3)));
  const Wire b = builder.Guess(ValueType::kM31, QM31(M31::FromCanonical(4)));
  builder.AssertEqual(a * b, builder.Constant(QM31(M31::FromCanonical(13))), "3 · 4 = 13");
  REQUIRE(builder.failure());
  const Outer outer = ProveAndVerify(builder.circuit(), builder.values());
  REQUIRE(outer.verification_error);
  CHECK(outer.verification_error->kind == air::VerificationError::Kind::kClaimedSumsNotZero);
}

TEST_CASE("the outer proof of an inner proof: the verifier circuit of wide Fibonacci, proved") {
  soundness::Air inner_air = soundness::WideFibAir();
  const air::ProofConfig config = air::ProfileConfig(air::Profile::kRecursive);
  const InnerProof inner = soundness::ProveOrFail<soundness::Poseidon2M31>(
      config, inner_air.Pointers(), inner_air.traces, inner_air.public_inputs);
  const auto vk = soundness::KeyFor<soundness::Poseidon2M31>(inner_air.Pointers(), config);
  auto made = InnerAir::Make(inner_air.Pointers(), config, vk.preprocessed_root,
                             inner_air.public_inputs.size(), {});
  REQUIRE(std::holds_alternative<InnerAir>(made));
  const InnerAir& key = std::get<InnerAir>(made);
  InnerOpened opened;
  REQUIRE(!key.VerifyNatively(inner, &opened));
  CircuitBuilder builder(true);
  const InnerWitness witness{&inner, &opened};
  VerifyInCircuit(builder, key, &witness);
  REQUIRE(!builder.failure());

  for (const Poseidon2Layout layout : {Poseidon2Layout::kRow, Poseidon2Layout::kRounds}) {
    const Outer outer = ProveAndVerify(builder.circuit(), builder.values(), M31(), true, layout);
    REQUIRE(!outer.proving_error);
    CHECK_MESSAGE(!outer.verification_error, air::ToString(*outer.verification_error));
    CHECK(outer.statement == inner.public_inputs);
  }
}

}  // namespace
}  // namespace tensorstark::recursion
