#include "pipeline/proof_tree.h"

#include <algorithm>
#include <array>
#include <utility>

#include "air/proof_io.h"
#include "pipeline/file_words.h"

namespace tensorstark::pipeline {
namespace {

using field::M31;

constexpr FileKind kTreeFile = {{'T', 'S', 'T', 'P'}, 1, "tree proof"};

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

bool IsTreeProof(std::span<const uint8_t> bytes) {
  return kTreeFile.Heads(bytes);
}

std::vector<uint8_t> WriteTreeProof(const TreeProof& proof) {
  std::vector<uint8_t> out = kTreeFile.Header();
  const std::array<uint8_t, 32> root = air::HashBytes(proof.root);
  out.insert(out.end(), root.begin(), root.end());
  const std::vector<uint8_t> bytes = air::SerializeProof(proof.proof);
  out.insert(out.end(), bytes.begin(), bytes.end());
  return out;
}

std::variant<TreeProof, std::string> ReadTreeProof(std::span<const uint8_t> bytes) {
  auto opened = kTreeFile.Open(bytes);
  if (auto* refusal = std::get_if<std::string>(&opened)) return *refusal;
  FileWordReader& reader = std::get<FileWordReader>(opened);
  const std::optional<std::string>& error = reader.error();
  const std::span<const uint8_t> root_bytes = reader.ReadBytes(32, "the root");
  if (error) return *error;
  const auto root =
      air::HashFromBytes<hash::Poseidon2M31Hash>(std::span<const uint8_t, 32>(root_bytes.data(), 32));
  if (!root) return std::string("the tree proof's root is not a Poseidon2-M31 hash");
  auto proof = air::ParseProof<InnerHasher>(reader.rest());
  if (auto* parse_error = std::get_if<air::ProofParseError>(&proof)) return parse_error->message;
  return TreeProof{std::get<InnerProof>(std::move(proof)), *root};
}

TreeDigest<M31> TreeKeysDigest(std::span<const frontend::ModelCommitment> commitments,
                               std::span<const hash::Poseidon2M31Hash> leaf_roots) {
  const NativeTreeRules rules;
  std::vector<TreeDigest<M31>> level;
  for (size_t i = 0; i < commitments.size(); ++i) {
    level.push_back(hash::poseidon2_rules::Compress(rules, commitments[i], leaf_roots[i].words));
  }
  while (level.size() > 1) {
    std::vector<TreeDigest<M31>> next;
    for (size_t i = 0; i + 1 < level.size(); i += 2) {
      next.push_back(hash::poseidon2_rules::Compress(rules, level[i], level[i + 1]));
    }
    if (level.size() % 2 == 1) next.push_back(level.back());
    level = std::move(next);
  }
  return level.front();
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
