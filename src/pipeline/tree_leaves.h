// The leaves of an aggregation tree over inferences (proof_tree.h): an inference of a model in one
// slice is one leaf, of a model of several slices a leaf per slice, in order. What a prover and a
// verifier both derive from the models alone: each leaf's inner member (its model's, or slice's,
// inner key) and statement regions, each inference's whole statement layout and commitment, and
// the tree's roots (the node key's, each leaf key's), which the key cache keeps so that a verifier
// whose final key is cached derives none.
#pragma once

#include <array>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "frontend/quantized_model.h"
#include "frontend/slices.h"
#include "pipeline/key_cache.h"
#include "pipeline/model_recursion.h"
#include "pipeline/tree_circuits.h"
#include "pipeline/tree_final.h"

namespace tensorstark::pipeline {

// One inference: a proof of `model` (sliced or not; a verifying model for a verifier).
struct TreeInferenceSpec {
  const frontend::QuantizedModel* model = nullptr;  // outlives the leaves
  size_t model_index = 0;                           // among the models the caller holds
  bool zero_knowledge = false;                      // of its proofs (every slice proof is)
};

class TreeLeaves {
 public:
  // The leaves of these inferences, the inner keys from the cache or derived, or a one-line error.
  static std::variant<std::unique_ptr<TreeLeaves>, std::string> Make(
      std::span<const TreeInferenceSpec> inferences, const KeyCache& cache);

  std::span<const InnerMember> members() const { return members_; }  // one per leaf
  std::span<const LeafRegions> regions() const { return regions_; }
  std::span<const TreeInference> inferences() const { return inferences_; }
  // The leaves of inference i: first_leaf(i) to first_leaf(i + 1).
  size_t first_leaf(size_t i) const { return first_leaf_[i]; }
  std::vector<frontend::ModelCommitment> LeafCommitments() const;
  // With private weights, inference i's weights digests (one per slice).
  std::vector<std::array<field::M31, 8>> WeightsDigests(size_t i) const;
  bool keys_from_cache() const { return keys_from_cache_; }

 private:
  TreeLeaves() = default;
  std::vector<std::unique_ptr<frontend::ModelSlice>> slices_;
  std::vector<std::unique_ptr<frontend::ModelAir>> airs_;
  std::vector<std::unique_ptr<frontend::StatementLayout>> layouts_;
  std::vector<InnerMember> members_;
  std::vector<LeafRegions> regions_;
  std::vector<TreeInference> inferences_;
  std::vector<size_t> first_leaf_;
  bool keys_from_cache_ = false;
};

// The gate rows of each component (values, arithmetic, Poseidon2) of the leaf circuit of a model
// (or slice) lowered as `air`, its inner proofs zero-knowledge at the recursive profile; no key is
// derived, the circuit's topology not depending on the inner root. Infinite for an AIR the
// circuit cannot verify.
using CircuitRows = std::array<double, recursion::kComponentKinds>;
CircuitRows LeafCircuitRows(const frontend::ModelAir& air);
// How much of a class such rows take: the largest of each component's rows over the class's (at
// most 1 fits).
double LoadOn(const CircuitRows& rows, const recursion::SizeClass& size_class);
inline double LeafLoad(const frontend::ModelAir& air, const TreeShape& shape) {
  return LoadOn(LeafCircuitRows(air), shape.size_class);
}

// The facts chain's state before each leaf, from each leaf's inner proof's statement, in order.
std::vector<TreeDigest<field::M31>> LeafFactsIn(
    const TreeLeaves& leaves, std::span<const std::span<const field::M31>> inner_statements);

// Where the cache files the node key's root and a leaf key's.
hash::Blake2sHash NodeRootName(const TreeShape& shape);
hash::Blake2sHash LeafRootName(const TreeShape& shape, const InnerMember& member);
void PutRoot(const KeyCache& cache, const hash::Blake2sHash& name,
             const hash::Poseidon2M31Hash& root);
std::optional<hash::Poseidon2M31Hash> GetRoot(const KeyCache& cache,
                                              const hash::Blake2sHash& name);

// The node key's root, from the cache or derived (and filed).
std::variant<hash::Poseidon2M31Hash, std::string> NodeRootOf(const TreeProofAir& tree,
                                                             const KeyCache& cache);

// The node key's root and each leaf key's, from the cache or derived (and filed).
struct TreeRoots {
  hash::Poseidon2M31Hash node;
  std::vector<hash::Poseidon2M31Hash> leaves;
};
std::variant<TreeRoots, std::string> TreeRootsOf(const TreeProofAir& tree, const TreeLeaves& leaves,
                                                 const KeyCache& cache);

// The final circuit's spec of a tree over `leaves` with these roots.
TreeFinalSpec TreeFinalSpecOf(const TreeProofAir& tree, const TreeLeaves& leaves,
                              const TreeRoots& roots);

// Where the cache files a tree's final verifying key (as CachedRecursionKey): named by what fixes
// the final circuit without deriving it (the tree's shape, each leaf's member and where each
// inference's leaves begin) and the final configuration.
hash::Blake2sHash TreeFinalKeyName(const TreeShape& shape, const TreeLeaves& leaves,
                                   const air::ProofConfig& final_config);

}  // namespace tensorstark::pipeline
