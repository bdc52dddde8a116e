#include "api/tree.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <optional>
#include <utility>

#include "air/proof_io.h"
#include "api/hash_family.h"
#include "api/timing.h"
#include "frontend/frontend_error.h"
#include "frontend/slices.h"
#include "hash/poseidon252_channel.h"
#include "hash/poseidon252_merkle_hasher.h"
#include "pipeline/proof_tree.h"
#include "pipeline/sliced_proof.h"
#include "pipeline/tree_final.h"
#include "pipeline/tree_leaves.h"

namespace tensorstark::api {
namespace {

using field::M31;
using frontend::FrontendError;
using FinalChannel = hash::Poseidon252Channel;
using FinalHasher = hash::Poseidon252MerkleHasher;

// An inference's inner proofs: its model's proof, or each slice's.
std::vector<pipeline::InnerProof> ParseInference(const InnerProofInput& input,
                                                 const frontend::QuantizedModel& model) {
  const size_t n_slices = frontend::SliceCount(model);
  std::vector<pipeline::InnerProof> proofs;
  if (!pipeline::IsSlicedProof(input.proof)) {
    if (n_slices > 1) {
      throw FrontendError(fmt::format(
          "{} is not a sliced proof, but its model is proved in {} slices: is it this model's?",
          input.name, n_slices));
    }
    proofs.push_back(ParseInnerProof(input.name, input.proof));
    return proofs;
  }
  const auto read = pipeline::ReadSlicedProof(input.proof);
  if (const auto* error = std::get_if<std::string>(&read)) {
    throw FrontendError(fmt::format("{}: {}", input.name, *error));
  }
  const auto& slices = std::get<std::vector<std::span<const uint8_t>>>(read);
  if (slices.size() != n_slices) {
    throw FrontendError(fmt::format("{} holds {} slices' proofs, its model is proved in {}",
                                    input.name, slices.size(), n_slices));
  }
  for (size_t k = 0; k < slices.size(); ++k) {
    proofs.push_back(
        ParseInnerProof(fmt::format("{} (slice {} of {})", input.name, k + 1, n_slices), slices[k]));
  }
  return proofs;
}

// The statement of inference i of `leaves` from its proofs' (its only one's, or its first and last
// slices').
std::vector<M31> WholeStatementOf(const pipeline::TreeLeaves& leaves, size_t i,
                                  std::span<const pipeline::InnerProof> proofs) {
  if (proofs.size() == 1) return proofs.front().public_inputs;
  const pipeline::TreeInference& inference = leaves.inferences()[i];
  const auto& members = leaves.members();
  const size_t first = leaves.first_leaf(i), last = leaves.first_leaf(i + 1) - 1;
  return pipeline::WholeStatement(
      *inference.layout, inference.commitment, members[first].spec.air->statement_layout(),
      proofs.front().public_inputs, members[last].spec.air->statement_layout(),
      proofs.back().public_inputs);
}

// The least security a tree's final proof rests on: its own, and its tree's and inner proofs'.
uint32_t TreeSecurityBits(const air::ProofConfig& config) {
  return std::min({config.SecurityBits(), pipeline::FinalInnerSecurityBits(),
                   pipeline::StandardTreeShape().config.SecurityBits()});
}

// A valid tree final proof's statement and key identity.
void StateTree(CompressedStatement& stated, const pipeline::TreeLeaves& leaves,
               const pipeline::TreeFinalKey<FinalHasher>& key, std::span<const M31> statement,
               bool keys_from_cache) {
  std::vector<pipeline::MemberLayout> layouts;
  std::vector<frontend::ModelCommitment> commitments;
  for (size_t i = 0; i < leaves.inferences().size(); ++i) {
    const pipeline::InnerSpec& spec = leaves.members()[leaves.first_leaf(i)].spec;
    stated.inferences.push_back({.model = spec.model,
                                 .zero_knowledge = spec.zero_knowledge,
                                 .weights_digests = leaves.WeightsDigests(i)});
    layouts.push_back(pipeline::LayoutOf(*leaves.inferences()[i].layout));
    commitments.push_back(leaves.inferences()[i].commitment);
  }
  stated.identity = pipeline::IdentityOf<FinalHasher>(
      *key.air, key.config, key.key.verifying_key.preprocessed_root, std::move(layouts));
  stated.ids = pipeline::IdsOf(stated.identity, commitments);
  stated.statement.assign(statement.begin(), statement.end());
  stated.config = key.config;
  stated.security_bits = TreeSecurityBits(key.config);
  stated.final = true;
  stated.keys_from_cache = keys_from_cache;
}

template <class T>
T OrThrow(std::variant<T, std::string> made) {
  if (auto* error = std::get_if<std::string>(&made)) throw FrontendError(*error);
  return std::get<T>(std::move(made));
}

// Files a tree's final verifying key (its root and AIR shape) in the cache.
void FileTreeFinalKey(const pipeline::KeyCache& cache, const pipeline::TreeProofAir& tree,
                      const pipeline::TreeLeaves& leaves,
                      const pipeline::TreeFinalKey<FinalHasher>& key) {
  pipeline::PutRecursionKey(
      cache, pipeline::TreeFinalKeyName(tree.tree_shape(), leaves, key.config),
      {.preprocessed_root = air::HashBytes(key.key.verifying_key.preprocessed_root),
       .shape = key.air->shape()});
}

// The final verifying key of the tree over `leaves` (whose statements are n_public words): from
// the cache (`from_cache` set), or derived from the tree's roots and filed there.
std::variant<pipeline::TreeFinalKey<FinalHasher>, std::string> TreeFinalVerifyingKey(
    const pipeline::TreeProofAir& tree, const pipeline::TreeLeaves& leaves, size_t n_public,
    const pipeline::KeyCache& cache, bool& from_cache) {
  const air::ProofConfig config = pipeline::FinalProofConfig();
  const auto cached = pipeline::GetRecursionKey(
      cache, pipeline::TreeFinalKeyName(tree.tree_shape(), leaves, config),
      {.n_public_inputs = n_public,
       .layout = recursion::Poseidon2Layout::kRounds,
       .size_class = &pipeline::FinalSizeClass()});
  if (cached) {
    if (const auto root = air::HashFromBytes<FinalHasher::Hash>(cached->preprocessed_root)) {
      pipeline::TreeFinalKey<FinalHasher> key{
          .air = std::make_unique<recursion::RecursionAir>(
              recursion::RecursionAir::ForVerifying(cached->shape)),
          .config = config,
          .key = {}};
      key.key.verifying_key.preprocessed_root = *root;
      from_cache = true;
      return key;
    }
  }
  auto roots = pipeline::TreeRootsOf(tree, leaves, cache);
  if (auto* error = std::get_if<std::string>(&roots)) return *error;
  auto key = pipeline::SetupTreeFinal<FinalHasher>(
      pipeline::TreeFinalSpecOf(tree, leaves, std::get<pipeline::TreeRoots>(roots)), config,
      pipeline::KeyUse::kVerify);
  if (auto* error = std::get_if<std::string>(&key)) return *error;
  FileTreeFinalKey(cache, tree, leaves, std::get<pipeline::TreeFinalKey<FinalHasher>>(key));
  return key;
}

// The tree over some proofs: each inference's inner proofs parsed, its leaves and what the leaves'
// inner statements give (the facts chain's state before each leaf, the final statement).
struct TreeJob {
  std::vector<std::vector<pipeline::InnerProof>> proofs;  // per inference: its proof, or its slices'
  std::vector<pipeline::TreeInferenceSpec> specs;
  std::unique_ptr<pipeline::TreeLeaves> leaves;
  std::unique_ptr<const pipeline::TreeProofAir> tree;
  std::vector<const pipeline::InnerProof*> leaf_proofs;  // per leaf
  std::vector<pipeline::TreeDigest<M31>> facts_in;        // per leaf
  pipeline::KeyCache cache;

