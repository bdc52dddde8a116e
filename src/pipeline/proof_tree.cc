#include "pipeline/proof_tree.h"

#include <utility>

namespace tensorstark::pipeline {
namespace {

using field::M31;

// The key of a tree circuit: its AIR at the tree's class, which must have every tree proof's shape.
std::variant<TreeKey, std::string> SetupTreeKey(const TreeProofAir& tree, recursion::Circuit circuit,
                                                std::string_view what) {
  auto air = recursion::RecursionAir::Make(std::move(circuit), &tree.tree_shape().size_class,
                                           recursion::Poseidon2Layout::kRow);
  if (auto* error = std::get_if<std::string>(&air)) {
    return fmt::format("the {} does not fit the tree's class: {}", what, *error);
  }
  TreeKey key{.air = std::make_unique<recursion::RecursionAir>(
                  std::get<recursion::RecursionAir>(std::move(air))),
              .key = {}};
  if (key.air->shape() != tree.ProofShape()) {
    return fmt::format("the {} does not have a tree proof's shape (a bug)", what);
  }
  auto proving = air::SetupProver<InnerHasher>(key.air->components(), tree.tree_shape().config);
  if (auto* error = std::get_if<std::string>(&proving)) return *error;
  key.key = std::get<air::ProvingKey<InnerHasher>>(std::move(proving));
  return key;
}

}  // namespace

std::variant<TreeKey, std::string> SetupLeafKey(const TreeProofAir& tree, const InnerMember& member,
                                                const LeafRegions& regions) {
  recursion::CircuitBuilder builder(false);
  BuildLeafCircuit(builder, member, regions, nullptr, TreeStatement());
  return SetupTreeKey(tree, std::move(builder).Finish(), "leaf circuit");
}

std::variant<TreeKey, std::string> SetupNodeKey(const TreeProofAir& tree) {
  recursion::CircuitBuilder builder(false);
  BuildNodeCircuit(builder, tree, {}, TreeStatement());
  return SetupTreeKey(tree, std::move(builder).Finish(), "node circuit");
}

TreeDigest<M31> TreeKeysChain(std::span<const frontend::ModelCommitment> commitments,
                              std::span<const hash::Poseidon2M31Hash> leaf_roots) {
  const NativeTreeRules rules;
  TreeDigest<M31> state = ZeroDigest(rules);
  for (size_t i = 0; i < commitments.size(); ++i) {
    state = hash::poseidon2_rules::Compress(rules, state, commitments[i]);
    state = hash::poseidon2_rules::Compress(rules, state, leaf_roots[i].words);
  }
  return state;
}

TreeDigest<M31> TreeFactsChain(std::span<const frontend::StatementLayout* const> layouts,
                               std::span<const std::span<const M31>> statements) {
  const NativeTreeRules rules;
  TreeDigest<M31> state = ZeroDigest(rules);
  for (size_t i = 0; i < layouts.size(); ++i) {
    const LeafRegions regions = LeafRegionsOf(*layouts[i]);
    state = Absorb(rules, state, statements[i].subspan(regions.inputs_first, regions.inputs_count));
    state =
        Absorb(rules, state, statements[i].subspan(regions.outputs_first, regions.outputs_count));
  }
  return state;
}

std::optional<air::VerificationError> VerifyTreeProof(const TreeProofAir& tree,
                                                      const TreeProof& proof,
                                                      recursion::InnerOpened* opened) {
  if (auto error = tree.inner().CheckShape(proof.proof)) {
    return air::VerificationError{air::VerificationError::Kind::kShapeMismatch, *error};
  }
  return tree.inner().VerifyNatively(proof.proof, opened, &proof.root);
}

std::optional<std::string> CheckTreeTopNatively(const TreeProof& top,
                                                const hash::Poseidon2M31Hash& node_root,
                                                const TreeDigest<M31>& keys,
                                                const TreeDigest<M31>& facts) {
  const NativeTreeRules rules;
  CheckTreeTop(rules, top.Statement(), top.root.words, node_root.words, keys, facts);
  return rules.failure;
}

}  // namespace tensorstark::pipeline
