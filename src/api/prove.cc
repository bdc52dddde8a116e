#include "api/prove.h"

#include <fmt/format.h>
#include <tbb/parallel_invoke.h>

#include <array>
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "air/proof_io.h"
#include "air/prover.h"
#include "api/hash_family.h"
#include "api/memory_check.h"
#include "api/timing.h"
#include "frontend/frontend_error.h"
#include "frontend/slices.h"
#include "pipeline/compressed_proof_file.h"
#include "pipeline/key_cache.h"
#include "pipeline/model_key_cache.h"
#include "pipeline/model_proof.h"
#include "pipeline/proof_tree.h"
#include "pipeline/sliced_proof.h"

namespace tensorstark::api {
namespace {

using frontend::FrontendError;

// Refuses a proof that cannot fit in memory, naming what would make it smaller; `memory` is the
// estimate it was let through with. A slice reuses its predecessors' buffers: of what the process
// holds, only `baseline` (what it held before the first slice was lowered) is held for good.
void CheckFitsMemory(const frontend::ModelAir& air, const air::ProofConfig& config,
                     const ProveRequest& request, ProofMemory& memory,
                     std::optional<uint64_t> baseline = std::nullopt) {
  std::string smaller;
  auto or_with = [&](std::string_view lever) {
    smaller += (smaller.empty() ? "; it takes less with " : " or ") + std::string(lever);
  };
  if (config.pcs.fri.log_blowup_factor > 1 && !request.for_compression) or_with("--profile fast");
  if (air.WeightsDigest()) or_with("public weights (compile --visibility weights=public)");
  or_with("smaller slices (compile --proof-memory GIB)");
  if (std::optional<ProofMemory> estimate = EstimateProofMemory(air.components(), config)) {
    const uint64_t held = baseline ? std::min(*baseline, estimate->held) : estimate->held;
    const uint64_t reusable = estimate->held - held;
    estimate->held = held;
    memory = *estimate;
    CheckProofFitsMemory(*estimate, config, smaller, reusable);
  }
}

// A model of several slices: its slices proved one at a time, the sliced proof and the statement
// of the whole.
template <class C, class H>
void ProveSlicesInto(const frontend::QuantizedModel& model, const ProveRequest& request,
                     const air::ProofConfig& config, ProvedModel& proved) {
  pipeline::SliceProveCallbacks callbacks;
  std::string slice;  // the phases' prefix
  callbacks.on_slice = [&](size_t k, size_t n_slices) {
    slice = fmt::format("slice {}/{}: ", k + 1, n_slices);
    if (request.on_slice) request.on_slice(k, n_slices);
  };
  callbacks.on_phase = [&](std::string_view name, double ms) {
    if (request.on_phase) request.on_phase(slice + std::string(name), ms);
  };
  // What the process holds for good: what it held before the first slice was lowered.
  const uint64_t baseline = ResidentBytes();
  callbacks.before_prove = [&](const frontend::ModelAir& air) {
    ProofMemory memory;
    CheckFitsMemory(air, config, request, memory, baseline);
    if (memory.peak() > proved.memory.peak()) proved.memory = memory;
  };
  const size_t n_slices = frontend::SliceCount(model);
  const pipeline::SliceSalts salts =
      request.salts.empty() ? pipeline::DrawSalts(n_slices - 1) : request.salts;
  if (salts.size() != n_slices - 1) {
    throw FrontendError(fmt::format("{} cuts' salts given, the model has {} cuts", salts.size(),
                                    n_slices - 1));
  }
  if (request.only_slice && *request.only_slice >= n_slices) {
    throw FrontendError(fmt::format("the model is proved in {} slices, not {}", n_slices,
                                    *request.only_slice + 1));
  }
  const pipeline::SliceProofs slices = pipeline::ProveSlices<C, H>(
      model, proved.run, config, request.context, salts, callbacks, request.only_slice);
  proved.n_slices = n_slices;
  proved.grind_ms = slices.grind_ms;
  proved.weights_digests = slices.weights_digests;
  if (request.only_slice) {
    proved.slice_model = std::make_shared<const frontend::QuantizedModel>(
        frontend::SliceOf(model, *request.only_slice).model);
    proved.layout = std::make_unique<frontend::StatementLayout>(*proved.slice_model);
    proved.proof = slices.proofs.front();
    proved.statement = slices.statements.front();
    proved.commitment = slices.commitments.front();
    return;
  }
  proved.commitment = pipeline::SlicedCommitment(slices.commitments);
  const frontend::ModelSlice first = frontend::SliceOf(model, 0),
                             last = frontend::SliceOf(model, proved.n_slices - 1);
  proved.statement = pipeline::WholeStatement(
      frontend::StatementLayout(model), proved.commitment, frontend::StatementLayout(first.model),
      slices.statements.front(), frontend::StatementLayout(last.model), slices.statements.back());
  proved.proof = pipeline::WriteSlicedProof(slices.proofs);
}

template <class C, class H>
ProvedModel ProveWith(const frontend::QuantizedModel& model,
                      const std::vector<frontend::Tensor>& input, const ProveRequest& request,
                      const air::ProofConfig& config) {
  auto start = std::chrono::steady_clock::now();
  const auto phase = [&](std::string_view name) {
    if (request.on_phase) request.on_phase(name, MillisecondsSince(start));
    start = std::chrono::steady_clock::now();
  };
  ProvedModel proved;
  proved.config = config;
  proved.run = frontend::RunQuantized(model, input);
  for (const std::string& warning : frontend::CoarseInputWarnings(model, proved.run)) {
    if (request.on_warning) request.on_warning(warning);
  }
  phase("run model");
  proved.layout = std::make_unique<frontend::StatementLayout>(model);
  if (frontend::SliceCount(model) > 1) {
    if (request.for_compression) {
      throw FrontendError(SlicedProofRefusal(model.source, "prove --compress"));
    }
    ProveSlicesInto<C, H>(model, request, config, proved);  // its phases are each slice's
    return proved;
  }
  const frontend::ModelAir air(model);
  CheckFitsMemory(air, config, request, proved.memory);
  if (const auto digest = air.WeightsDigest()) proved.weights_digests.push_back(*digest);
  auto key = frontend::SetupModel<H>(air, config);
  if (auto* error = std::get_if<std::string>(&key)) throw FrontendError(*error);
  const frontend::ModelKey<H>& model_key = std::get<frontend::ModelKey<H>>(key);
  proved.commitment = model_key.commitment;
  phase("lower and commit to model");
  frontend::ModelAir::Witness witness =
      air.GenerateWitness(proved.run, proved.commitment, request.context);
  phase("witness");
  const air::StarkProof<H> proof = pipeline::ProveWitness<C, H>(
      air, model_key, config, std::move(witness), request.on_phase, proved.grind_ms);
  proved.proof = air::SerializeProof(proof);
  proved.statement = proof.public_inputs;
  return proved;
}

// Why a proof is refused before its model's key is derived, where what it states would otherwise
// set the key's size: a configuration none of prove's profiles gives, less security than asked, a
// statement of another length than the model's.
template <class H>
std::optional<std::string> RefusedBeforeKey(const frontend::ModelAir& air,
                                            const air::StarkProof<H>& proof,
                                            uint32_t min_security_bits) {
  std::vector<air::ProofConfig> profiles;
  for (const air::Profile profile : air::kProfiles) {
    air::ProofConfig config = air::ProfileConfig(profile);
    for (const bool zk : {false, true}) {
      config.zk = zk;
      profiles.push_back(config);
    }
  }
  if (auto refusal = RefusedConfiguration("the proof", proof.config, profiles,
                                          "one of prove's profiles (test, fast, onchain, "
                                          "recursive)")) {
    return refusal;
  }
  if (proof.config.SecurityBits() < min_security_bits) {
    return fmt::format("proof has {} bits of security, at least {} required",
                       proof.config.SecurityBits(), min_security_bits);
  }
  if (proof.public_inputs.size() != air.n_public_inputs()) {
    return fmt::format("the proof states {} values, the model's statement has {}",
                       proof.public_inputs.size(), air.n_public_inputs());
  }
  return std::nullopt;
}

// One model proof (a whole model's, or a slice's) checked against `model`: parsed, refused
// before its key where what it states would size the key, its key from the cache (filed under
// the digest `file_digest` gives, computed beside the lowering, or the model's own) or derived,
// then the proof.
struct CheckedProof {
  std::optional<std::string> rejection;
  air::ProofConfig config;
  std::vector<field::M31> statement;
  std::optional<std::array<field::M31, 8>> weights_digest;
  double parse_ms = 0, setup_ms = 0, check_ms = 0;
  bool key_from_cache = false;
};

template <class C, class H>
CheckedProof CheckModelProof(const frontend::QuantizedModel& model,
                             const std::function<std::optional<hash::Blake2sHash>()>& file_digest,
                             std::span<const uint8_t> bytes, const VerifyOptions& options,
                             std::string_view slice_tag = {}) {
  CheckedProof out;
  auto start = std::chrono::steady_clock::now();
  auto parsed = air::ParseProof<H>(bytes);
  if (auto* error = std::get_if<air::ProofParseError>(&parsed)) {
    out.rejection = "the proof does not parse: " + error->message;
    return out;
  }
  const air::StarkProof<H>& proof = std::get<air::StarkProof<H>>(parsed);
  out.config = proof.config;
  out.statement = proof.public_inputs;
  out.parse_ms = MillisecondsSince(start);
  // The key a verifier derives once per model and configuration (then from the key cache): the
  // model lowered for verifying and its file's digest, side by side.
  start = std::chrono::steady_clock::now();
  std::optional<frontend::ModelAir> lowered;
  std::optional<hash::Blake2sHash> digest;
  tbb::parallel_invoke([&] { lowered.emplace(model, frontend::ModelAir::Use::kVerifying); },
                       [&] { digest = file_digest(); });
  const frontend::ModelAir& air = *lowered;
  out.weights_digest = air.WeightsDigest();
  if (auto refusal = RefusedBeforeKey(air, proof, options.min_security_bits)) {
    out.rejection = std::move(refusal);
    return out;
  }
  hash::Blake2sHash model_digest = digest ? *digest : pipeline::VerifierModelDigest(air);
  if (!slice_tag.empty()) {
    const std::string name = fmt::format("{} {}", model_digest.ToHex(), slice_tag);
    model_digest =
        hash::Blake2s(std::span(reinterpret_cast<const uint8_t*>(name.data()), name.size()));
  }
  const pipeline::KeyCache cache = KeyCacheFor(options.key_cache, options.on_warning);
  if (options.on_step) options.on_step("deriving the model's verifying key");
  auto key_or_error = pipeline::CachedModelVerifyingKey<H>(air, model_digest, proof.config, cache);
  out.setup_ms = MillisecondsSince(start);
  if (auto* error = std::get_if<std::string>(&key_or_error)) {
    out.rejection = *error;
    return out;
  }
  const auto& key = std::get<pipeline::ModelVerifyingKey<H>>(key_or_error);
  out.key_from_cache = key.from_cache;
  start = std::chrono::steady_clock::now();
  auto rejection = frontend::VerifyModelProof<C, H>(air, proof, key.key, key.commitment,
                                                    options.min_security_bits);
  out.check_ms = MillisecondsSince(start);
  if (rejection) out.rejection = air::ToString(*rejection);
  return out;
}

// A checked proof's verdict, statement and costs, into what verify returns.
void Record(CheckedProof checked, VerifiedProof& out) {
  out.rejection = std::move(checked.rejection);
  out.config = checked.config;
  out.statement = std::move(checked.statement);
  if (checked.weights_digest) out.weights_digests.push_back(*checked.weights_digest);
  out.parse_ms += checked.parse_ms;
  out.setup_ms += checked.setup_ms;
  out.check_ms += checked.check_ms;
  out.key_from_cache = checked.key_from_cache;
}

// A sliced proof of a model of several slices: each slice's proof checked as a model proof of
// its slice, all under one configuration, then the links; the statement is the whole's.
template <class C, class H>
void VerifySlices(const frontend::QuantizedModel& model, std::optional<std::string_view> model_file,
                  std::span<const std::span<const uint8_t>> proofs, const VerifyOptions& options,
                  VerifiedProof& out) {
  const size_t n_slices = frontend::SliceCount(model);
  if (proofs.size() != n_slices) {
    out.rejection = fmt::format("the proof has {} slices, the model {}", proofs.size(), n_slices);
    return;
  }
  const std::optional<hash::Blake2sHash> file_digest =
      model_file ? pipeline::VerifiersFileDigest(model, *model_file) : std::nullopt;
  std::optional<frontend::ModelSlice> first, previous;
  std::vector<field::M31> first_statement, previous_statement;
  std::vector<frontend::ModelCommitment> commitments;
  bool all_from_cache = true;
  for (size_t k = 0; k < n_slices; ++k) {
    const std::string which = fmt::format("slice {} of {}", k + 1, n_slices);
    if (options.on_step) options.on_step(which);
    frontend::ModelSlice slice = frontend::SliceOf(model, k);
    // Its keys are filed apart from any model's: under the model file's digest, or the slice's
    // own serialization (which states no links), with its index.
    CheckedProof checked = CheckModelProof<C, H>(
        slice.model, [&] { return file_digest; }, proofs[k], options, which);
    if (k > 0 && !checked.rejection && checked.config != out.config) {
      checked.rejection = "its configuration is not the first slice's";
    }
    all_from_cache = all_from_cache && checked.key_from_cache;
    Record(std::move(checked), out);
    if (out.rejection) {
      out.rejection = fmt::format("{}: {}", which, *out.rejection);
      return;
    }
    commitments.push_back(frontend::ModelAir::StatedCommitment(out.statement));
    if (previous) {
      out.rejection = pipeline::CheckLink(
          k - 1, pipeline::LinkWords(previous->model, previous_statement, false),
          pipeline::LinkWords(slice.model, out.statement, true));
      if (out.rejection) return;
    }
    if (k == 0) {
      first = slice;
      first_statement = out.statement;
    }
    previous = std::move(slice);
    previous_statement = std::move(out.statement);
  }
  out.key_from_cache = all_from_cache;
  out.statement = pipeline::WholeStatement(
      frontend::StatementLayout(model), pipeline::SlicedCommitment(commitments),
      frontend::StatementLayout(first->model), first_statement,
      frontend::StatementLayout(previous->model), previous_statement);
}

}  // namespace

ProvedModel ProveModel(const frontend::QuantizedModel& model,
                       const std::vector<frontend::Tensor>& input, const ProveRequest& request) {
  air::ProofConfig config = air::ProfileConfig(request.profile);
  // A plain proof opens its trace, committed and private tensors and weights included.
  config.zk = request.zk || frontend::RequiresZeroKnowledge(model);
  return WithHashFamily(request.hash, [&]<class C, class H>() {
    return ProveWith<C, H>(model, input, request, config);
  });
}

bool IsSlicedProof(std::span<const uint8_t> bytes) { return pipeline::IsSlicedProof(bytes); }

ProofKind ProofKindOf(std::span<const uint8_t> bytes) {
  if (pipeline::IsSlicedProof(bytes)) return ProofKind::kProof;
  if (pipeline::IsTreeProof(bytes)) return ProofKind::kTree;
  if (pipeline::IsCompressedProof(bytes)) {
    // A compressed proof that does not read (truncated) is one still: verify says why.
    const auto file = pipeline::ReadCompressedProof(bytes);
    const auto* compressed = std::get_if<pipeline::CompressedProofFile>(&file);
    return compressed && (compressed->shape & pipeline::kFinalProofBit) ? ProofKind::kFinal
                                                                        : ProofKind::kCompressed;
  }
  return std::holds_alternative<air::HashId>(air::PeekProofHash(bytes)) ? ProofKind::kProof
                                                                         : ProofKind::kUnknown;
}

std::string_view ProofKindName(ProofKind kind) {
  switch (kind) {
    case ProofKind::kProof:
      return "proof";
    case ProofKind::kCompressed:
      return "compressed";
    case ProofKind::kFinal:
      return "final";
    case ProofKind::kTree:
      return "tree";
    case ProofKind::kUnknown:
      break;
  }
  return "unknown";
}

size_t SliceCount(const frontend::QuantizedModel& model) { return frontend::SliceCount(model); }

bool IsVerifyingModel(const frontend::QuantizedModel& model) {
  return frontend::IsVerifyingModel(model);
}

std::string SlicedProofRefusal(std::string_view name, std::string_view command) {
  return fmt::format(
      "{} is a sliced proof (one proof per slice of its model, compile --proof-memory): {} does "
      "not take one; compress --profile onchain joins its slices into one final proof "
      "(docs/pipeline.md), and verify checks either",
      name, command);
}

VerifiedProof VerifyProof(const frontend::QuantizedModel& model,
                          std::optional<std::string_view> model_file,
                          std::span<const uint8_t> proof, const VerifyOptions& options) {
  VerifiedProof verified;
  verified.layout = std::make_unique<frontend::StatementLayout>(model);
  const bool sliced = pipeline::IsSlicedProof(proof) || frontend::SliceCount(model) > 1;
  std::vector<std::span<const uint8_t>> slices;
  if (sliced) {
    auto read = pipeline::ReadSlicedProof(proof);
    if (auto* error = std::get_if<std::string>(&read)) {
      verified.rejection = "the proof does not parse: " + *error;
      return verified;
    }
    slices = std::get<0>(std::move(read));
  }
  auto hash = air::PeekProofHash(sliced ? slices.front() : proof);
  if (auto* error = std::get_if<air::ProofParseError>(&hash)) {
    verified.rejection = "the proof does not parse: " + error->message;
    return verified;
  }
  WithHashFamily(std::get<air::HashId>(hash), [&]<class C, class H>() {
    if (sliced) {
      VerifySlices<C, H>(model, model_file, slices, options, verified);
      return;
    }
    const auto file_digest = [&]() -> std::optional<hash::Blake2sHash> {
      return model_file ? pipeline::VerifiersFileDigest(model, *model_file) : std::nullopt;
    };
    Record(CheckModelProof<C, H>(model, file_digest, proof, options), verified);
  });
  return verified;
}

}  // namespace tensorstark::api
