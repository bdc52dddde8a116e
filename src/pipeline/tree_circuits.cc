#include "pipeline/tree_circuits.h"

#include <array>
#include <vector>

#include "recursion/merkle_path.h"
#include "recursion/verifier_circuit.h"

namespace tensorstark::pipeline {
namespace {

using field::M31;
using field::QM31;
using recursion::CircuitBuilder;
using recursion::ValueType;
using recursion::Wire;

std::vector<Wire> GuessWords(CircuitBuilder& builder, std::span<const M31> values) {
  std::vector<Wire> words;
  for (M31 v : values) words.push_back(builder.Guess(ValueType::kM31, QM31(v)));
  return words;
}

}  // namespace

TreeShape StandardTreeShape() {
  air::ProofConfig config = air::ProfileConfig(air::Profile::kRecursive);
  config.zk = false;
  // values, arithmetic, Poseidon2: a node of two children needs twice the permutations of the
  // circuit verifying one outer proof (docs/pipeline.md).
  return {config, {"tree", {18, 20, 15}}};
}

std::variant<std::unique_ptr<const TreeProofAir>, std::string> TreeProofAir::Make(
    const TreeShape& shape) {
  recursion::RecursionAir::Shape air_shape{.poseidon2_layout = recursion::Poseidon2Layout::kRow,
                                           .components = shape.size_class.Components(),
                                           .public_inputs = {}};
  for (size_t i = 0; i < kTreeStatementWords; ++i) {
    air_shape.public_inputs.push_back({static_cast<recursion::WireId>(i), 1});
  }
  recursion::RecursionAir air = recursion::RecursionAir::ForVerifying(air_shape);
  auto inner = recursion::InnerAir::Make(air.components(), shape.config, hash::Poseidon2M31Hash(),
                                         kTreeStatementWords, air.PublicTermShapes());
  if (auto* error = std::get_if<std::string>(&inner)) return *error;
  return std::unique_ptr<const TreeProofAir>(new TreeProofAir(
      shape, std::move(air), std::get<recursion::InnerAir>(std::move(inner))));
}

void BuildLeafCircuit(CircuitBuilder& builder, const InnerMember& member,
                      const LeafRegions& regions, const recursion::InnerWitness* witness,
                      const TreeStatement& stated) {
  const CircuitTreeRules rules{{&builder}};
  // The public statement first: its wires are 0..n-1 (StatementInputs).
  const std::vector<Wire> public_words = recursion::StatementInputs(builder, stated.Words());
  const auto own = TreeStatementOf<Wire>::FromWords(public_words);
  const std::vector<Wire> inner =
      GuessWords(builder, recursion::StatementValues(*member.inner_air, witness));
  AssertModelStatement(builder, member, inner);
  recursion::VerifyInCircuit(builder, *member.inner_air, witness, inner);
  TreeStatementOf<Wire> leaf =
      LeafStatement(rules, regions, own.facts_in, std::span<const Wire>(inner));
  leaf.node_root = own.node_root;
  EqualStatements(rules, own, leaf, "a leaf states its inner proof's statement");
}

void BuildNodeCircuit(CircuitBuilder& builder, const TreeProofAir& tree,
                      std::span<const TreeChild> children, const TreeStatement& stated) {
  const CircuitTreeRules rules{{&builder}};
  const std::vector<Wire> public_words = recursion::StatementInputs(builder, stated.Words());
  const auto own = TreeStatementOf<Wire>::FromWords(public_words);
  std::array<TreeStatementOf<Wire>, 2> child;
  std::array<recursion::DigestWires, 2> roots;
  for (size_t i = 0; i < 2; ++i) {
    const recursion::InnerWitness* witness = children.empty() ? nullptr : &children[i].witness;
    const std::vector<Wire> words =
        GuessWords(builder, recursion::StatementValues(tree.inner(), witness));
    roots[i] = recursion::GuessDigest(builder,
                                      children.empty() ? hash::Poseidon2M31Hash() : children[i].root);
    recursion::VerifyInCircuitUnderRoot(builder, tree.inner(), witness, words, roots[i]);
    child[i] = TreeStatementOf<Wire>::FromWords(words);
  }
  const TreeStatementOf<Wire> node =
      NodeStatement(rules, own.node_root, child[0], roots[0], child[1], roots[1]);
  EqualStatements(rules, own, node, "a node states its children's statements joined");
}

}  // namespace tensorstark::pipeline
