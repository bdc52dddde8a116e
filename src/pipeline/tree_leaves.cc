#include "pipeline/tree_leaves.h"

#include <algorithm>
#include <limits>
#include <map>
#include <utility>

#include "air/proof_io.h"
#include "pipeline/model_key_cache.h"
#include "pipeline/sliced_proof.h"
#include "pipeline/tree_statement.h"

namespace tensorstark::pipeline {
namespace {

KeyCache::Name& AddTreeShape(KeyCache::Name& name, const TreeShape& shape) {
  AddConfig(name, shape.config);
  for (uint32_t log_rows : shape.size_class.log_rows) name.Add(log_rows);
  return name;
}

KeyCache::Name& AddMember(KeyCache::Name& name, const InnerMember& member) {
  return AddConfig(name, member.config).Add(member.model_digest.bytes);
}

}  // namespace

std::variant<std::unique_ptr<TreeLeaves>, std::string> TreeLeaves::Make(
    std::span<const TreeInferenceSpec> inferences, const KeyCache& cache) {
  std::unique_ptr<TreeLeaves> leaves(new TreeLeaves());
  // Each model is lowered once (its slices, if it has several), however many inferences it has.
  std::map<const frontend::QuantizedModel*, std::vector<const frontend::ModelAir*>> airs_of;
  std::vector<InnerSpec> specs;
  for (const TreeInferenceSpec& inference : inferences) {
    const frontend::QuantizedModel& model = *inference.model;
    auto [it, first] = airs_of.try_emplace(&model);
    if (first) {
      const size_t n_slices = frontend::SliceCount(model);
      for (size_t k = 0; k < n_slices; ++k) {
        const frontend::QuantizedModel* lowered = &model;
        if (n_slices > 1) {
          leaves->slices_.push_back(
              std::make_unique<frontend::ModelSlice>(frontend::SliceOf(model, k)));
          lowered = &leaves->slices_.back()->model;
        }
        leaves->airs_.push_back(
            std::make_unique<frontend::ModelAir>(*lowered, frontend::ModelAir::Use::kVerifying));
        it->second.push_back(leaves->airs_.back().get());
      }
      leaves->layouts_.push_back(std::make_unique<frontend::StatementLayout>(model));
    }
    leaves->first_leaf_.push_back(specs.size());
    const bool sliced = it->second.size() > 1;
    for (const frontend::ModelAir* air : it->second) {
      specs.push_back({air, inference.model_index, sliced || inference.zero_knowledge});
      leaves->regions_.push_back(LeafRegionsOf(air->statement_layout()));
    }
  }
  leaves->first_leaf_.push_back(specs.size());
  auto members = SetupInnerMembers(specs, cache);
  if (auto* error = std::get_if<std::string>(&members)) return *error;
  leaves->members_ = std::move(std::get<InnerMembers>(members).members);
  leaves->keys_from_cache_ = std::get<InnerMembers>(members).from_cache;
  size_t next_layout = 0;
  std::map<const frontend::QuantizedModel*, const frontend::StatementLayout*> layout_of;
  for (size_t i = 0; i < inferences.size(); ++i) {
    auto [it, first] = layout_of.try_emplace(inferences[i].model);
    if (first) it->second = leaves->layouts_[next_layout++].get();
    const std::span<const InnerMember> own(leaves->members_.begin() + leaves->first_leaf_[i],
                                           leaves->members_.begin() + leaves->first_leaf_[i + 1]);
    std::vector<frontend::ModelCommitment> commitments;
    for (const InnerMember& member : own) commitments.push_back(member.commitment);
    leaves->inferences_.push_back(
        {it->second, own.size() == 1 ? commitments[0] : SlicedCommitment(commitments)});
  }
  return leaves;
}

std::vector<frontend::ModelCommitment> TreeLeaves::LeafCommitments() const {
  std::vector<frontend::ModelCommitment> commitments;
  for (const InnerMember& member : members_) commitments.push_back(member.commitment);
  return commitments;
}

std::vector<std::array<field::M31, 8>> TreeLeaves::WeightsDigests(size_t i) const {
  std::vector<std::array<field::M31, 8>> digests;
  for (size_t leaf = first_leaf_[i]; leaf < first_leaf_[i + 1]; ++leaf) {
    if (const auto digest = members_[leaf].spec.air->WeightsDigest()) digests.push_back(*digest);
  }
  return digests;
}

CircuitRows LeafCircuitRows(const frontend::ModelAir& air) {
  const air::ProofConfig config = InnerProofConfig(true);
  auto inner_air = ModelInnerAir(air, hash::Poseidon2M31Hash(), config);
  if (std::holds_alternative<std::string>(inner_air)) {
    CircuitRows infinite;
    infinite.fill(std::numeric_limits<double>::infinity());
    return infinite;
  }
  const InnerMember member{.spec = {&air, 0, true},
                           .config = config,
                           .commitment = {},
                           .inner_air = std::make_shared<const recursion::InnerAir>(
                               std::get<recursion::InnerAir>(std::move(inner_air))),
                           .model_digest = {}};
  recursion::CircuitBuilder builder(false);
  BuildLeafCircuit(builder, member, LeafRegionsOf(air.statement_layout()), nullptr,
                   TreeStatement());
  using recursion::GateKind;
  const auto counts = std::move(builder).Finish().CountByKind();
  const auto count = [&](GateKind kind) { return static_cast<double>(counts[size_t(kind)]); };
  // The rows of each component (recursion_air.h): values, arithmetic, Poseidon2.
  return {count(GateKind::kConstant) + count(GateKind::kGuess) + count(GateKind::kAssertEqual),
          count(GateKind::kAdd) + count(GateKind::kSub) + count(GateKind::kMul),
          count(GateKind::kPoseidon2)};
}

double LoadOn(const CircuitRows& rows, const recursion::SizeClass& size_class) {
  double load = 0;
  for (size_t k = 0; k < recursion::kComponentKinds; ++k) {
    load = std::max(load, rows[k] / static_cast<double>(uint64_t{1} << size_class.log_rows[k]));
  }
  return load;
}

std::vector<TreeDigest<field::M31>> LeafFactsIn(
    const TreeLeaves& leaves, std::span<const std::span<const field::M31>> inner_statements) {
  const NativeTreeRules rules;
  TreeDigest<field::M31> state = ZeroDigest(rules);
  std::vector<TreeDigest<field::M31>> facts_in;
  for (size_t leaf = 0; leaf < inner_statements.size(); ++leaf) {
    facts_in.push_back(state);
    state = LeafStatement(rules, leaves.regions()[leaf], state, inner_statements[leaf]).facts_out;
  }
  return facts_in;
}

hash::Blake2sHash NodeRootName(const TreeShape& shape) {
  KeyCache::Name name("tree node root");
  return AddTreeShape(name, shape).Finish();
}

hash::Blake2sHash LeafRootName(const TreeShape& shape, const InnerMember& member) {
  KeyCache::Name name("tree leaf root");
  return AddMember(AddTreeShape(name, shape), member).Finish();
}

void PutRoot(const KeyCache& cache, const hash::Blake2sHash& name,
             const hash::Poseidon2M31Hash& root) {
  cache.Put(name, air::HashBytes(root));
}

std::optional<hash::Poseidon2M31Hash> GetRoot(const KeyCache& cache,
                                              const hash::Blake2sHash& name) {
  const auto bytes = cache.Get(name);
  if (!bytes || bytes->size() != 32) return std::nullopt;
  return air::HashFromBytes<hash::Poseidon2M31Hash>(std::span<const uint8_t, 32>(bytes->data(), 32));
}

std::variant<hash::Poseidon2M31Hash, std::string> NodeRootOf(const TreeProofAir& tree,
                                                             const KeyCache& cache) {
  const hash::Blake2sHash name = NodeRootName(tree.tree_shape());
  if (const auto root = GetRoot(cache, name)) return *root;
  auto key = SetupNodeKey(tree);
  if (auto* error = std::get_if<std::string>(&key)) return *error;
  PutRoot(cache, name, std::get<TreeKey>(key).root());
  return std::get<TreeKey>(key).root();
}

std::variant<TreeRoots, std::string> TreeRootsOf(const TreeProofAir& tree, const TreeLeaves& leaves,
                                                 const KeyCache& cache) {
  TreeRoots roots;
  auto node = NodeRootOf(tree, cache);
  if (auto* error = std::get_if<std::string>(&node)) return *error;
  roots.node = std::get<hash::Poseidon2M31Hash>(node);
  // Derived once per leaf model, however many inferences it has.
  std::map<std::array<uint8_t, 32>, hash::Poseidon2M31Hash> derived;
  for (size_t leaf = 0; leaf < leaves.members().size(); ++leaf) {
    const InnerMember& member = leaves.members()[leaf];
    const hash::Blake2sHash name = LeafRootName(tree.tree_shape(), member);
    auto it = derived.find(name.bytes);
    if (it == derived.end()) {
      std::optional<hash::Poseidon2M31Hash> root = GetRoot(cache, name);
      if (!root) {
        auto key = SetupLeafKey(tree, member, leaves.regions()[leaf]);
        if (auto* error = std::get_if<std::string>(&key)) return *error;
        root = std::get<TreeKey>(key).root();
        PutRoot(cache, name, *root);
      }
      it = derived.emplace(name.bytes, *root).first;
    }
    roots.leaves.push_back(it->second);
  }
  return roots;
}

TreeFinalSpec TreeFinalSpecOf(const TreeProofAir& tree, const TreeLeaves& leaves,
                              const TreeRoots& roots) {
  return {.tree = &tree,
          .node_root = roots.node,
          .keys = TreeKeysDigest(leaves.LeafCommitments(), roots.leaves),
          .inferences = {leaves.inferences().begin(), leaves.inferences().end()}};
}

hash::Blake2sHash TreeFinalKeyName(const TreeShape& shape, const TreeLeaves& leaves,
                                   const air::ProofConfig& final_config) {
  KeyCache::Name name("tree final verifying key");
  AddConfig(AddTreeShape(name, shape), final_config);
  name.Add(leaves.members().size());
  for (const InnerMember& member : leaves.members()) AddMember(name, member);
  name.Add(leaves.inferences().size());
  for (size_t i = 0; i < leaves.inferences().size(); ++i) name.Add(leaves.first_leaf(i));
  return name.Finish();
}

}  // namespace tensorstark::pipeline