  TreeJob(const std::vector<const frontend::QuantizedModel*>& models,
          std::span<const InnerProofInput> inners, const CompressRequest& request)
      : cache(KeyCacheFor(true, request.on_warning)) {
    if (inners.size() > pipeline::kMaxTreeInferences) {
      throw FrontendError(fmt::format("the tree aggregates at most {} proofs, {} given",
                                      pipeline::kMaxTreeInferences, inners.size()));
    }
    for (const InnerProofInput& inner : inners) {
      if (inner.model >= models.size()) {
        throw FrontendError(fmt::format("{}: of model {}, but {} model(s) given", inner.name,
                                        inner.model + 1, models.size()));
      }
      proofs.push_back(ParseInference(inner, *models[inner.model]));
      specs.push_back({models[inner.model], inner.model, proofs.back().front().config.zk});
    }
    leaves = OrThrow(pipeline::TreeLeaves::Make(specs, cache));
    tree = OrThrow(pipeline::TreeProofAir::Make(pipeline::StandardTreeShape()));
    std::vector<std::span<const M31>> statements;
    for (const auto& inference : proofs) {
      for (const pipeline::InnerProof& proof : inference) {
        leaf_proofs.push_back(&proof);
        statements.push_back(proof.public_inputs);
      }
    }
    facts_in = pipeline::LeafFactsIn(*leaves, statements);
  }

