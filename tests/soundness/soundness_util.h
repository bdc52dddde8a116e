// Shared pieces of the soundness tests: the two example AIRs at small sizes, their honest proofs
// over both hashes, a cheating prover's component (LogUp columns or claimed sums that lie), one-bit
// flips of proof fields that are checked to be one-bit flips of the serialized proof, and the
// typed rejection each test expects from Verify (protocol reference §8.3).
#pragma once

#include <doctest/doctest.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "air/component.h"
#include "air/errors.h"
#include "air/profiles.h"
#include "air/proof.h"
#include "air/proof_io.h"
#include "air/prover.h"
#include "air/setup.h"
#include "air/verifier.h"
#include "circle/bit_reverse.h"
#include "examples/range_check/range_check.h"
#include "examples/wide_fib/wide_fib.h"
#include "field/felt252.h"
#include "hash/blake2s_channel.h"
#include "hash/blake2s_merkle_hasher.h"
#include "hash/poseidon252_channel.h"
#include "hash/poseidon252_merkle_hasher.h"
#include "hash_families.h"

namespace tensorstark::soundness {

using air::Component;
using air::ProofConfig;
using air::StarkProof;
using air::VerificationError;
using field::M31;
using field::QM31;
using Kind = VerificationError::Kind;
using PcsKind = fri::PcsError::Kind;
using FriKind = fri::FriError::Kind;
using hash::MerkleError;

using Trace = std::vector<std::vector<M31>>;

// ---------------------------------------------------------------------------------------------
// Hashes and example AIRs.

using testing::Blake2s;
using testing::Poseidon252;
using testing::Poseidon2M31;

// An AIR with its trace and statement: what Prove takes.
struct Air {
  std::vector<std::unique_ptr<Component>> components;
  std::vector<Trace> traces;  // per component
  std::vector<M31> public_inputs;

