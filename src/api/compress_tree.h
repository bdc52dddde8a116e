// Compressing through the aggregation tree (pipeline/proof_tree.h), for CompressProofs and
// VerifyCompressed (compress.h): sliced proofs, and more proofs than one final circuit verifies
// directly, become leaves joined by nodes into the tree's top, and its final proof
// (pipeline/tree_final.h) states every inference's whole statement as a final proof of unsliced
// proofs does, read by the same Cairo verifier.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "api/compress.h"
#include "api/verify_options.h"
#include "frontend/quantized_model.h"
#include "pipeline/compressed_proof_file.h"

namespace tensorstark::api {

// Whether compress takes `inners` through the tree: a sliced proof among them, or more proofs
// than a final circuit verifies directly (pipeline::kMaxFinalInners) for the onchain profile.
bool TakesTree(std::span<const InnerProofInput> inners, const CompressRequest& request);

// The final proof of the tree over `inners` (each a model's proof or a sliced model's), each of
// models[inner.model]. Throws FrontendError with a one-line reason. `level` names the step the
// prover's phases belong to ("leaf 2 of 3: ", "node 1.1: ", "final: ").
CompressedModelProof CompressTree(const std::vector<const frontend::QuantizedModel*>& models,
                                  std::span<const InnerProofInput> inners,
                                  const CompressRequest& request, air::ProveOptions options,
                                  std::string& level);

// A tree's final proof file (pipeline::kTreeBit) checked against the models, into `out`.
void VerifyCompressedTree(const std::vector<const frontend::QuantizedModel*>& models,
                          const pipeline::CompressedProofFile& file, const VerifyOptions& options,
                          VerifiedCompressed& out);

}  // namespace tensorstark::api
