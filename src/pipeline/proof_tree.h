// An aggregation tree of proofs (docs/pipeline.md, "The aggregation tree"): each inner proof (a
// slice's, or a whole model's) becomes a leaf, a tree proof of its verifier circuit
// (tree_circuits.h); pairs of tree proofs become nodes, level by level, until one tree proof, the
// top, holds them all. Its statement is a fixed number of words (tree_statement.h) whatever the
// number of leaves, so what verifies it (natively, or the final circuit) does not grow with them:
// given the leaves' keys digest (TreeKeysDigest) and the statements' facts chain (TreeFactsChain),
// CheckTreeTop says whether the tree holds exactly those leaves, every slice chained to the next.
#pragma once

#include <fmt/format.h>

#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "pipeline/model_recursion.h"
#include "pipeline/tree_circuits.h"
#include "pipeline/tree_statement.h"

namespace tensorstark::pipeline {

inline constexpr RecursionLevel kLeafLevel = {"leaf circuit", "inner proof", "leaf trace",
                                              "leaf proof"};
inline constexpr RecursionLevel kNodeLevel = {"node circuit", "tree proof", "node trace",
                                              "node proof"};

// A leaf's or the node's key: its circuit's recursion AIR at the tree's class and the proving key,
// whose preprocessed root the tree chains (a leaf's) or states (the node's).
struct TreeKey {
  std::unique_ptr<recursion::RecursionAir> air;
  air::ProvingKey<InnerHasher> key;
  const hash::Poseidon2M31Hash& root() const { return key.verifying_key.preprocessed_root; }
};

// The key of `member`'s leaves (their inner statements laid out as `regions`), or a one-line error
// (a circuit larger than the tree's class).
std::variant<TreeKey, std::string> SetupLeafKey(const TreeProofAir& tree, const InnerMember& member,
                                                const LeafRegions& regions);
std::variant<TreeKey, std::string> SetupNodeKey(const TreeProofAir& tree);

// A tree proof and the preprocessed root it was proved under (a leaf's key's, or the node key's).
struct TreeProof {
  InnerProof proof;
  hash::Poseidon2M31Hash root;
  TreeStatement Statement() const { return TreeStatement::FromWords(proof.public_inputs); }
};

// A tree proof's file, for a step of the tree another process or machine takes up: the magic
// "TSTP", the version (u32), the root's 32 bytes (as a proof writes a Poseidon2-M31 hash), then the
// proof (air/proof_io.h). Little-endian.
bool IsTreeProof(std::span<const uint8_t> bytes);
std::vector<uint8_t> WriteTreeProof(const TreeProof& proof);
// The tree proof, or why the bytes are not one.
std::variant<TreeProof, std::string> ReadTreeProof(std::span<const uint8_t> bytes);

// The keys digest of the tree over leaves with these inner commitments and leaf roots, in order,
// joined as ProveTreeTop joins them (pairs level by level, an odd one out carried up).
TreeDigest<field::M31> TreeKeysDigest(std::span<const frontend::ModelCommitment> commitments,
                                      std::span<const hash::Poseidon2M31Hash> leaf_roots);

// The facts chain, from zero, of these statements of whole models (each with its model's
// StatementLayout), in order: what the leaves of their inferences chain, sliced or not.
TreeDigest<field::M31> TreeFactsChain(std::span<const frontend::StatementLayout* const> layouts,
                                      std::span<const std::span<const field::M31>> statements);

// A tree proof's STARK under the root it comes with; what it states is the caller's to check.
std::optional<air::VerificationError> VerifyTreeProof(const TreeProofAir& tree,
                                                      const TreeProof& proof,
                                                      recursion::InnerOpened* opened = nullptr);

// Why `top` does not hold exactly the leaves of `keys` and the statements of `facts` under the node
// key's root, its STARK aside (CheckTreeTop), or nothing.
std::optional<std::string> CheckTreeTopNatively(const TreeProof& top,
                                                const hash::Poseidon2M31Hash& node_root,
                                                const TreeDigest<field::M31>& keys,
                                                const TreeDigest<field::M31>& facts);

// The leaf proof of `inner`, a proof of `member`'s model, after the facts chain's state
// `facts_in`, stating the node key's root `node_root` (which its parent checks), or a one-line
// reason: the inner proof's shape, the native verifier's rejection, or
// the circuit's first failing gate (a bug).
template <hash::Channel C>
std::variant<TreeProof, std::string> ProveLeaf(const TreeProofAir& tree, const TreeKey& key,
                                               const InnerMember& member,
                                               const LeafRegions& regions, const InnerProof& inner,
                                               const TreeDigest<field::M31>& facts_in,
                                               const hash::Poseidon2M31Hash& node_root,
                                               air::ProveOptions options = {}) {
  PhaseClock clock{options.timings};
  if (auto error = member.inner_air->CheckShape(inner)) {
    return "the inner proof cannot be aggregated: " + *error;
  }
  recursion::InnerOpened opened;
  if (auto rejection = member.inner_air->VerifyNatively(inner, &opened)) {
    return "the inner proof is invalid: " + air::ToString(*rejection);
  }
  if (auto rejection = frontend::CheckModelStatement(*member.spec.air, member.commitment,
                                                     member.config.zk, inner.public_inputs)) {
    return "the inner proof is invalid: " + air::ToString(*rejection);
  }
  clock.End("verify inner proof");
  TreeStatement stated = LeafStatement(NativeTreeRules(), regions, facts_in,
                                       std::span<const field::M31>(inner.public_inputs));
  stated.node_root = node_root.words;
  recursion::CircuitBuilder builder(true);
  builder.ReserveLike(key.air->circuit());
  const recursion::InnerWitness witness{&inner, &opened};
  BuildLeafCircuit(builder, member, regions, &witness, stated);
  auto proof = ProveRecursionCircuit<C, InnerHasher>(*key.air, tree.tree_shape().config, key.key,
                                                     builder, clock, options, kLeafLevel);
  if (auto* error = std::get_if<std::string>(&proof)) return *error;
  return TreeProof{std::get<InnerProof>(std::move(proof)), key.root()};
}

// The node proof of two consecutive tree proofs, or a one-line reason: a child's shape or
// rejection, children that do not meet (NodeStatement's first failing check), or the circuit's
// first failing gate (a bug).
template <hash::Channel C>
std::variant<TreeProof, std::string> ProveNode(const TreeProofAir& tree, const TreeKey& key,
                                               const TreeProof& left, const TreeProof& right,
                                               air::ProveOptions options = {}) {
  PhaseClock clock{options.timings};
  const TreeProof* children[] = {&left, &right};
  std::vector<recursion::InnerOpened> opened(2);
  for (size_t i = 0; i < 2; ++i) {
    const char* which = i == 0 ? "left" : "right";
    if (auto error = tree.inner().CheckShape(children[i]->proof)) {
      return fmt::format("the {} child is not a tree proof: {}", which, *error);
    }
    if (auto rejection = VerifyTreeProof(tree, *children[i], &opened[i])) {
      return fmt::format("the {} child is invalid: {}", which, air::ToString(*rejection));
    }
  }
  const NativeTreeRules rules;
  const TreeStatement stated = NodeStatement(rules, key.root().words, left.Statement(), left.root.words,
                                             right.Statement(), right.root.words);
  if (rules.failure) return "the children cannot be joined: " + *rules.failure;
  clock.End("verify children");
  recursion::CircuitBuilder builder(true);
  builder.ReserveLike(key.air->circuit());
  const TreeChild witnesses[] = {{{&left.proof, &opened[0]}, left.root},
                                 {{&right.proof, &opened[1]}, right.root}};
  BuildNodeCircuit(builder, tree, witnesses, stated);
  auto proof = ProveRecursionCircuit<C, InnerHasher>(*key.air, tree.tree_shape().config, key.key,
                                                     builder, clock, options, kNodeLevel);
  if (auto* error = std::get_if<std::string>(&proof)) return *error;
  return TreeProof{std::get<InnerProof>(std::move(proof)), key.root()};
}

// The top of the tree over `proofs` (leaves, or any tree proofs, in order): pairs joined level by
// level, an odd one out carried to the next level. `on_node` is told each node as it begins.
template <hash::Channel C>
std::variant<TreeProof, std::string> ProveTreeTop(
    const TreeProofAir& tree, const TreeKey& node_key, std::vector<TreeProof> proofs,
    const std::function<void(size_t level, size_t index)>& on_node = {},
    air::ProveOptions options = {}) {
  if (proofs.empty()) return std::string("no proofs to aggregate");
  for (size_t level = 1; proofs.size() > 1; ++level) {
    std::vector<TreeProof> next;
    for (size_t i = 0; i + 1 < proofs.size(); i += 2) {
      if (on_node) on_node(level, i / 2);
      auto node = ProveNode<C>(tree, node_key, proofs[i], proofs[i + 1], options);
      if (auto* error = std::get_if<std::string>(&node)) return *error;
      next.push_back(std::get<TreeProof>(std::move(node)));
    }
    if (proofs.size() % 2 == 1) next.push_back(std::move(proofs.back()));
    proofs = std::move(next);
  }
  return std::move(proofs.front());
}

}  // namespace tensorstark::pipeline
