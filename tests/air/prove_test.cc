// End-to-end Prove → Verify of the example AIRs (protocol reference §8) at every profile and with
// both hashes, proof bytes independent of the thread count, distinct queries, and the verifier's
// security floor.
// Soundness against tampered proofs is tests/soundness/.
#include <doctest/doctest.h>
#include <tbb/global_control.h>

#include <memory>
#include <string>
#include <type_traits>
#include <variant>
#include <vector>

#include "air/profiles.h"
#include "air/proof_io.h"
#include "air/prover.h"
#include "air/setup.h"
#include "air/verifier.h"
#include "examples/range_check/range_check.h"
#include "examples/wide_fib/wide_fib.h"
#include "hash/blake2s.h"
#include "hash/blake2s_channel.h"
#include "hash/blake2s_merkle_hasher.h"
#include "hash/poseidon252_channel.h"
#include "hash/poseidon252_merkle_hasher.h"
#include "hash_families.h"

namespace tensorstark::air {
namespace {

struct Blake2s : testing::Blake2s {
  // Grinding 26 bits takes about a second: the full profiles run here.
  static constexpr bool kFullProfiles = true;
};
struct Poseidon252 : testing::Poseidon252 {
  // Grinding 26 bits takes about a minute (20 bits about a second): the fast and onchain profiles
  // run here with pow_bits lowered to 8. The full profiles run in the slow CTest entries
  // (bench_<profile>_<hash>, `ctest -L slow`) and in `tensorstark bench`.
  static constexpr bool kFullProfiles = false;
};

struct Poseidon2M31 : testing::Poseidon2M31 {
  // Grinding runs 16 permutations per packed vector: the full profiles run here.
  static constexpr bool kFullProfiles = true;
};
#define HASHES Blake2s, Poseidon252, Poseidon2M31

struct Air {
  std::vector<std::unique_ptr<Component>> components;
  std::vector<std::vector<std::vector<M31>>> traces;
  std::vector<M31> public_inputs;

