// Zero-knowledge proofs (docs/zero-knowledge.md): they verify, their mode is part of the format and
// of the transcript, they are reproducible from their seed for any thread count and differ between
// seeds, their LogUp claimed sums are blinded, and tampering with one is rejected as with a plain
// proof: a salt, a trace value or a FRI mask value changed under its Merkle root, a sampled value,
// a cheating trace.
#include <doctest/doctest.h>
#include <tbb/global_control.h>

#include "soundness_util.h"

namespace tensorstark {
namespace {

using soundness::CheckRejected;
using soundness::Expected;
using soundness::FlipBit;
using soundness::Kind;
using soundness::MerkleError;
using soundness::PcsKind;

air::ProofConfig ZkConfig() {
  air::ProofConfig config = soundness::TamperConfig();
  config.zk = true;
  return config;
}

template <class S>
const soundness::Proven<S>& HonestZk() {
  static const soundness::Proven<S> proven(ZkConfig());
  return proven;
}

// The layout of the proof's components: blinded ones in zero-knowledge mode.
template <class S>
air::AirLayout LayoutOf(const soundness::Proven<S>& proven) {
  std::vector<std::unique_ptr<air::Component>> blinded;
  auto components = air::ProvedComponents(proven.air.Pointers(), proven.config, blinded);
  REQUIRE(std::holds_alternative<std::vector<const air::Component*>>(components));
  auto layout =
      air::MakeLayout(std::get<std::vector<const air::Component*>>(components), proven.config);
  REQUIRE(std::holds_alternative<air::AirLayout>(layout));
  return std::get<air::AirLayout>(std::move(layout));
}

TEST_CASE_TEMPLATE("a zero-knowledge proof verifies and is written as version 5", S,
                   SOUNDNESS_CASES) {
  const auto& proven = HonestZk<S>();
  const auto error = proven.Verify(proven.proof);
  CHECK_MESSAGE(!error, (error ? air::ToString(*error) : ""));
  const std::vector<uint8_t> bytes = air::SerializeProof(proven.proof);
  CHECK(bytes[4] == air::kZkProofFormatVersion);
  auto parsed = air::ParseProof<typename S::H>(bytes);
  REQUIRE(std::holds_alternative<air::StarkProof<typename S::H>>(parsed));
  CHECK(std::get<air::StarkProof<typename S::H>>(parsed) == proven.proof);
  CHECK(air::SerializeProof(soundness::Honest<S>().proof)[4] == air::kProofFormatVersion);

  // Its layout: randomized columns larger than the trace, one composition chunk, masks, salts.
  const air::AirLayout layout = LayoutOf(proven);
  for (const air::ComponentLayout& c : layout.components) CHECK(c.column_log_size > c.log_size);
  CHECK(layout.n_composition_chunks() == 1);
  CHECK(!layout.mask_log_sizes.empty());
  for (size_t tree : {air::kTraceTree, air::kInteractionTree, air::kCompositionTree}) {
    // Salts wherever the tree has polynomials (wide_fib has no interaction columns).
    const bool has_polys = tree == air::kCompositionTree || !layout.column_log_sizes[tree].empty();
    CHECK(layout.salt_log_sizes[tree].empty() == !has_polys);
    CHECK(layout.salt_log_sizes[tree].size() % air::kSaltColumns == 0);
  }
}

TEST_CASE_TEMPLATE("a zero-knowledge proof verifies at a large blowup with extra randomness", S,
                   SOUNDNESS_CASES) {
  // 40 queries ask for more random coefficients than one extra trace size gives (columns two sizes
  // up), and blowup 8 evaluates the constraints on a prefix of the committed domains.
  air::ProofConfig config = ZkConfig();
  config.pcs.fri.log_blowup_factor = 3;
  config.pcs.fri.n_queries = 40;
  const soundness::Proven<S> proven(config);
  for (const air::ComponentLayout& c : LayoutOf(proven).components) {
    CHECK(c.column_log_size > c.log_size + 1);
  }
  const auto error = proven.Verify(proven.proof);
  CHECK_MESSAGE(!error, (error ? air::ToString(*error) : ""));
}

TEST_CASE_TEMPLATE("the zero-knowledge flag cannot be dropped or added", S, SOUNDNESS_CASES) {
  using Proof = air::StarkProof<typename S::H>;
  // The flag is mixed into the transcript: the interaction proof of work no longer holds.
  CheckRejected(soundness::VerifyChanged<S>(HonestZk<S>(),
                                            [](Proof& p) {
                                              p.config.zk = false;
                                              p.pcs.config = p.config.pcs;
                                            }),
                {Kind::kInteractionProofOfWork});
  CheckRejected(
      soundness::VerifyChanged<S>(soundness::Honest<S>(), [](Proof& p) { p.config.zk = true; }),
      {Kind::kInteractionProofOfWork});
  // And a version 5 proof must say so in its flags.
  std::vector<uint8_t> bytes = air::SerializeProof(HonestZk<S>().proof);
  const size_t flags_at = 4 + 4 + 1 + 6 * 4;
  REQUIRE(bytes[flags_at] == 1);
  bytes[flags_at] = 0;
  auto parsed = air::ParseProof<typename S::H>(bytes);
  REQUIRE(std::holds_alternative<air::ProofParseError>(parsed));
  CHECK(std::get<air::ProofParseError>(parsed).message.find("flags") != std::string::npos);
}

TEST_CASE_TEMPLATE("a changed salt, trace value or mask value fails its Merkle check", S,
                   SOUNDNESS_CASES) {
  using Proof = air::StarkProof<typename S::H>;
  const auto& proven = HonestZk<S>();
  const air::AirLayout layout = LayoutOf(proven);
  for (size_t tree : {air::kTraceTree, air::kInteractionTree, air::kCompositionTree}) {
    if (proven.proof.pcs.queried_values[tree].empty()) continue;
    // The first opened leaf holds the tree's largest columns in commit order, its salts last.
    const std::vector<uint32_t> sizes = air::TreeLogSizes(layout, tree);
    const uint32_t largest = *std::max_element(sizes.begin(), sizes.end());
    const size_t n_largest = std::count(sizes.begin(), sizes.end(), largest);
    CAPTURE(tree);
    for (size_t i : {size_t{0}, n_largest - 1}) {  // a polynomial's value, a salt
      CheckRejected(soundness::VerifyFlipped<S>(
                        proven, [&](Proof& p) { FlipBit(p.pcs.queried_values[tree][i]); }),
                    Expected::Merkle(tree, MerkleError::kRootMismatch));
    }
    // Tree 1's largest polynomials include the composition-sized FRI mask.
    if (tree == air::kTraceTree) {
      REQUIRE(layout.mask_log_sizes.front() == largest);
      const size_t mask = std::count(sizes.begin(), sizes.begin() + layout.mask_begin, largest);
      CheckRejected(soundness::VerifyFlipped<S>(
                        proven, [&](Proof& p) { FlipBit(p.pcs.queried_values[tree][mask]); }),
                    Expected::Merkle(tree, MerkleError::kRootMismatch));
    }
  }
}

TEST_CASE_TEMPLATE("a changed sampled value of a randomized column fails at the OODS point", S,
                   SOUNDNESS_CASES) {
  using Proof = air::StarkProof<typename S::H>;
  CheckRejected(
      soundness::VerifyFlipped<S>(
          HonestZk<S>(), [](Proof& p) { FlipBit(p.pcs.sampled_values[air::kTraceTree][0][0]); }),
      {Kind::kOodsMismatch});
}

TEST_CASE_TEMPLATE("a zero-knowledge proof of a wrong trace is rejected", Hash, soundness::Blake2s,
                   soundness::Poseidon252) {
  using S = soundness::Case<soundness::WideFibExample, Hash>;
  const soundness::Air air = soundness::WideFibAir();
  std::vector<soundness::Trace> traces = air.traces;
  traces[0][5][soundness::StoragePosition(37, soundness::kLogRows)] += field::M31::One();
  // The prover's self-check still names the constraint (on the trace domain, under the masks).
  auto result = soundness::ProveAir<S>(ZkConfig(), air.Pointers(), traces, air.public_inputs);
  REQUIRE(std::holds_alternative<air::ProvingError>(result));
  const auto& error = std::get<air::ProvingError>(result);
  REQUIRE(error.failure.has_value());
  CHECK(error.failure->row == 37);
  const auto proof = soundness::ProveOrFail<S>(ZkConfig(), air.Pointers(), traces,
                                               air.public_inputs, /*check_constraints=*/false);
  CheckRejected(air::Verify<typename S::C, typename S::H>(
                    air.Pointers(), proof, soundness::KeyFor<S>(air.Pointers(), ZkConfig()), 0),
                {Kind::kOodsMismatch});
}

TEST_CASE_TEMPLATE("zero-knowledge claimed sums are blinded, their total is not", Hash,
                   soundness::Blake2s, soundness::Poseidon252) {
  using S = soundness::Case<soundness::RangeCheckExample, Hash>;
  const soundness::Air air = soundness::RangeCheckAir();
  auto claimed_sums = [&](const air::ProofConfig& config, const hash::RandomSeed& seed) {
    return soundness::ProveOrFail<S>(config, air.Pointers(), air.traces, air.public_inputs, true,
                                     seed)
        .claimed_sums;
  };
  const std::vector<field::QM31> plain = claimed_sums(soundness::TamperConfig(), {});
  const std::vector<field::QM31> zk = claimed_sums(ZkConfig(), soundness::kTestZkSeed);
  const std::vector<field::QM31> reseeded = claimed_sums(ZkConfig(), {9});
  REQUIRE(plain.size() == 2);
  for (size_t i = 0; i < 2; ++i) {
    CHECK(zk[i] != plain[i]);
    CHECK(zk[i] != reseeded[i]);
  }
  // The challenges differ between the proofs, but each total is 0 (no public LogUp terms here).
  CHECK(plain[0] + plain[1] == field::QM31());
  CHECK(zk[0] + zk[1] == field::QM31());
  CHECK(reseeded[0] + reseeded[1] == field::QM31());
  // The blinding relation has challenges of its own.
  bool has_blind_relation = false;
  for (const air::Relation& relation : LayoutOf(HonestZk<S>()).relations) {
    has_blind_relation |= relation == air::kZkBlindRelation;
  }
  CHECK(has_blind_relation);
}

TEST_CASE("a component whose claimed sum cannot be blinded is refused in zero-knowledge mode") {
  using S = soundness::Case<soundness::RangeCheckExample, soundness::Blake2s>;
  const soundness::Air air = soundness::RangeCheckAir();
  // CheatingLogup is not a framework component: it has no blinded form.
  const soundness::CheatingLogup wrapped(*air.components[0], {}, field::QM31());
  const std::vector<const air::Component*> components = {&wrapped, air.components[1].get()};
  auto result = soundness::ProveAir<S>(ZkConfig(), components, air.traces, air.public_inputs);
  REQUIRE(std::holds_alternative<air::ProvingError>(result));
  CHECK(std::get<air::ProvingError>(result).message.find("cannot be blinded") != std::string::npos);
}

TEST_CASE_TEMPLATE("a zero-knowledge proof depends on its seed, not on the thread count", S,
                   SOUNDNESS_CASES) {
  const soundness::Air air = S::MakeAir();
  auto prove = [&](const hash::RandomSeed& seed, size_t threads) {
    tbb::global_control limit(tbb::global_control::max_allowed_parallelism, threads);
    return air::SerializeProof(soundness::ProveOrFail<S>(ZkConfig(), air.Pointers(), air.traces,
                                                         air.public_inputs, true, seed));
  };
  const hash::RandomSeed other = {9};
  const std::vector<uint8_t> one_thread = prove(soundness::kTestZkSeed, 1);
  CHECK(one_thread == prove(soundness::kTestZkSeed, 2));
  CHECK(one_thread == air::SerializeProof(HonestZk<S>().proof));
  const std::vector<uint8_t> reseeded = prove(other, 2);
  CHECK(reseeded != one_thread);
  auto parsed = air::ParseProof<typename S::H>(reseeded);
  REQUIRE(std::holds_alternative<air::StarkProof<typename S::H>>(parsed));
  CHECK(!HonestZk<S>().Verify(std::get<air::StarkProof<typename S::H>>(parsed)));
}

}  // namespace
}  // namespace tensorstark
