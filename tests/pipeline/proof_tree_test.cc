// The aggregation tree (pipeline/proof_tree.h, tree_final.h): its node circuit fits the tree's
// class; pinn in three slices becomes one tree proof whose top holds exactly its slices' leaves and
// the model's statement, and whose final proof states it; children that do not join (swapped,
// the chain broken, tampered, under another root) are refused by the native prover and fail the
// node circuit at the named check, and a top of other leaves or another statement fails the final
// circuit.
#include "pipeline/tree_final.h"

#include <doctest/doctest.h>

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
#include "pipeline/tree_leaves.h"

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

TEST_CASE("the node circuit fits the tree's class") {
  const auto tree = Get(TreeProofAir::Make(StandardTreeShape()));
  recursion::CircuitBuilder builder(false);
  BuildNodeCircuit(builder, *tree, {}, TreeStatement());
  const recursion::Circuit circuit = std::move(builder).Finish();
  // At the class, with a node proof's shape (what SetupNodeKey requires).
  auto at_class = recursion::RecursionAir::Make(circuit, &tree->tree_shape().size_class);
  if (auto* error = std::get_if<std::string>(&at_class)) FAIL(*error);
  CHECK(std::get<recursion::RecursionAir>(at_class).shape() == tree->ProofShape());
  // Its rows, as docs/pipeline.md gives them.
  const auto rows = std::get<recursion::RecursionAir>(at_class).GateRows();
  MESSAGE("node circuit gate rows: values " << rows[0] << ", arithmetic " << rows[1]
                                            << ", Poseidon2 " << rows[2]);
  // A leaf circuit of every example fits too: the widest, fashion_lenet's (public weights).
  const frontend::QuantizedModel lenet = frontend::CompileOnnxModel(
      std::string(TENSORSTARK_EXAMPLES) + "/fashion_lenet/model.onnx",
      std::string(TENSORSTARK_EXAMPLES) + "/fashion_lenet/calibration.json");
  CHECK(LeafLoad(frontend::ModelAir(lenet, frontend::ModelAir::Use::kVerifying),
                 StandardTreeShape()) <= 1);
}

// pinn (5 operators) with compile's defaults in three slices, each slice's proof at the recursive
// profile, the slices' leaves and the model's statement.
struct SlicedPinn {
  QuantizedModel model;
  std::vector<frontend::ModelSlice> slices;
  std::vector<std::unique_ptr<frontend::ModelAir>> airs;
  SliceProofs proofs;
  std::vector<M31> whole_statement;

  explicit SlicedPinn(double shift = 0) {
    model = frontend::CompileOnnxModel(kPinn + "/model.onnx", kPinn + "/calibration.json");
    model.input_visibility = model.weights_visibility = frontend::Visibility::kPrivate;
    model.slice_starts = {2, 4};
    auto input = frontend::ReadInput(kPinn + "/input.json", frontend::FloatGraphOf(model));
    for (auto& v : input[0].values) v += shift;
    const frontend::QuantizedRun run = frontend::RunQuantized(model, input);
    proofs = ProveSlices<InnerChannel, InnerHasher>(model, run, InnerProofConfig(true), {},
                                                    DrawSalts(2), {});
    for (size_t k = 0; k < 3; ++k) slices.push_back(frontend::SliceOf(model, k));
    for (const frontend::ModelSlice& slice : slices) {
      airs.push_back(std::make_unique<frontend::ModelAir>(slice.model));
    }
    whole_statement = WholeStatement(
        frontend::StatementLayout(model), SlicedCommitment(proofs.commitments),
        frontend::StatementLayout(slices[0].model), proofs.statements[0],
        frontend::StatementLayout(slices[2].model), proofs.statements[2]);
  }
  InnerProof Inner(size_t k) const {
    return std::get<InnerProof>(air::ParseProof<InnerHasher>(proofs.proofs[k]));
  }
};

// The tree over SlicedPinn's three slices (input shifted by `shift`), proved once per shift.
struct PinnTree {
  SlicedPinn pinn;
  std::unique_ptr<const TreeProofAir> tree;
  TreeKey node_key;
  std::vector<TreeProof> leaves;
  std::vector<hash::Poseidon2M31Hash> leaf_roots;
  TreeDigest<M31> facts;  // the facts chain after the leaves