  size_t n_leaves() const { return leaf_proofs.size(); }

  // The final statement: each inference's whole statement, in order.
  std::vector<M31> Statement() const {
    std::vector<M31> statement;
    for (size_t i = 0; i < proofs.size(); ++i) {
      const std::vector<M31> whole = WholeStatementOf(*leaves, i, proofs[i]);
      statement.insert(statement.end(), whole.begin(), whole.end());
    }
    return statement;
  }

  // Leaf `leaf`'s key, filed in the cache.
  pipeline::TreeKey LeafKey(size_t leaf) const {
    const pipeline::InnerMember& member = leaves->members()[leaf];
    pipeline::TreeKey key =
        OrThrow(pipeline::SetupLeafKey(*tree, member, leaves->regions()[leaf]));
    pipeline::PutRoot(cache, pipeline::LeafRootName(tree->tree_shape(), member), key.root());
    return key;
  }

  pipeline::TreeProof ProveLeaf(size_t leaf, const pipeline::TreeKey& key,
                                const hash::Poseidon2M31Hash& node_root,
                                air::ProveOptions options) const {
    return OrThrow(pipeline::ProveLeaf<pipeline::InnerChannel>(
        *tree, key, leaves->members()[leaf], leaves->regions()[leaf], *leaf_proofs[leaf],
        facts_in[leaf], node_root, options));
  }

  pipeline::TreeKey NodeKey() const {
    pipeline::TreeKey key = OrThrow(pipeline::SetupNodeKey(*tree));
    pipeline::PutRoot(cache, pipeline::NodeRootName(tree->tree_shape()), key.root());
    return key;
  }

