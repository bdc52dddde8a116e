// The Poseidon2 component: its trace holds the permutation's outputs, it proves and verifies with
// and without zero knowledge, and a changed cell breaks a named constraint and the proof.
#include "air/poseidon2_component.h"

#include <doctest/doctest.h>

#include <vector>

#include "air/assert_evaluator.h"
#include "air/framework.h"
#include "air/profiles.h"
#include "air/prover.h"
#include "air/setup.h"
#include "air/verifier.h"
#include "circle/bit_reverse.h"
#include "hash/blake2s_channel.h"
#include "hash/blake2s_merkle_hasher.h"
#include "test_util.h"

namespace tensorstark::air {
namespace {

using C = hash::Blake2sChannel;
using H = hash::Blake2sMerkleHasher;
constexpr uint32_t kLogRows = 5;

std::vector<hash::Poseidon2State> RandomInputs(size_t n) {
  testing::Rng rng(7);
  std::vector<hash::Poseidon2State> inputs(n);
  for (hash::Poseidon2State& state : inputs) {
    for (field::M31& lane : state) lane = rng.M31();
  }
  return inputs;
}

std::optional<VerificationError> ProveAndVerify(const ProofConfig& config,
                                                std::vector<std::vector<field::M31>> columns,
                                                bool check_constraints = true) {
  const FrameworkComponent<Poseidon2Permutations> component{Poseidon2Permutations(kLogRows)};
  const std::vector<const Component*> components = {&component};
  auto proof = Prove<C, H>(config, components, {std::move(columns)}, {},
                           {.check_constraints = check_constraints});
  REQUIRE(std::holds_alternative<StarkProof<H>>(proof));
  auto key = Setup<H>(components, config);
  REQUIRE(std::holds_alternative<VerifyingKey<H>>(key));
  return Verify<C, H>(components, std::get<StarkProof<H>>(proof), std::get<VerifyingKey<H>>(key),
                      0);
}

TEST_CASE("the Poseidon2 trace holds the permutation of each row's input") {
  const std::vector<hash::Poseidon2State> inputs = RandomInputs(20);
  const Poseidon2Trace trace = MakePoseidon2Trace(inputs, kLogRows);
  CHECK(trace.columns.size() == kPoseidon2Columns);
  for (size_t row = 0; row < trace.outputs.size(); ++row) {
    hash::Poseidon2State expected = row < inputs.size() ? inputs[row] : hash::Poseidon2State{};
    hash::Poseidon2Permute(expected);
    CHECK(trace.outputs[row] == expected);
  }
  const FrameworkComponent<Poseidon2Permutations> component{Poseidon2Permutations(kLogRows)};
  CHECK(component.Info().max_constraint_degree == 3);
  CHECK(component.Info().trace_offsets.size() == kPoseidon2Columns);
}

TEST_CASE("Poseidon2 permutations prove and verify, with and without zero knowledge") {
  const Poseidon2Trace trace = MakePoseidon2Trace(RandomInputs(20), kLogRows);
  ProofConfig config = ProfileConfig(Profile::kTest);
  for (const bool zk : {false, true}) {
    config.zk = zk;
    CAPTURE(zk);
    const auto error = ProveAndVerify(config, trace.columns);
    CHECK_MESSAGE(!error, (error ? ToString(*error) : ""));
  }
}

TEST_CASE("a changed Poseidon2 cell breaks its constraint and the proof") {
  Poseidon2Trace trace = MakePoseidon2Trace(RandomInputs(20), kLogRows);
  // Row 3's x⁵ of lane 5 in the first full round: column 16 + 2·5 + 1.
  const size_t position =
      circle::BitReverseIndex(circle::CosetIndexToCircleDomainIndex(3, kLogRows), kLogRows);
  trace.columns[16 + 2 * 5 + 1][position] += field::M31::One();
  const FrameworkComponent<Poseidon2Permutations> component{Poseidon2Permutations(kLogRows)};
  ColumnsView view;
  for (const auto& column : trace.columns) view.trees[kTraceTree].push_back(column);
  const auto failure = component.AssertConstraints(view, EvalContext{});
  REQUIRE(failure.has_value());
  CHECK(failure->row == 3);
  CHECK(failure->constraint == 2 * 5 + 1);
  const auto error = ProveAndVerify(ProfileConfig(Profile::kTest), trace.columns, false);
  REQUIRE(error.has_value());
  CHECK(error->kind == VerificationError::Kind::kOodsMismatch);
}

}  // namespace
}  // namespace tensorstark::air