  explicit PinnTree(double shift = 0) : pinn(shift) {
    tree = Get(TreeProofAir::Make(StandardTreeShape()));
    node_key = Get(SetupNodeKey(*tree));
    facts = ZeroDigest(NativeTreeRules());
    for (size_t k = 0; k < 3; ++k) {
      TreeProof leaf = ProveLeafOf(k, facts);
      facts = leaf.Statement().facts_out;
      leaf_roots.push_back(leaf.root);
      leaves.push_back(std::move(leaf));
    }
  }
  TreeProof ProveLeafOf(size_t k, const TreeDigest<M31>& facts_in) const {
    const InnerSpec spec{pinn.airs[k].get(), 0, true};
    const InnerMembers members = Get(SetupInnerMembers(std::span(&spec, 1), KeyCache::Disabled()));
    const LeafRegions regions = LeafRegionsOf(frontend::StatementLayout(pinn.slices[k].model));
    const TreeKey leaf_key = Get(SetupLeafKey(*tree, members.members[0], regions));
    return Get(ProveLeaf<InnerChannel>(*tree, leaf_key, members.members[0], regions, pinn.Inner(k),
                                       facts_in, node_key.root()));
  }
  TreeFinalSpec FinalSpec(const frontend::StatementLayout& whole) const {
    return {.tree = tree.get(),
            .node_root = node_key.root(),
            .keys = TreeKeysDigest(pinn.proofs.commitments, leaf_roots),
            .inferences = {{&whole, SlicedCommitment(pinn.proofs.commitments)}}};
  }
};

const PinnTree& Pinn() {
  static const PinnTree pinn;
  return pinn;
}

// The node circuit built with values over two children as a prover would: the first gate it
// fails, if any.
std::optional<std::string> NodeCircuitFailure(const PinnTree& t, const TreeProof& left,
                                              const TreeProof& right) {
  std::vector<recursion::InnerOpened> opened(2);
  VerifyTreeProof(*t.tree, left, &opened[0]);
  VerifyTreeProof(*t.tree, right, &opened[1]);
  const TreeStatement stated = NodeStatement(NativeTreeRules(), t.node_key.root().words,
                                             left.Statement(), left.root.words, right.Statement(),
                                             right.root.words);
  const TreeChild children[] = {{{&left.proof, &opened[0]}, left.root},
                                {{&right.proof, &opened[1]}, right.root}};
  recursion::CircuitBuilder builder(true);
  BuildNodeCircuit(builder, *t.tree, children, stated);
  return builder.failure();
}

void CheckRefused(const std::variant<TreeProof, std::string>& made, const std::string& native,
                  const std::optional<std::string>& circuit, const std::string& gate) {
  REQUIRE(std::holds_alternative<std::string>(made));
  CHECK_MESSAGE(std::get<std::string>(made).find(native) != std::string::npos,
                std::get<std::string>(made));
  REQUIRE(circuit);
  CHECK_MESSAGE(circuit->find(gate) != std::string::npos, *circuit);
}

TEST_CASE("three slices' leaves joined by nodes: the top holds the model's statement") {
  const PinnTree& t = Pinn();
  const TreeProof top = Get(ProveTreeTop<InnerChannel>(*t.tree, t.node_key, t.leaves));
  CHECK_FALSE(VerifyTreeProof(*t.tree, top));
  const frontend::StatementLayout whole_layout(t.pinn.model);
  const frontend::StatementLayout* layouts[] = {&whole_layout};
  const std::span<const M31> statements[] = {t.pinn.whole_statement};
  const auto expected_keys = TreeKeysDigest(t.pinn.proofs.commitments, t.leaf_roots);
  const auto expected_facts = TreeFactsChain(layouts, statements);
  CHECK(expected_facts == t.facts);
  CHECK_FALSE(CheckTreeTopNatively(top, t.node_key.root(), expected_keys, expected_facts));

  // The final proof of the top states the model's statement (test profile: Blake2s, fewer queries).
  const TreeFinalSpec spec = t.FinalSpec(whole_layout);
  using FinalChannel = hash::Blake2sChannel;
  using FinalHasher = hash::Blake2sMerkleHasher;
  const auto final_key =
      Get(SetupTreeFinal<FinalHasher>(spec, air::ProfileConfig(air::Profile::kTest)));
  const auto final_proof =
      Get(ProveTreeFinal<FinalChannel, FinalHasher>(final_key, spec, top, t.pinn.whole_statement));
  CHECK(final_proof.public_inputs == t.pinn.whole_statement);
  const auto rejection =
      VerifyTreeFinal<FinalChannel, FinalHasher>(final_key, spec.inferences, final_proof, 0);
  CHECK_MESSAGE(!rejection, air::ToString(*rejection));

  SUBCASE("a tree of other leaves (a slice of another model) is refused at its top") {
    TreeFinalSpec other = spec;
    other.keys = TreeKeysDigest(t.pinn.proofs.commitments,
                               std::vector{t.leaf_roots[0], t.leaf_roots[0], t.leaf_roots[2]});
    CHECK(CheckTreeTopNatively(top, t.node_key.root(), other.keys, expected_facts) ==
          "the tree holds the expected leaves");
    const auto refused =
        ProveTreeFinal<FinalChannel, FinalHasher>(final_key, other, top, t.pinn.whole_statement);
    REQUIRE(std::holds_alternative<std::string>(refused));
    CHECK(std::get<std::string>(refused).find("the tree holds the expected leaves") !=
          std::string::npos);
    recursion::InnerOpened opened;
    VerifyTreeProof(*t.tree, top, &opened);
    const TreeChild witness{{&top.proof, &opened}, top.root};
    recursion::CircuitBuilder builder(true);
    BuildTreeFinalCircuit(builder, other, &witness, t.pinn.whole_statement);
    REQUIRE(builder.failure());
    CHECK_MESSAGE(builder.failure()->find("the tree holds the expected leaves") != std::string::npos,
                  *builder.failure());
  }
  SUBCASE("another output stated is refused by the final circuit's facts chain") {
    std::vector<M31> changed = t.pinn.whole_statement;
    changed.back() += M31::One();
    recursion::InnerOpened opened;
    VerifyTreeProof(*t.tree, top, &opened);
    const TreeChild witness{{&top.proof, &opened}, top.root};
    recursion::CircuitBuilder builder(true);
    BuildTreeFinalCircuit(builder, spec, &witness, changed);
    REQUIRE(builder.failure());
    CHECK_MESSAGE(builder.failure()->find("the tree states the statement's inputs and outputs") !=
                      std::string::npos,
                  *builder.failure());
  }
}