  std::vector<const Component*> Pointers() const {
    std::vector<const Component*> pointers;
    for (const auto& component : components) pointers.push_back(component.get());
    return pointers;
  }
};

Air WideFib(uint32_t log_rows) {
  examples::WideFibInstance instance = examples::MakeWideFib(log_rows, /*n_columns=*/8);
  Air air;
  air.components.push_back(
      std::make_unique<FrameworkComponent<examples::WideFib>>(std::move(instance.component)));
  air.traces.push_back(std::move(instance.trace));
  air.public_inputs = std::move(instance.public_inputs);
  return air;
}

Air RangeCheck(uint32_t log_rows) {
  const uint32_t log_range = log_rows - 1;
  examples::RangeCheckInstance instance =
      examples::MakeRandomRangeCheck(log_rows, log_range, /*n_columns=*/3, /*seed=*/3);
  Air air;
  air.components.push_back(std::make_unique<FrameworkComponent<examples::RangeCheckedValues>>(
      std::move(instance.values)));
  air.components.push_back(
      std::make_unique<FrameworkComponent<air::RangeTable>>(std::move(instance.table)));
  air.traces.push_back(std::move(instance.values_trace));
  air.traces.push_back(std::move(instance.table_trace));
  air.public_inputs = std::move(instance.public_inputs);
  return air;
}

template <class Hash>
StarkProof<typename Hash::H> ProveOrFail(const Air& air, const ProofConfig& config) {
  auto result = Prove<typename Hash::C, typename Hash::H>(config, air.Pointers(), air.traces,
                                                          air.public_inputs);
  if (auto* error = std::get_if<ProvingError>(&result)) FAIL(ToString(*error));
  return std::get<StarkProof<typename Hash::H>>(std::move(result));
}

template <class Hash>
std::optional<VerificationError> VerifyWithKey(const Air& air,
                                               const StarkProof<typename Hash::H>& proof,
                                               uint32_t min_security_bits) {
  auto key = Setup<typename Hash::H>(air.Pointers(), proof.config);
  if (auto* error = std::get_if<std::string>(&key)) FAIL(*error);
  return Verify<typename Hash::C, typename Hash::H>(
      air.Pointers(), proof, std::get<VerifyingKey<typename Hash::H>>(key), min_security_bits);
}

// The profile's configuration, with pow_bits lowered to 8 where this hash grinds too slowly.
template <class Hash>
ProofConfig ConfigFor(Profile profile) {
  ProofConfig config = ProfileConfig(profile);
  if (!Hash::kFullProfiles && profile != Profile::kTest) config.pcs.pow_bits = 8;
  return config;
}

TEST_CASE_TEMPLATE("both examples prove and verify at every profile", Hash, HASHES) {
  for (Profile profile : {Profile::kTest, Profile::kFast, Profile::kOnchain, Profile::kRecursive}) {
    const ProofConfig config = ConfigFor<Hash>(profile);
    const bool full = config == ProfileConfig(profile);
    // The profiles' own level; with lowered grinding, what is left of it.
    const uint32_t min_bits =
        full && profile != Profile::kTest ? kDefaultMinSecurityBits : config.SecurityBits();
    for (const bool range_check : {false, true}) {
      CAPTURE(ProfileName(profile));
      CAPTURE(range_check);
      const Air air = range_check ? RangeCheck(6) : WideFib(6);
      const StarkProof<typename Hash::H> proof = ProveOrFail<Hash>(air, config);
      CHECK(proof.config == config);
      // Through the bytes, as a verifier receives it.
      auto parsed = ParseProof<typename Hash::H>(SerializeProof(proof));
      REQUIRE(std::holds_alternative<StarkProof<typename Hash::H>>(parsed));
      const auto error =
          VerifyWithKey<Hash>(air, std::get<StarkProof<typename Hash::H>>(parsed), min_bits);
      CHECK_MESSAGE(!error, (error ? ToString(*error) : ""));
    }
  }
}

TEST_CASE_TEMPLATE("the proof bytes do not depend on the thread count", Hash, HASHES) {
  // 2^9 rows, so that the parallel loops (trace generation aside) split the work.
  ProofConfig config = ProfileConfig(Profile::kTest);
  config.pcs.pow_bits = 10;  // enough for the grinding to run several parallel rounds
  for (const bool range_check : {false, true}) {
    CAPTURE(range_check);
    const Air air = range_check ? RangeCheck(9) : WideFib(9);
    std::vector<uint8_t> bytes[2];
    for (const int threads : {1, 2}) {
      tbb::global_control limit(tbb::global_control::max_allowed_parallelism, threads);
      bytes[threads - 1] = SerializeProof(ProveOrFail<Hash>(air, config));
    }
    CHECK(bytes[0] == bytes[1]);
  }
}

// A known answer: the same bytes at every SIMD level (make test-simd runs this test at each), so a
// kernel that computes something else at one level cannot go unnoticed. A change of the proof
// format or the protocol changes the digests: the failure prints the new ones.
TEST_CASE_TEMPLATE("the proof bytes are the same at every SIMD level", Hash, HASHES) {
  const std::string expected =
      std::is_same_v<Hash, Blake2s>
          ? "21a8cef2a1e356bb7300dcd83944eab42b638d6fc5d5cf033379759a08a7b2e2"
      : std::is_same_v<Hash, Poseidon252>
          ? "e2ab03acc651d4be3fcefacc3fdc2d9473c017bac6e13df416f071c614cfe4e1"
          : "0650e9b6f389dc9c192c9e0dfaacd67c4ab30e9fc0ce851fa177e7a19b705e95";
  const StarkProof<typename Hash::H> proof =
      ProveOrFail<Hash>(RangeCheck(6), ProfileConfig(Profile::kTest));
  CHECK(hash::Blake2s(SerializeProof(proof)).ToHex() == expected);
}

TEST_CASE_TEMPLATE("a proving key's preprocessed tree gives the same proof", Hash, HASHES) {
  const ProofConfig config = ProfileConfig(Profile::kTest);
  const Air air = RangeCheck(6);
  auto key = SetupProver<typename Hash::H>(air.Pointers(), config);
  REQUIRE(std::holds_alternative<ProvingKey<typename Hash::H>>(key));
  const ProvingKey<typename Hash::H>& proving_key = std::get<ProvingKey<typename Hash::H>>(key);
  auto with_key = Prove<typename Hash::C, typename Hash::H>(config, air.Pointers(), air.traces,
                                                            air.public_inputs, {}, &proving_key);
  REQUIRE(std::holds_alternative<StarkProof<typename Hash::H>>(with_key));
  CHECK(SerializeProof(std::get<StarkProof<typename Hash::H>>(with_key)) ==
        SerializeProof(ProveOrFail<Hash>(air, config)));

  // A key made for another AIR (no preprocessed columns) or another blowup is refused.
  const Air other = WideFib(6);
  auto other_key = SetupProver<typename Hash::H>(other.Pointers(), config);
  REQUIRE(std::holds_alternative<ProvingKey<typename Hash::H>>(other_key));
  auto refused = Prove<typename Hash::C, typename Hash::H>(
      config, air.Pointers(), air.traces, air.public_inputs, {},
      &std::get<ProvingKey<typename Hash::H>>(other_key));
  REQUIRE(std::holds_alternative<ProvingError>(refused));
  CHECK(std::get<ProvingError>(refused).kind == ProvingError::Kind::kInvalidAir);
  ProofConfig higher_blowup = config;
  ++higher_blowup.pcs.fri.log_blowup_factor;
  refused = Prove<typename Hash::C, typename Hash::H>(higher_blowup, air.Pointers(), air.traces,
                                                      air.public_inputs, {}, &proving_key);
  REQUIRE(std::holds_alternative<ProvingError>(refused));
  CHECK(std::get<ProvingError>(refused).kind == ProvingError::Kind::kInvalidAir);
}

TEST_CASE_TEMPLATE("every query is a distinct position; a domain too small for them is refused",
                   Hash, HASHES) {
  // 2^4 rows at blowup 2: an evaluation domain of 32 points. 32 queries drawn at random would
  // repeat positions; drawn distinct, they open every position.
  const Air air = WideFib(4);
  ProofConfig config = ProfileConfig(Profile::kTest);
  config.pcs.fri.n_queries = 32;
  const StarkProof<typename Hash::H> proof = ProveOrFail<Hash>(air, config);
  CHECK(proof.pcs.queried_values[kTraceTree].size() == 8 * 32);
  CHECK_FALSE(VerifyWithKey<Hash>(air, proof, config.SecurityBits()));

  // 33 cannot be distinct: refused by the prover, and by the verifier in a proof that claims them.
  config.pcs.fri.n_queries = 33;
  auto refused = Prove<typename Hash::C, typename Hash::H>(config, air.Pointers(), air.traces,
                                                           air.public_inputs);
  REQUIRE(std::holds_alternative<ProvingError>(refused));
  CHECK(std::get<ProvingError>(refused).kind == ProvingError::Kind::kInvalidAir);
  CHECK(std::get<ProvingError>(refused).message ==
        "33 distinct queries cannot be drawn from an evaluation domain of 32 points");
  StarkProof<typename Hash::H> claiming = proof;
  claiming.config = config;
  claiming.pcs.config = config.pcs;
  const auto error = Verify<typename Hash::C, typename Hash::H>(
      air.Pointers(), claiming, VerifyingKey<typename Hash::H>{}, 0);
  REQUIRE(error.has_value());
  CHECK(error->kind == VerificationError::Kind::kInvalidAir);
}

TEST_CASE_TEMPLATE("the verifier refuses proofs below its minimum first", Hash, HASHES) {
  // The test profile's 8 bits are below the default 96: rejected before anything is read.
  const Air air = WideFib(6);
  StarkProof<typename Hash::H> proof = ProveOrFail<Hash>(air, ProfileConfig(Profile::kTest));
  auto error = VerifyWithKey<Hash>(air, proof, kDefaultMinSecurityBits);
  REQUIRE(error.has_value());
  CHECK(error->kind == VerificationError::Kind::kInsufficientSecurity);
  // Even a proof with nothing in it.
  proof = {};
  proof.config = ProfileConfig(Profile::kTest);
  error = VerifyWithKey<Hash>(air, proof, kDefaultMinSecurityBits);
  REQUIRE(error.has_value());
  CHECK(error->kind == VerificationError::Kind::kInsufficientSecurity);
  // The default argument is that minimum.
  auto key = Setup<typename Hash::H>(air.Pointers(), proof.config);
  REQUIRE(std::holds_alternative<VerifyingKey<typename Hash::H>>(key));
  error = Verify<typename Hash::C, typename Hash::H>(air.Pointers(), proof,
                                                     std::get<VerifyingKey<typename Hash::H>>(key));
  REQUIRE(error.has_value());
  CHECK(error->kind == VerificationError::Kind::kInsufficientSecurity);
}

}  // namespace
}  // namespace tensorstark::air
