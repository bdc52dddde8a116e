// The final proof (pipeline/final_proof.h) of tiny_mlp's outer proof: it states the inner
// statement and verifies; the final circuit refuses an outer proof the outer verifier rejects; a
// tampered final proof is rejected; the ids are those of the final key.
#include "pipeline/final_proof.h"

#include <doctest/doctest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "recursion/compress_util.h"

namespace tensorstark::pipeline {
namespace {

using frontend::Visibility;

using field::M31;
using field::QM31;
using namespace testing;

using FinalChannel = hash::Blake2sChannel;
using FinalHasher = hash::Blake2sMerkleHasher;
using FinalProof = air::StarkProof<FinalHasher>;

// compile's defaults: private weights and input, zero knowledge.
const Example& Tiny() {
  static const Example tiny("tiny_mlp", Visibility::kPrivate);
  return tiny;
}

// Test profiles at every level, the outer proof hashed with Poseidon2-M31 (a circuit verifies it).
const FinalKey<FinalHasher>& TinyFinalKey() {
  static const std::vector<InnerSpec> specs = {Tiny().Spec()};
  static const FinalKey<FinalHasher> key = [] {
    auto made = SetupFinal<FinalHasher>(specs, kOuterConfig, kOuterConfig, OuterShape::kFit);
    if (auto* error = std::get_if<std::string>(&made)) FAIL(*error);
    return std::get<FinalKey<FinalHasher>>(std::move(made));
  }();
  return key;
}

TEST_CASE("a final proof states the inner statement, verifies, and refuses what the verifiers do") {
  const Example& tiny = Tiny();
  const FinalKey<FinalHasher>& key = TinyFinalKey();
  // The narrow layout: the Cairo verifier's cost is per column.
  CHECK(key.air->shape().poseidon2_layout == recursion::Poseidon2Layout::kRounds);
  auto outer = CompressProof<InnerChannel, InnerHasher>(key.outer, std::span(&tiny.inner, 1));
  REQUIRE(std::holds_alternative<OuterForFinal>(outer));
  const OuterForFinal& outer_proof = std::get<OuterForFinal>(outer);

  auto final_or = ProveFinal<FinalChannel, FinalHasher>(key, outer_proof);
  if (auto* error = std::get_if<std::string>(&final_or)) FAIL(*error);
  const FinalProof& final_proof = std::get<FinalProof>(final_or);
  CHECK(final_proof.public_inputs == tiny.inner.public_inputs);
  const auto error = VerifyFinalProof<FinalChannel, FinalHasher>(key, final_proof, 0);
  CHECK_MESSAGE(!error, air::ToString(*error));

  // The ids: the final circuit's, distinct from the outer one's; the model's under it.
  const CompressedIds ids = IdsOf(key);
  CHECK(ids.circuit != IdsOf(key.outer).circuit);
  REQUIRE(ids.models.size() == 1);
  CHECK(ids.models[0] == StarknetCompressedModelId(key.outer.members[0].commitment, ids.circuit));

  SUBCASE("an outer proof the outer verifier rejects is not proved, nor passes the circuit") {
    OuterForFinal tampered = outer_proof;
    tampered.claimed_sums[0] += QM31::One();
    auto refused = ProveFinal<FinalChannel, FinalHasher>(key, tampered);
    REQUIRE(std::holds_alternative<std::string>(refused));
    CHECK_MESSAGE(std::get<std::string>(refused).starts_with("the outer proof is invalid: "),
                  std::get<std::string>(refused));
    recursion::InnerOpened opened;
    REQUIRE(key.outer_air->VerifyNatively(tampered, &opened));
    recursion::CircuitBuilder builder(true);
    const recursion::InnerWitness witness{&tampered, &opened};
    recursion::VerifyInCircuit(builder, *key.outer_air, &witness);
    REQUIRE_MESSAGE(builder.failure(),
                    "the final circuit accepts an outer proof the verifier rejects");
    CHECK_MESSAGE(builder.failure()->find("LogUp sums cancel") != std::string::npos,
                  *builder.failure());
  }
  SUBCASE("a final proof with another statement, or tampered, is rejected") {
    FinalProof other = final_proof;
    other.public_inputs.back() += M31::One();
    CHECK(VerifyFinalProof<FinalChannel, FinalHasher>(key, other, 0));
    FinalProof tampered = final_proof;
    tampered.claimed_sums[0] += QM31::One();
    const auto rejected = VerifyFinalProof<FinalChannel, FinalHasher>(key, tampered, 0);
    REQUIRE(rejected);
    CHECK(rejected->kind == air::VerificationError::Kind::kClaimedSumsNotZero);
  }
}

TEST_CASE(
    "a final verifying key read from the cache: no circuit, the same root, ids and verdicts") {
  const std::string dir = std::filesystem::temp_directory_path() / "tensorstark_final_cache_test";
  std::filesystem::remove_all(dir);
  const KeyCache cache(dir);
  const std::vector<InnerSpec> specs = {Tiny().Spec()};
  auto setup = [&](KeyUse use) {
    auto made =
        SetupFinal<FinalHasher>(specs, kOuterConfig, kOuterConfig, OuterShape::kFit, use, cache);
    if (auto* error = std::get_if<std::string>(&made)) FAIL(*error);
    return std::get<FinalKey<FinalHasher>>(std::move(made));
  };
  const FinalKey<FinalHasher> prover = setup(KeyUse::kProve);  // files the final verifying key
  const FinalKey<FinalHasher> verifier = setup(KeyUse::kVerify);
  CHECK(verifier.from_cache);
  CHECK(!verifier.outer_air);  // no circuit was built
  CHECK(verifier.air->circuit().gates.empty());
  CHECK(verifier.key.verifying_key.preprocessed_root ==
        TinyFinalKey().key.verifying_key.preprocessed_root);
  CHECK(IdsOf(verifier).circuit == IdsOf(TinyFinalKey()).circuit);
  CHECK(IdsOf(verifier).models == IdsOf(TinyFinalKey()).models);

  auto outer = CompressProof<InnerChannel, InnerHasher>(prover.outer, std::span(&Tiny().inner, 1));
  REQUIRE(std::holds_alternative<OuterForFinal>(outer));
  auto final_or = ProveFinal<FinalChannel, FinalHasher>(prover, std::get<OuterForFinal>(outer));
  REQUIRE(std::holds_alternative<FinalProof>(final_or));
  const FinalProof& proof = std::get<FinalProof>(final_or);
  CHECK(!VerifyFinalProof<FinalChannel, FinalHasher>(verifier, proof, 0));
  FinalProof tampered = proof;
  tampered.claimed_sums[0] += QM31::One();
  const auto rejected = VerifyFinalProof<FinalChannel, FinalHasher>(verifier, tampered, 0);
  REQUIRE(rejected);
  CHECK(rejected->kind == air::VerificationError::Kind::kClaimedSumsNotZero);
  // A key for verifying proves nothing.
  auto refused = ProveFinal<FinalChannel, FinalHasher>(verifier, std::get<OuterForFinal>(outer));
  CHECK(std::holds_alternative<std::string>(refused));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace tensorstark::pipeline