  std::vector<const Component*> Pointers() const {
    std::vector<const Component*> pointers;
    for (const auto& component : components) pointers.push_back(component.get());
    return pointers;
  }
};

inline constexpr uint32_t kLogRows = 6;
inline constexpr uint32_t kWideFibColumns = 8;
inline constexpr uint32_t kRangeCheckColumns = 3;
inline constexpr uint32_t kLogRange = 5;

// Storage position (bit-reversed circle-domain order) of coset-order row `row`.
inline size_t StoragePosition(size_t row, uint32_t log_size) {
  return circle::BitReverseIndex(circle::CosetIndexToCircleDomainIndex(row, log_size), log_size);
}

inline Air WideFibAir() {
  examples::WideFibInstance instance = examples::MakeWideFib(kLogRows, kWideFibColumns);
  Air air;
  air.components.push_back(
      std::make_unique<air::FrameworkComponent<examples::WideFib>>(std::move(instance.component)));
  air.traces.push_back(std::move(instance.trace));
  air.public_inputs = std::move(instance.public_inputs);
  return air;
}

// Component 0 checks 3 columns of 2^6 values against component 1, the table 0 … 31.
inline Air RangeCheckAir() {
  examples::RangeCheckInstance instance =
      examples::MakeRandomRangeCheck(kLogRows, kLogRange, kRangeCheckColumns, /*seed=*/7);
  Air air;
  air.components.push_back(std::make_unique<air::FrameworkComponent<examples::RangeCheckedValues>>(
      std::move(instance.values)));
  air.components.push_back(
      std::make_unique<air::FrameworkComponent<air::RangeTable>>(std::move(instance.table)));
  air.traces.push_back(std::move(instance.values_trace));
  air.traces.push_back(std::move(instance.table_trace));
  air.public_inputs = std::move(instance.public_inputs);
  return air;
}

struct WideFibExample {
  static Air Make() { return WideFibAir(); }
};
struct RangeCheckExample {
  static Air Make() { return RangeCheckAir(); }
};

// One (example, hash) combination, the parameter of the TEST_CASE_TEMPLATEs.
template <class Example, class Hash>
struct Case {
  using C = typename Hash::C;
  using H = typename Hash::H;
  static Air MakeAir() { return Example::Make(); }
};

#define SOUNDNESS_CASES                                                      \
  soundness::Case<soundness::WideFibExample, soundness::Blake2s>,            \
      soundness::Case<soundness::WideFibExample, soundness::Poseidon252>,    \
      soundness::Case<soundness::WideFibExample, soundness::Poseidon2M31>,   \
      soundness::Case<soundness::RangeCheckExample, soundness::Blake2s>,     \
      soundness::Case<soundness::RangeCheckExample, soundness::Poseidon252>, \
      soundness::Case<soundness::RangeCheckExample, soundness::Poseidon2M31>

// ---------------------------------------------------------------------------------------------
// Configurations.

// The test profile (8 bits) with both proofs of work raised to 12 bits. A tampered transcript
// then fails the next proof-of-work check except with probability 2^-12 instead of 2^-5 (PCS) or
// 2^-2 (interaction), so each expected rejection names the mechanism rather than a coin flip that
// happened to land. Grinding 12 bits costs a few milliseconds even with Poseidon252.
inline ProofConfig TamperConfig() {
  ProofConfig config = air::ProfileConfig(air::Profile::kTest);
  config.pcs.pow_bits = 12;
  config.interaction_pow_bits = 12;
  return config;
}

// The test profile with no grinding at all: a changed transcript is then caught only by what the
// changed challenges imply (other lookup elements, OODS point, queries).
inline ProofConfig NoGrindConfig() {
  ProofConfig config = air::ProfileConfig(air::Profile::kTest);
  config.pcs.pow_bits = 0;
  config.interaction_pow_bits = 0;
  return config;
}

// ---------------------------------------------------------------------------------------------
// Proving and verifying.

// The randomness of the zero-knowledge proofs the tests make, fixed so that they are the same
// every run.
inline constexpr hash::RandomSeed kTestZkSeed = {7, 1, 2, 3};

template <class S>
std::variant<StarkProof<typename S::H>, air::ProvingError> ProveAir(
    const ProofConfig& config, const std::vector<const Component*>& components,
    std::vector<Trace> traces, const std::vector<M31>& public_inputs,
    bool check_constraints = true, const hash::RandomSeed& zk_seed = kTestZkSeed) {
  return air::Prove<typename S::C, typename S::H>(
      config, components, std::move(traces), public_inputs,
      {.check_constraints = check_constraints, .zk_seed = zk_seed});
}

template <class S>
StarkProof<typename S::H> ProveOrFail(const ProofConfig& config,
                                      const std::vector<const Component*>& components,
                                      std::vector<Trace> traces,
                                      const std::vector<M31>& public_inputs,
                                      bool check_constraints = true,
                                      const hash::RandomSeed& zk_seed = kTestZkSeed) {
  auto result = ProveAir<S>(config, components, std::move(traces), public_inputs,
                            check_constraints, zk_seed);
  if (auto* error = std::get_if<air::ProvingError>(&result)) FAIL(air::ToString(*error));
  return std::get<StarkProof<typename S::H>>(std::move(result));
}

template <class S>
air::VerifyingKey<typename S::H> KeyFor(const std::vector<const Component*>& components,
                                        const ProofConfig& config) {
  auto key = air::Setup<typename S::H>(components, config);
  if (auto* error = std::get_if<std::string>(&key)) FAIL(*error);
  return std::get<air::VerifyingKey<typename S::H>>(std::move(key));
}

// An example AIR with its honest proof at `config` and its verifying key.
template <class S>
struct Proven {
  Air air;
  ProofConfig config;
  StarkProof<typename S::H> proof;
  air::VerifyingKey<typename S::H> key;

  explicit Proven(const ProofConfig& c) : air(S::MakeAir()), config(c) {
    proof = ProveOrFail<S>(config, air.Pointers(), air.traces, air.public_inputs);
    key = KeyFor<S>(air.Pointers(), config);
  }

