// Proving and verifying a compiled model, as functions of values in memory. The `prove` and
// `verify` commands and the Python module are their front ends: these do the work and return
// what the front ends show; the front ends read and write files and print.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "air/profiles.h"
#include "air/proof.h"
#include "air/proof_io.h"
#include "api/memory_check.h"
#include "api/verify_options.h"
#include "field/felt252.h"
#include "frontend/model_air.h"
#include "frontend/quantized_eval.h"
#include "frontend/quantized_model.h"
#include "frontend/statement_layout.h"
#include "frontend/tensor.h"
#include "pipeline/sliced_proof.h"

namespace tensorstark::api {

struct ProveRequest {
  air::Profile profile = air::Profile::kFast;
  air::HashId hash = air::HashId::kBlake2s;  // the profile's is ProfileHash(profile)
  bool zk = false;                      // always on for a model with committed or private parts
  std::vector<field::Felt252> context;  // as many felts as the model's context_felts
  // An inner proof to compress (the recursive profile): a proof too large for memory is then not
  // told to use the fast profile.
  bool for_compression = false;
  // As each phase ends: its name and milliseconds.
  std::function<void(std::string_view phase, double ms)> on_phase;
  // A warning about the input (frontend::CoarseInputWarnings), as soon as the model has run.
  std::function<void(std::string_view warning)> on_warning;
  // A model of several slices: as slice k (from 0) of n begins.
  std::function<void(size_t k, size_t n_slices)> on_slice;
  // A model of several slices: prove only this slice (from 0; api/tree.h's ProveSlice), and the
  // cuts' salts to prove under, one per cut (drawn fresh when empty).
  std::optional<size_t> only_slice;
  pipeline::SliceSalts salts;
};

struct ProvedModel {
  std::vector<uint8_t> proof;         // the proof file's bytes (air::SerializeProof)
  frontend::QuantizedRun run;         // the run it proves; its outputs dequantized
  std::vector<field::M31> statement;  // the proof's public inputs (of the whole, sliced)
  // What the statement says, laid out (it refers to the model given, or to slice_model).
  std::unique_ptr<frontend::StatementLayout> layout;
  // A lone slice's proof (ProveRequest::only_slice): the slice, a model of its own.
  std::shared_ptr<const frontend::QuantizedModel> slice_model;
  // With private weights: their digest, one per slice.
  std::vector<std::array<field::M31, 8>> weights_digests;
  size_t n_slices = 1;
  frontend::ModelCommitment commitment;
  air::ProofConfig config;
  double grind_ms = 0;
  ProofMemory memory;  // the estimate the proof was let through with (api/memory_check.h)
};

// A proof that `model` (which may not be a verifying model) produces its outputs on `input`; of a
// model of several slices, a sliced proof (pipeline/sliced_proof.h), its slices proved one at a
// time.
// Throws frontend::FrontendError with a one-line message: an input or a context the model does
// not take, a proof that cannot fit in memory, a failed proof.
ProvedModel ProveModel(const frontend::QuantizedModel& model,
                       const std::vector<frontend::Tensor>& input, const ProveRequest& request);

// Whether a proof file is a sliced proof (of a model of several slices: pipeline/sliced_proof.h).
bool IsSlicedProof(std::span<const uint8_t> bytes);
// What a proof file holds, by its header: a model's proof (direct or in slices), a compressed
// (outer) proof, a final proof (compress --profile onchain), a proof of the aggregation tree
// (tree leaf, tree node), or none of them; a compressed proof file that does not read is
// kCompressed. ProofKindName: "proof", "compressed", "final", "tree", "unknown".
enum class ProofKind { kProof, kCompressed, kFinal, kTree, kUnknown };
ProofKind ProofKindOf(std::span<const uint8_t> bytes);
std::string_view ProofKindName(ProofKind kind);
// How many slices a model is proved in (1: not cut), and whether it is a verifying model (its
// weights held as digests), as front ends show them.
size_t SliceCount(const frontend::QuantizedModel& model);
bool IsVerifyingModel(const frontend::QuantizedModel& model);

// Why `command` (calldata, inspect, prove --compress) does not take the sliced proof `name`, and
// what does: compress --profile onchain, which joins its slices through the aggregation tree.
std::string SlicedProofRefusal(std::string_view name, std::string_view command);

struct VerifiedProof {
  // Why the proof is invalid (one line: it does not parse, the model's key, the statement, the
  // STARK), or nothing for a valid proof.
  std::optional<std::string> rejection;
  air::ProofConfig config;
  std::vector<field::M31> statement;  // the proof's public inputs (of the whole), if it parsed
  // What the statement says, laid out (it refers to the model given).
  std::unique_ptr<frontend::StatementLayout> layout;
  // With private weights: their digest, one per slice.
  std::vector<std::array<field::M31, 8>> weights_digests;
  double parse_ms = 0, setup_ms = 0, check_ms = 0;
  bool key_from_cache = false;
};

// Checks a proof (not a compressed one; a sliced one of a model of several slices) of `model`, a
// model or its verifying model, against the
// model's key from the key cache ($TENSORSTARK_CACHE_DIR, pipeline/model_key_cache.h) or derived
// (and filed there, as `options` say). `model_file`, the bytes the model was read from, names its
// cache entries without serializing it again; without it the model is serialized. Throws
// FrontendError only for a model that cannot be lowered.
VerifiedProof VerifyProof(const frontend::QuantizedModel& model,
                          std::optional<std::string_view> model_file,
                          std::span<const uint8_t> proof, const VerifyOptions& options = {});

}  // namespace tensorstark::api
