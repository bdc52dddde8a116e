// Proving and verifying a compiled model, as functions of values in memory. The `prove` and
// `verify` commands and the Python module are their front ends: these do the work and return
// what the front ends show; the front ends read and write files and print.
#pragma once

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
#include "frontend/tensor.h"

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
};

struct ProvedModel {
  std::vector<uint8_t> proof;         // the proof file's bytes (air::SerializeProof)
  frontend::QuantizedRun run;         // the run it proves; its outputs dequantized
  std::vector<field::M31> statement;  // the proof's public inputs
  // The model's AIR (it refers to the model given), to read the statement with.
  std::unique_ptr<frontend::ModelAir> air;
  frontend::ModelCommitment commitment;
  air::ProofConfig config;
  double grind_ms = 0;
  ProofMemory memory;  // the estimate the proof was let through with (api/memory_check.h)
};

// A proof that `model` (which may not be a verifying model) produces its outputs on `input`.
// Throws frontend::FrontendError with a one-line message: an input or a context the model does
// not take, a proof that cannot fit in memory, a failed proof.
ProvedModel ProveModel(const frontend::QuantizedModel& model,
                       const std::vector<frontend::Tensor>& input, const ProveRequest& request);

struct VerifiedProof {
  // Why the proof is invalid (one line: it does not parse, the model's key, the statement, the
  // STARK), or nothing for a valid proof.
  std::optional<std::string> rejection;
  air::ProofConfig config;
  std::vector<field::M31> statement;  // the proof's public inputs, if it parsed
  // The model lowered for verifying (it refers to the model given), to read the statement with.
  std::unique_ptr<frontend::ModelAir> air;
  double parse_ms = 0, setup_ms = 0, check_ms = 0;
  bool key_from_cache = false;
};

// Checks a proof (not a compressed one) of `model`, a model or its verifying model, against the
// model's key from the key cache ($TENSORSTARK_CACHE_DIR, pipeline/model_key_cache.h) or derived
// (and filed there, as `options` say). `model_file`, the bytes the model was read from, names its
// cache entries without serializing it again; without it the model is serialized. Throws
// FrontendError only for a model that cannot be lowered.
VerifiedProof VerifyProof(const frontend::QuantizedModel& model,
                          std::optional<std::string_view> model_file,
                          std::span<const uint8_t> proof, const VerifyOptions& options = {});

}  // namespace tensorstark::api