  std::optional<VerificationError> Verify(const StarkProof<typename S::H>& p,
                                          uint32_t min_security_bits = 0) const {
    return air::Verify<typename S::C, typename S::H>(air.Pointers(), p, key, min_security_bits);
  }
};

// The honest proof at TamperConfig(), proved once per case and shared by the tests.
template <class S>
const Proven<S>& Honest() {
  static const Proven<S> proven(TamperConfig());
  return proven;
}

// ---------------------------------------------------------------------------------------------
// The rejection a test expects: the VerificationError kind and, where given, the PCS, Merkle and
// FRI details.

struct Expected {
  Kind kind;
  std::optional<PcsKind> pcs = std::nullopt;
  std::optional<size_t> tree = std::nullopt;
  std::optional<MerkleError> merkle = std::nullopt;  // of a PCS tree
  std::optional<FriKind> fri = std::nullopt;
  std::optional<size_t> layer = std::nullopt;
  std::optional<MerkleError> fri_merkle = std::nullopt;  // of a FRI layer

  static Expected Pcs(PcsKind kind) { return {Kind::kPcs, kind}; }
  static Expected Merkle(size_t tree, MerkleError error) {
    return {Kind::kPcs, PcsKind::kMerkle, tree, error};
  }
  static Expected Fri(FriKind kind, size_t layer) {
    return {.kind = Kind::kPcs, .pcs = PcsKind::kFri, .fri = kind, .layer = layer};
  }
  static Expected FriMerkle(size_t layer, MerkleError error) {
    Expected e = Fri(FriKind::kMerkleFailed, layer);
    e.fri_merkle = error;
    return e;
  }
};

inline void CheckRejected(const std::optional<VerificationError>& error, const Expected& expected) {
  REQUIRE_MESSAGE(error.has_value(), "the verifier accepted a tampered proof");
  INFO("verifier said: " << air::ToString(*error));
  CHECK(error->kind == expected.kind);
  if (expected.kind != Kind::kPcs) return;
  REQUIRE(error->pcs.has_value());
  const fri::PcsError& pcs = *error->pcs;
  if (expected.pcs) CHECK(pcs.kind == *expected.pcs);
  if (expected.tree) CHECK(pcs.tree == *expected.tree);
  if (expected.merkle) CHECK(pcs.merkle == *expected.merkle);
  if (expected.fri) CHECK(pcs.fri.kind == *expected.fri);
  if (expected.layer) CHECK(pcs.fri.layer == *expected.layer);
  if (expected.fri_merkle) CHECK(pcs.fri.merkle_error == *expected.fri_merkle);
}

// ---------------------------------------------------------------------------------------------
// One-bit flips of proof fields. Each flips the lowest bit of the field's encoding (proof_io.h),
// or the next bit where the lowest would leave the field's range, so the result still parses.

inline void FlipBit(M31& v) {
  const uint32_t flipped = v.value() ^ 1;
  v = M31::FromCanonical(flipped == field::kP ? v.value() ^ 2 : flipped);
}
inline void FlipBit(QM31& v) {
  std::array<M31, 4> coords = v.ToM31Array();
  FlipBit(coords[0]);
  v = QM31::FromM31Array(coords);
}
inline void FlipBit(uint64_t& v) { v ^= 1; }
inline void FlipBit(hash::Blake2sHash& h) { h.bytes[0] ^= 1; }
inline void FlipBit(hash::Poseidon2M31Hash& h) { FlipBit(h.words[0]); }
inline void FlipBit(field::Felt252& h) {
  field::Felt252::Limbs limbs = h.ToLimbs();
  limbs[0] ^= 1;
  if (!field::Felt252::FromLimbsChecked(limbs)) limbs[0] ^= 3;  // p - 1 → p - 3
  h = field::Felt252::FromLimbs(limbs);
}

inline size_t BitDistance(const std::vector<uint8_t>& a, const std::vector<uint8_t>& b) {
  size_t bits = 0;
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) bits += std::popcount<uint8_t>(a[i] ^ b[i]);
  return bits;
}