TEST_CASE("a node refuses children that do not join, natively and in its circuit") {
  const PinnTree& t = Pinn();
  SUBCASE("two slices swapped") {
    // pinn's input is private: the facts chain is empty until the output, and the links refuse.
    CheckRefused(ProveNode<InnerChannel>(*t.tree, t.node_key, t.leaves[1], t.leaves[0]),
                 "consecutive slices meet", NodeCircuitFailure(t, t.leaves[1], t.leaves[0]),
                 "consecutive slices meet");
  }
  SUBCASE("the last slice before the first") {
    // The last slice's facts chain ends after the output it states, the first's starts at zero.
    CheckRefused(ProveNode<InnerChannel>(*t.tree, t.node_key, t.leaves[2], t.leaves[0]),
                 "the children's facts chains meet", NodeCircuitFailure(t, t.leaves[2], t.leaves[0]),
                 "the children's facts chains meet");
  }
  SUBCASE("a slice proved on another input: the chain broken") {
    // Slice 2 of a proof on another input, as its leaf after slice 1 of this proof: each is valid,
    // the link between them is not.
    const SlicedPinn other(0.25);
    const InnerSpec spec{other.airs[1].get(), 0, true};
    const InnerMembers members = Get(SetupInnerMembers(std::span(&spec, 1), KeyCache::Disabled()));
    const LeafRegions regions = LeafRegionsOf(frontend::StatementLayout(other.slices[1].model));
    const TreeKey leaf_key = Get(SetupLeafKey(*t.tree, members.members[0], regions));
    const TreeProof& first = t.leaves[0];
    const TreeProof second =
        Get(ProveLeaf<InnerChannel>(*t.tree, leaf_key, members.members[0], regions, other.Inner(1),
                                    first.Statement().facts_out, t.node_key.root()));
    CheckRefused(ProveNode<InnerChannel>(*t.tree, t.node_key, first, second),
                 "consecutive slices meet", NodeCircuitFailure(t, first, second),
                 "consecutive slices meet");
  }
  SUBCASE("a child's proof tampered") {
    TreeProof tampered = t.leaves[0];
    tampered.proof.pcs.sampled_values[1][0][0] += field::QM31::One();
    CHECK(VerifyTreeProof(*t.tree, tampered));
    CheckRefused(ProveNode<InnerChannel>(*t.tree, t.node_key, tampered, t.leaves[1]),
                 "the left child is invalid", NodeCircuitFailure(t, tampered, t.leaves[1]),
                 "the composition matches the constraints");
  }
  SUBCASE("a child proved under another root than it states") {
    TreeProof relabelled = t.leaves[1];
    relabelled.root = t.leaves[0].root;
    CHECK(VerifyTreeProof(*t.tree, relabelled));
    CheckRefused(ProveNode<InnerChannel>(*t.tree, t.node_key, t.leaves[0], relabelled),
                 "the right child is invalid", NodeCircuitFailure(t, t.leaves[0], relabelled),
                 "a proof-of-work zero bit");  // its transcript is not the proof's
  }
}

}  // namespace
}  // namespace tensorstark::pipeline
