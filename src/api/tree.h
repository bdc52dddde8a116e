// The aggregation tree (pipeline/proof_tree.h, docs/pipeline.md): sliced proofs, and more proofs
// than one final circuit verifies directly, become leaves joined by nodes into the tree's top,
// whose final proof (pipeline/tree_final.h) states every inference's whole statement as a final
// proof of unsliced proofs does, read by the same Cairo verifier. CompressProofs and
// VerifyCompressed (compress.h) take such inputs and files through CompressTree and
// VerifyCompressedTree; the steps are also functions of their own, each from and to bytes that
// another process or machine can take up (the `tree` command and `prove --slice`): a slice's proof,
// a leaf, a node, the final proof of a top.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "api/compress.h"
#include "api/prove.h"
#include "api/verify_options.h"
#include "frontend/quantized_model.h"
#include "frontend/tensor.h"
#include "pipeline/compressed_proof_file.h"
#include "pipeline/sliced_proof.h"

namespace tensorstark::api {

// Whether compress takes `inners` (each of models[inner.model]) through the tree: a sliced proof
// among them; or, for the onchain profile, more proofs than a final circuit verifies directly
// (pipeline::kMaxFinalInners), or one proof whose verifier circuit is too wide for the direct
// path's standard class but fits a leaf of the tree's (one more bit of permutations).
bool TakesTree(const std::vector<const frontend::QuantizedModel*>& models,
               std::span<const InnerProofInput> inners, const CompressRequest& request);

// The final proof of the tree over `inners` (each a model's proof or a sliced model's, of
// models[inner.model]): every leaf, every node, then the final proof. Throws FrontendError with a
// one-line reason. `level` names the step the prover's phases belong to ("leaf 2 of 3: ",
// "node 1.1: ", "final: ").
CompressedModelProof CompressTree(const std::vector<const frontend::QuantizedModel*>& models,
                                  std::span<const InnerProofInput> inners,
                                  const CompressRequest& request, air::ProveOptions options,
                                  std::string& level);

// A tree's final proof file (pipeline::kTreeBit) checked against the models, into `out`.
void VerifyCompressedTree(const std::vector<const frontend::QuantizedModel*>& models,
                          const pipeline::CompressedProofFile& file, const VerifyOptions& options,
                          VerifiedCompressed& out);

// The salts of a proof's cuts, one per cut (what ProveRequest::salts takes).
using SliceSalts = pipeline::SliceSalts;

// A fresh salts file (pipeline::WriteSalts) for `model`'s cuts: what every slice of one proof
// proved apart shares, as private as the inputs. Throws FrontendError for a model of one slice.
std::vector<uint8_t> NewSaltsFile(const frontend::QuantizedModel& model);
// The salts a salts file holds; throws FrontendError naming `name` for one that is not of
// `model`'s cuts.
pipeline::SliceSalts ReadSaltsFile(const frontend::QuantizedModel& model,
                                   std::span<const uint8_t> bytes, std::string_view name);

// Slice k (from 0) of `model`, a model of several slices, proved on `input` at the recursive
// profile with its cuts' salts `salts` (every slice of one proof must have the same): the slice's
// proof file, which JoinSliceProofs joins with the others. Throws FrontendError.
ProvedModel ProveSlice(const frontend::QuantizedModel& model,
                       const std::vector<frontend::Tensor>& input, size_t k,
                       const pipeline::SliceSalts& salts, const ProveRequest& request);

// The sliced proof file of `model`'s slices' proofs, in order (verify checks them). Throws
// FrontendError for a count that is not the model's.
std::vector<uint8_t> JoinSliceProofs(const frontend::QuantizedModel& model,
                                     std::span<const std::vector<uint8_t>> slices);

// How many leaves the tree over `inners` has: one per proof, one per slice of a sliced proof.
size_t TreeLeafCount(const std::vector<const frontend::QuantizedModel*>& models,
                     std::span<const InnerProofInput> inners);

// Leaf j (from 0, in the inferences' order) of the tree over `inners`: a tree proof file
// (pipeline::WriteTreeProof). Only leaf j's inner proof is verified and proved; the others give
// the facts chain's state before it (their statements). Throws FrontendError.
std::vector<uint8_t> ProveTreeLeaf(const std::vector<const frontend::QuantizedModel*>& models,
                                   std::span<const InnerProofInput> inners, size_t j,
                                   const CompressRequest& request);

// The node of two consecutive tree proof files (`left_name` and `right_name` name them in
// errors): a tree proof file. Throws FrontendError: a file that is not a tree proof, a child the
// verifier rejects, children that do not join.
std::vector<uint8_t> ProveTreeNode(std::span<const uint8_t> left, std::string_view left_name,
                                   std::span<const uint8_t> right, std::string_view right_name,
                                   const CompressRequest& request);

// The final proof of the tree over `inners` whose top is the tree proof file `top`, as
// CompressTree's. Throws FrontendError: a top the verifier rejects or that does not hold exactly
// those proofs' leaves and statements.
CompressedModelProof ProveTreeFinal(const std::vector<const frontend::QuantizedModel*>& models,
                                    std::span<const InnerProofInput> inners,
                                    std::span<const uint8_t> top, const CompressRequest& request);

// Why the tree proof file `top` is not the top of the tree over `inners` (its STARK, or what it
// holds), checked natively without a final proof, or nothing. Throws FrontendError for inputs
// that are not proofs of the models.
std::optional<std::string> CheckTreeTop(const std::vector<const frontend::QuantizedModel*>& models,
                                        std::span<const InnerProofInput> inners,
                                        std::span<const uint8_t> top,
                                        const CompressRequest& request);

}  // namespace tensorstark::api