// Applies `tamper` to a copy of the honest proof, checks that this is exactly one flipped bit of
// the serialized proof (so the test is about bytes a verifier could receive), and verifies the
// proof parsed back from those bytes.
template <class S>
std::optional<VerificationError> VerifyFlipped(
    const Proven<S>& proven, const std::function<void(StarkProof<typename S::H>&)>& tamper) {
  StarkProof<typename S::H> proof = proven.proof;
  tamper(proof);
  const std::vector<uint8_t> honest_bytes = air::SerializeProof(proven.proof);
  const std::vector<uint8_t> bytes = air::SerializeProof(proof);
  CHECK(bytes.size() == honest_bytes.size());
  CHECK(BitDistance(bytes, honest_bytes) == 1);
  auto parsed = air::ParseProof<typename S::H>(bytes);
  REQUIRE(std::holds_alternative<StarkProof<typename S::H>>(parsed));
  CHECK(std::get<StarkProof<typename S::H>>(parsed) == proof);
  return proven.Verify(std::get<StarkProof<typename S::H>>(parsed));
}

// Verifies a structurally changed copy of the honest proof (no byte-level claim).
template <class S>
std::optional<VerificationError> VerifyChanged(
    const Proven<S>& proven, const std::function<void(StarkProof<typename S::H>&)>& change,
    uint32_t min_security_bits = 0) {
  StarkProof<typename S::H> proof = proven.proof;
  change(proof);
  return proven.Verify(proof, min_security_bits);
}

// ---------------------------------------------------------------------------------------------
// A cheating prover's component: the honest component in every respect the verifier sees (name,
// size, constraints), but the interaction trace Prove asks it for is computed from `logup_trace`
// instead of the committed main trace when that is given, and its claimed sum is reported off by
// `sum_delta`. Prove with check_constraints = false then yields exactly the proof such a prover
// would send; Verify is always run with the honest components.
class CheatingLogup final : public Component {
 public:
  CheatingLogup(const Component& honest, Trace logup_trace, QM31 sum_delta)
      : honest_(honest), logup_trace_(std::move(logup_trace)), sum_delta_(sum_delta) {}

  std::string name() const override { return honest_.name(); }
  uint32_t log_size() const override { return honest_.log_size(); }
  air::ComponentInfo Info() const override { return honest_.Info(); }
  air::InteractionTrace GenerateInteractionTrace(const air::ColumnsView& trace,
                                                 const air::EvalContext& ctx) const override {
    air::ColumnsView view = trace;
    if (!logup_trace_.empty()) {
      view.trees[air::kTraceTree].assign(logup_trace_.begin(), logup_trace_.end());
    }
    air::InteractionTrace interaction = honest_.GenerateInteractionTrace(view, ctx);
    interaction.claimed_sum += sum_delta_;
    return interaction;
  }
  void EvaluateOnDomain(const circle::CircleDomain& domain, const air::ColumnsView& columns,
                        const air::EvalContext& ctx, std::span<const QM31> coeffs,
                        fri::SecureColumn& accumulator) const override {
    honest_.EvaluateOnDomain(domain, columns, ctx, coeffs, accumulator);
  }
  void EvaluateAtPoint(const air::MaskValues& mask, const circle::CirclePoint<QM31>& point,
                       QM31 random_coeff, const air::EvalContext& ctx,
                       QM31& accumulator) const override {
    honest_.EvaluateAtPoint(mask, point, random_coeff, ctx, accumulator);
  }
  std::optional<air::ConstraintFailure> AssertConstraints(
      const air::ColumnsView& trace, const air::EvalContext& ctx) const override {
    return honest_.AssertConstraints(trace, ctx);
  }
  std::vector<air::Expr> Constraints() const override { return honest_.Constraints(); }

 private:
  const Component& honest_;
  Trace logup_trace_;
  QM31 sum_delta_;
};

}  // namespace tensorstark::soundness