  // The final proof of `top` under the tree's roots.
  CompressedModelProof ProveFinal(const pipeline::TreeRoots& roots, const pipeline::TreeProof& top,
                                  const CompressRequest& request, air::ProveOptions options) const {
    const auto start = std::chrono::steady_clock::now();
    const pipeline::TreeFinalSpec spec = pipeline::TreeFinalSpecOf(*tree, *leaves, roots);
    const air::ProofConfig config = pipeline::FinalProofConfig();
    auto key = OrThrow(pipeline::SetupTreeFinal<FinalHasher>(spec, config));
    FileTreeFinalKey(cache, *tree, *leaves, key);
    if (request.on_phase) request.on_phase("final: key and circuit", MillisecondsSince(start));
    const auto proof = OrThrow(pipeline::ProveTreeFinal<FinalChannel, FinalHasher>(
        key, spec, top, Statement(), options));
    std::vector<pipeline::CompressedInner> entries;
    for (const pipeline::TreeInferenceSpec& inference : specs) {
      entries.push_back({static_cast<uint32_t>(inference.model_index),
                         frontend::SliceCount(*inference.model) > 1 || inference.zero_knowledge});
    }
    CompressedModelProof out;
    out.file = pipeline::WriteCompressedProof(pipeline::kFinalProofBit | pipeline::kTreeBit,
                                              entries, air::SerializeProof(proof));
    StateTree(out.stated, *leaves, key, proof.public_inputs, leaves->keys_from_cache());
    out.recursion = std::move(key.air);
    return out;
  }
};

pipeline::TreeProof ReadTreeProofFile(std::span<const uint8_t> bytes, std::string_view name) {
  auto proof = pipeline::ReadTreeProof(bytes);
  if (auto* error = std::get_if<std::string>(&proof)) {
    throw FrontendError(fmt::format("{}: {}", name, *error));
  }
  return std::get<pipeline::TreeProof>(std::move(proof));
}

// The provers' phases through `request.on_phase`, named by `level`.
struct LevelTimings {
  std::string level;
  air::ProveTimings timings;
  air::ProveOptions options;
  explicit LevelTimings(const CompressRequest& request) {
    timings.on_phase = [this, &request](const std::string& name, double ms) {
      if (request.on_phase) request.on_phase(level + name, ms);
    };
    options.timings = &timings;
  }
};

}  // namespace

bool TakesTree(const std::vector<const frontend::QuantizedModel*>& models,
               std::span<const InnerProofInput> inners, const CompressRequest& request) {
  const bool sliced = std::any_of(inners.begin(), inners.end(), [](const InnerProofInput& inner) {
    return pipeline::IsSlicedProof(inner.proof);
  });
  if (sliced) return true;
  if (request.profile != air::Profile::kOnchain) return false;
  if (inners.size() > pipeline::kMaxFinalInners) return true;
  if (inners.size() != 1 || inners[0].model >= models.size()) return false;
  const frontend::QuantizedModel& model = *models[inners[0].model];
  if (frontend::SliceCount(model) > 1) return true;  // the tree names the proof that is not sliced
  // The direct path's circuit is about the leaf's (a leaf adds its statement's chains).
  const pipeline::CircuitRows rows =
      pipeline::LeafCircuitRows(frontend::ModelAir(model, frontend::ModelAir::Use::kVerifying));
  return pipeline::LoadOn(rows, recursion::StandardSizeClass()) > 1 &&
         pipeline::LoadOn(rows, pipeline::StandardTreeShape().size_class) <= 1;
}

CompressedModelProof CompressTree(const std::vector<const frontend::QuantizedModel*>& models,
                                  std::span<const InnerProofInput> inners,
                                  const CompressRequest& request, air::ProveOptions options,
                                  std::string& level) {
  if (request.profile != air::Profile::kOnchain) {
    throw FrontendError(
        "compress joins sliced proofs through the aggregation tree into a final proof only: add "
        "--profile onchain");
  }
  const auto start = std::chrono::steady_clock::now();
  const TreeJob job(models, inners, request);
  pipeline::TreeKey node_key = job.NodeKey();
  if (request.on_phase) request.on_phase("keys and node circuit", MillisecondsSince(start));
  // The leaves in order; consecutive leaves of one model share their key.
  std::vector<pipeline::TreeProof> leaf_proofs;
  pipeline::TreeRoots roots{.node = node_key.root(), .leaves = {}};
  std::optional<pipeline::TreeKey> key;
  hash::Blake2sHash key_name;  // what the key is of: a leaf's model and configuration
  for (size_t leaf = 0; leaf < job.n_leaves(); ++leaf) {
    level = fmt::format("leaf {} of {}: ", leaf + 1, job.n_leaves());
    const hash::Blake2sHash name =
        pipeline::LeafRootName(job.tree->tree_shape(), job.leaves->members()[leaf]);
    if (!key || name.bytes != key_name.bytes) {
      key.reset();
      key = job.LeafKey(leaf);
      key_name = name;
    }
    leaf_proofs.push_back(job.ProveLeaf(leaf, *key, node_key.root(), options));
    roots.leaves.push_back(leaf_proofs.back().root);
  }
  key.reset();
  const pipeline::TreeProof top = OrThrow(pipeline::ProveTreeTop<pipeline::InnerChannel>(
      *job.tree, node_key, std::move(leaf_proofs),
      [&](size_t height, size_t index) { level = fmt::format("node {}.{}: ", height, index + 1); },
      options));
  const size_t node_gates = node_key.air->circuit().gates.size();
  node_key = {};
  level = "final: ";
  CompressedModelProof out = job.ProveFinal(roots, top, request, options);
  out.outer_circuit_gates = node_gates;
  return out;
}

std::vector<uint8_t> NewSaltsFile(const frontend::QuantizedModel& model) {
  const size_t n_slices = frontend::SliceCount(model);
  if (n_slices == 1) {
    throw FrontendError("the model is proved in one slice: it has no cuts to salt");
  }
  return pipeline::WriteSalts(pipeline::DrawSalts(n_slices - 1));
}

pipeline::SliceSalts ReadSaltsFile(const frontend::QuantizedModel& model,
                                   std::span<const uint8_t> bytes, std::string_view name) {
  auto salts = pipeline::ReadSalts(bytes, frontend::SliceCount(model) - 1);
  if (auto* error = std::get_if<std::string>(&salts)) {
    throw FrontendError(fmt::format("{}: {}", name, *error));
  }
  return std::get<pipeline::SliceSalts>(std::move(salts));
}

ProvedModel ProveSlice(const frontend::QuantizedModel& model,
                       const std::vector<frontend::Tensor>& input, size_t k,
                       const pipeline::SliceSalts& salts, const ProveRequest& request) {
  ProveRequest slice_request = request;
  slice_request.profile = air::Profile::kRecursive;
  slice_request.hash = ProfileHash(air::Profile::kRecursive);
  slice_request.only_slice = k;
  slice_request.salts = salts;
  return ProveModel(model, input, slice_request);
}

std::vector<uint8_t> JoinSliceProofs(const frontend::QuantizedModel& model,
                                     std::span<const std::vector<uint8_t>> slices) {
  const size_t n_slices = frontend::SliceCount(model);
  if (slices.size() != n_slices) {
    throw FrontendError(fmt::format("{} slice proofs given, the model is proved in {} slices",
                                    slices.size(), n_slices));
  }
  return pipeline::WriteSlicedProof(slices);
}

size_t TreeLeafCount(const std::vector<const frontend::QuantizedModel*>& models,
                     std::span<const InnerProofInput> inners) {
  size_t n = 0;
  for (const InnerProofInput& inner : inners) {
    n += inner.model < models.size() ? frontend::SliceCount(*models[inner.model]) : 1;
  }
  return n;
}

std::vector<uint8_t> ProveTreeLeaf(const std::vector<const frontend::QuantizedModel*>& models,
                                   std::span<const InnerProofInput> inners, size_t j,
                                   const CompressRequest& request) {
  const TreeJob job(models, inners, request);
  if (j >= job.n_leaves()) {
    throw FrontendError(
        fmt::format("the tree over these proofs has {} leaves, not {}", job.n_leaves(), j + 1));
  }
  const hash::Poseidon2M31Hash node_root = OrThrow(pipeline::NodeRootOf(*job.tree, job.cache));
  LevelTimings timings(request);
  timings.level = fmt::format("leaf {} of {}: ", j + 1, job.n_leaves());
  return pipeline::WriteTreeProof(job.ProveLeaf(j, job.LeafKey(j), node_root, timings.options));
}

std::vector<uint8_t> ProveTreeNode(std::span<const uint8_t> left, std::string_view left_name,
                                   std::span<const uint8_t> right, std::string_view right_name,
                                   const CompressRequest& request) {
  const pipeline::TreeProof left_proof = ReadTreeProofFile(left, left_name);
  const pipeline::TreeProof right_proof = ReadTreeProofFile(right, right_name);
  const auto tree = OrThrow(pipeline::TreeProofAir::Make(pipeline::StandardTreeShape()));
  const pipeline::KeyCache cache = KeyCacheFor(true, request.on_warning);
  const pipeline::TreeKey key = OrThrow(pipeline::SetupNodeKey(*tree));
  pipeline::PutRoot(cache, pipeline::NodeRootName(tree->tree_shape()), key.root());
  LevelTimings timings(request);
  timings.level = "node: ";
  return pipeline::WriteTreeProof(OrThrow(pipeline::ProveNode<pipeline::InnerChannel>(
      *tree, key, left_proof, right_proof, timings.options)));
}

CompressedModelProof ProveTreeFinal(const std::vector<const frontend::QuantizedModel*>& models,
                                    std::span<const InnerProofInput> inners,
                                    std::span<const uint8_t> top, const CompressRequest& request) {
  const TreeJob job(models, inners, request);
  const pipeline::TreeProof top_proof = ReadTreeProofFile(top, "the tree's top");
  const pipeline::TreeRoots roots = OrThrow(pipeline::TreeRootsOf(*job.tree, *job.leaves, job.cache));
  LevelTimings timings(request);
  timings.level = "final: ";
  CompressedModelProof out = job.ProveFinal(roots, top_proof, request, timings.options);
  out.grind_ms = timings.timings.grind_ms;
  return out;
}

std::optional<std::string> CheckTreeTop(const std::vector<const frontend::QuantizedModel*>& models,
                                        std::span<const InnerProofInput> inners,
                                        std::span<const uint8_t> top,
                                        const CompressRequest& request) {
  const TreeJob job(models, inners, request);
  auto parsed = pipeline::ReadTreeProof(top);
  if (auto* error = std::get_if<std::string>(&parsed)) return *error;
  const pipeline::TreeProof& top_proof = std::get<pipeline::TreeProof>(parsed);
  if (auto rejection = pipeline::VerifyTreeProof(*job.tree, top_proof)) {
    return "the tree proof is invalid: " + air::ToString(*rejection);
  }
  const pipeline::TreeRoots roots = OrThrow(pipeline::TreeRootsOf(*job.tree, *job.leaves, job.cache));
  const pipeline::TreeFinalSpec spec = pipeline::TreeFinalSpecOf(*job.tree, *job.leaves, roots);
  std::vector<const frontend::StatementLayout*> layouts;
  for (const pipeline::TreeInference& inference : spec.inferences) {
    layouts.push_back(inference.layout);
  }
  const std::vector<M31> statement = job.Statement();
  if (auto failure = pipeline::CheckTreeTopNatively(
          top_proof, spec.node_root, spec.keys,
          pipeline::TreeFactsChain(layouts, spec.Statements(statement)))) {
    return "the tree proof does not hold these proofs: " + *failure;
  }
  return std::nullopt;
}

void VerifyCompressedTree(const std::vector<const frontend::QuantizedModel*>& models,
                          const pipeline::CompressedProofFile& file, const VerifyOptions& options,
                          VerifiedCompressed& out) {
  auto start = std::chrono::steady_clock::now();
  auto parsed = air::ParseProof<FinalHasher>(file.outer);
  if (auto* error = std::get_if<air::ProofParseError>(&parsed)) {
    out.rejection = fmt::format("the final proof does not parse: {}", error->message);
    return;
  }
  const air::StarkProof<FinalHasher>& proof = std::get<air::StarkProof<FinalHasher>>(parsed);
  out.parse_ms = MillisecondsSince(start);
  start = std::chrono::steady_clock::now();
  // What would set the keys' size is checked before any is derived.
  const air::ProofConfig config = pipeline::FinalProofConfig();
  if (auto refusal = RefusedConfiguration("the final proof", proof.config, std::span(&config, 1),
                                          "the final proof's")) {
    out.rejection = std::move(refusal);
    return;
  }
  if (const uint32_t bits = TreeSecurityBits(config); bits < options.min_security_bits) {
    out.rejection = fmt::format(
        "the proof rests on {} bits of security (the least of its inner, tree and final proofs'), "
        "at least {} required",
        bits, options.min_security_bits);
    return;
  }
  std::vector<pipeline::TreeInferenceSpec> specs;
  size_t n_public = 0;
  for (const pipeline::CompressedInner& inner : file.inners) {
    // As CheckModelStatement: what hides parts of a model is a zero-knowledge proof.
    if (frontend::RequiresZeroKnowledge(*models[inner.model]) && !inner.zero_knowledge) {
      out.rejection = fmt::format(
          "inference {} is of a model with committed or private parts, which only a "
          "zero-knowledge proof hides: the file says its proofs are not",
          specs.size() + 1);
      return;
    }
    specs.push_back({models[inner.model], inner.model, inner.zero_knowledge});
    n_public += frontend::StatementLayout(*models[inner.model]).n_public_inputs();
  }
  if (proof.public_inputs.size() != n_public) {
    out.rejection = fmt::format("the proof states {} values, the models' statements have {}",
                                proof.public_inputs.size(), n_public);
    return;
  }
  if (options.on_step) options.on_step("deriving the models' keys and the tree's final circuit");
  const pipeline::KeyCache cache = KeyCacheFor(options.key_cache, options.on_warning);
  auto leaves_or = pipeline::TreeLeaves::Make(specs, cache);
  if (auto* error = std::get_if<std::string>(&leaves_or)) {
    out.rejection = *error;
    return;
  }
  const auto& leaves = std::get<std::unique_ptr<pipeline::TreeLeaves>>(leaves_or);
  const auto tree = OrThrow(pipeline::TreeProofAir::Make(pipeline::StandardTreeShape()));
  bool from_cache = false;
  auto key_or = TreeFinalVerifyingKey(*tree, *leaves, n_public, cache, from_cache);
  if (auto* error = std::get_if<std::string>(&key_or)) {
    out.rejection = *error;
    return;
  }
  const auto& key = std::get<pipeline::TreeFinalKey<FinalHasher>>(key_or);
  out.setup_ms = MillisecondsSince(start);
  start = std::chrono::steady_clock::now();
  const auto rejection = pipeline::VerifyTreeFinal<FinalChannel, FinalHasher>(
      key, leaves->inferences(), proof, options.min_security_bits);
  out.check_ms = MillisecondsSince(start);
  if (rejection) {
    out.rejection = air::ToString(*rejection);
    return;
  }
  StateTree(out.stated, *leaves, key, proof.public_inputs,
            from_cache || leaves->keys_from_cache());
}

}  // namespace tensorstark::api
