// The aggregation tree (pipeline/proof_tree.h): its node circuit fits the tree's class, and a model
// in three slices becomes one tree proof whose top holds exactly the slices' leaves and the
// model's statement.
#include "pipeline/tree_final.h"

#include <doctest/doctest.h>

#include <chrono>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "frontend/compile.h"
#include "frontend/float_eval.h"
#include "frontend/input_file.h"
#include "frontend/quantized_eval.h"
#include "frontend/slices.h"
#include "hash/blake2s_channel.h"
#include "hash/blake2s_merkle_hasher.h"
#include "pipeline/sliced_proof.h"

namespace tensorstark::pipeline {
namespace {

using field::M31;
using frontend::QuantizedModel;

const std::string kPinn = std::string(TENSORSTARK_EXAMPLES) + "/pinn";

template <class T>
T Get(std::variant<T, std::string> made) {
  if (auto* error = std::get_if<std::string>(&made)) FAIL(*error);
  return std::get<T>(std::move(made));
}

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

TEST_CASE("the node circuit fits the tree's class") {
  const auto tree = Get(TreeProofAir::Make(StandardTreeShape()));
  recursion::CircuitBuilder builder(false);
  BuildNodeCircuit(builder, *tree, {}, TreeStatement());
  auto fitted = recursion::RecursionAir::Make(std::move(builder).Finish());
  REQUIRE(std::holds_alternative<recursion::RecursionAir>(fitted));
  const auto rows = std::get<recursion::RecursionAir>(fitted).GateRows();
  MESSAGE("node circuit gate rows: values " << rows[0] << ", arithmetic " << rows[1]
                                            << ", Poseidon2 " << rows[2]);
}

// pinn (5 operators) with compile's defaults in three slices, each slice's proof at the recursive
// profile, the slices' leaves and the model's statement.
struct SlicedPinn {
  QuantizedModel model;
  std::vector<frontend::ModelSlice> slices;
  std::vector<std::unique_ptr<frontend::ModelAir>> airs;
  SliceProofs proofs;
  std::vector<M31> whole_statement;

  SlicedPinn() {
    model = frontend::CompileOnnxModel(kPinn + "/model.onnx", kPinn + "/calibration.json");
    model.input_visibility = model.weights_visibility = frontend::Visibility::kPrivate;
    model.slice_starts = {2, 4};
    const auto input = frontend::ReadInput(kPinn + "/input.json", frontend::FloatGraphOf(model));
    const frontend::QuantizedRun run = frontend::RunQuantized(model, input);
    proofs = ProveSlices<InnerChannel, InnerHasher>(model, run, InnerProofConfig(true), {}, {});
    for (size_t k = 0; k < 3; ++k) slices.push_back(frontend::SliceOf(model, k));
    for (const frontend::ModelSlice& slice : slices) {
      airs.push_back(std::make_unique<frontend::ModelAir>(slice.model));
    }
    whole_statement = WholeStatement(model, SlicedCommitment(proofs.commitments), slices[0].model,
                                     proofs.statements[0], slices[2].model, proofs.statements[2]);
  }
  InnerProof Inner(size_t k) const {
    return std::get<InnerProof>(air::ParseProof<InnerHasher>(proofs.proofs[k]));
  }
};

TEST_CASE("three slices' leaves joined by nodes: the top holds the model's statement") {
  const auto start = std::chrono::steady_clock::now();
  const SlicedPinn pinn;
  const auto tree = Get(TreeProofAir::Make(StandardTreeShape()));
  const TreeKey node_key = Get(SetupNodeKey(*tree));
  MESSAGE("slices proved, node key: " << Seconds(start) << " s");
  std::vector<TreeProof> leaves;
  std::vector<hash::Poseidon2M31Hash> leaf_roots;
  const NativeTreeRules rules;
  TreeDigest<M31> keys = ZeroDigest(rules), facts = ZeroDigest(rules);
  for (size_t k = 0; k < 3; ++k) {
    const InnerSpec spec{pinn.airs[k].get(), 0, true};
    const InnerMembers members = Get(SetupInnerMembers(std::span(&spec, 1), KeyCache::Disabled()));
    const LeafRegions regions = LeafRegionsOf(frontend::StatementLayout(pinn.slices[k].model));
    const TreeKey leaf_key = Get(SetupLeafKey(*tree, members.members[0], regions));
    TreeProof leaf = Get(ProveLeaf<InnerChannel>(*tree, leaf_key, members.members[0], regions,
                                                 pinn.Inner(k), keys, facts, node_key.root()));
    keys = hash::poseidon2_rules::Compress(rules, leaf.Statement().keys_out, leaf.root.words);
    facts = leaf.Statement().facts_out;
    leaf_roots.push_back(leaf.root);
    leaves.push_back(std::move(leaf));
    MESSAGE("leaf " << k + 1 << ": " << Seconds(start) << " s");
  }
  const TreeProof top = Get(ProveTreeTop<InnerChannel>(*tree, node_key, leaves));
  MESSAGE("top: " << Seconds(start) << " s");
  CHECK_FALSE(VerifyTreeProof(*tree, top));
  const frontend::StatementLayout whole_layout(pinn.model);
  const frontend::StatementLayout* layouts[] = {&whole_layout};
  const std::span<const M31> statements[] = {pinn.whole_statement};
  const auto expected_keys = TreeKeysChain(pinn.proofs.commitments, leaf_roots);
  const auto expected_facts = TreeFactsChain(layouts, statements);
  CHECK(expected_keys == keys);
  CHECK(expected_facts == facts);
  CHECK_FALSE(CheckTreeTopNatively(top, node_key.root(), expected_keys, expected_facts));

  // The final proof of the top states the model's statement (test profile: Blake2s, fewer queries).
  const TreeFinalSpec spec{.tree = tree.get(),
                           .node_root = node_key.root(),
                           .keys = expected_keys,
                           .inferences = {{&whole_layout, SlicedCommitment(pinn.proofs.commitments)}}};
  using FinalChannel = hash::Blake2sChannel;
  using FinalHasher = hash::Blake2sMerkleHasher;
  const auto final_key =
      Get(SetupTreeFinal<FinalHasher>(spec, air::ProfileConfig(air::Profile::kTest)));
  const auto final_proof =
      Get(ProveTreeFinal<FinalChannel, FinalHasher>(final_key, spec, top, pinn.whole_statement));
  MESSAGE("final: " << Seconds(start) << " s; final circuit gate rows "
                    << final_key.air->GateRows()[0] << ", " << final_key.air->GateRows()[1] << ", "
                    << final_key.air->GateRows()[2]);
  CHECK(final_proof.public_inputs == pinn.whole_statement);
  const auto rejection = VerifyTreeFinal<FinalChannel, FinalHasher>(
      final_key, spec.inferences, final_proof, 0);
  CHECK_MESSAGE(!rejection, air::ToString(*rejection));
}

}  // namespace
}  // namespace tensorstark::pipeline
