#include "api/prove.h"

#include <fmt/format.h>
#include <tbb/parallel_invoke.h>

#include <chrono>
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
#include "pipeline/key_cache.h"
#include "pipeline/model_key_cache.h"

namespace tensorstark::api {
namespace {

using frontend::FrontendError;

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
  proved.air = std::make_unique<frontend::ModelAir>(model);
  const frontend::ModelAir& air = *proved.air;
  // What would make the proof smaller, for the message if it cannot fit in memory.
  std::string smaller;
  auto or_with = [&](std::string_view lever) {
    smaller += (smaller.empty() ? "; it takes less with " : " or ") + std::string(lever);
  };
  if (config.pcs.fri.log_blowup_factor > 1 && !request.for_compression) or_with("--profile fast");
  if (air.WeightsDigest()) or_with("public weights (compile --visibility weights=public)");
  if (const std::optional<ProofMemory> memory = EstimateProofMemory(air.components(), config)) {
    proved.memory = *memory;
    CheckProofFitsMemory(*memory, config,
                         smaller.empty() ? "; free memory, or use a larger machine" : smaller);
  }
  auto key = frontend::SetupModel<H>(air, config);
  if (auto* error = std::get_if<std::string>(&key)) throw FrontendError(*error);
  const frontend::ModelKey<H>& model_key = std::get<frontend::ModelKey<H>>(key);
  proved.commitment = model_key.commitment;
  phase("lower and commit to model");
  frontend::ModelAir::Witness witness =
      air.GenerateWitness(proved.run, proved.commitment, request.context);
  phase("witness");
  air::ProveTimings timings;
  timings.on_phase = [&](const std::string& name, double ms) {
    if (request.on_phase) request.on_phase(name, ms);
  };
  air::ProveOptions options;
  options.timings = &timings;
  options.n_public_inputs = air.n_public_inputs();
  auto proof = air::Prove<C, H>(config, air.components(), std::move(witness.traces),
                                std::move(witness.public_inputs), options, &model_key.key);
  if (auto* error = std::get_if<air::ProvingError>(&proof)) {
    throw FrontendError("proving failed: " + air::ToString(*error));
  }
  proved.proof = air::SerializeProof(std::get<air::StarkProof<H>>(proof));
  proved.statement = std::get<air::StarkProof<H>>(proof).public_inputs;
  proved.grind_ms = timings.grind_ms;
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

template <class C, class H>
void VerifyWith(const frontend::QuantizedModel& model, std::optional<std::string_view> model_file,
                std::span<const uint8_t> bytes, const VerifyOptions& options, VerifiedProof& out) {
  auto start = std::chrono::steady_clock::now();
  auto parsed = air::ParseProof<H>(bytes);
  if (auto* error = std::get_if<air::ProofParseError>(&parsed)) {
    out.rejection = "the proof does not parse: " + error->message;
    return;
  }
  const air::StarkProof<H>& proof = std::get<air::StarkProof<H>>(parsed);
  out.config = proof.config;
  out.statement = proof.public_inputs;
  out.parse_ms = MillisecondsSince(start);
  // The key a verifier derives once per model and configuration (then from the key cache): the
  // model lowered for verifying and its file's digest, side by side.
  start = std::chrono::steady_clock::now();
  std::optional<hash::Blake2sHash> file_digest;
  tbb::parallel_invoke(
      [&] {
        out.air = std::make_unique<frontend::ModelAir>(model, frontend::ModelAir::Use::kVerifying);
      },
      [&] {
        if (model_file) file_digest = pipeline::VerifiersFileDigest(model, *model_file);
      });
  const frontend::ModelAir& air = *out.air;
  if (auto refusal = RefusedBeforeKey(air, proof, options.min_security_bits)) {
    out.rejection = std::move(refusal);
    return;
  }
  const hash::Blake2sHash model_digest =
      file_digest ? *file_digest : pipeline::VerifierModelDigest(air);
  const pipeline::KeyCache cache = KeyCacheFor(options.key_cache, options.on_warning);
  if (options.on_step) options.on_step("deriving the model's verifying key");
  auto key_or_error = pipeline::CachedModelVerifyingKey<H>(air, model_digest, proof.config, cache);
  out.setup_ms = MillisecondsSince(start);
  if (auto* error = std::get_if<std::string>(&key_or_error)) {
    out.rejection = *error;
    return;
  }
  const auto& key = std::get<pipeline::ModelVerifyingKey<H>>(key_or_error);
  out.key_from_cache = key.from_cache;
  start = std::chrono::steady_clock::now();
  auto rejection = frontend::VerifyModelProof<C, H>(air, proof, key.key, key.commitment,
                                                    options.min_security_bits);
  out.check_ms = MillisecondsSince(start);
  if (rejection) out.rejection = air::ToString(*rejection);
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

VerifiedProof VerifyProof(const frontend::QuantizedModel& model,
                          std::optional<std::string_view> model_file,
                          std::span<const uint8_t> proof, const VerifyOptions& options) {
  VerifiedProof verified;
  auto hash = air::PeekProofHash(proof);
  if (auto* error = std::get_if<air::ProofParseError>(&hash)) {
    verified.rejection = "the proof does not parse: " + error->message;
    return verified;
  }
  WithHashFamily(std::get<air::HashId>(hash), [&]<class C, class H>() {
    VerifyWith<C, H>(model, model_file, proof, options, verified);
  });
  return verified;
}

}  // namespace tensorstark::api
