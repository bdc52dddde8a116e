#include "cli/compress_command.h"

#include <fmt/format.h>
#include <tbb/global_control.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <variant>
#include <vector>

#include "air/profiles.h"
#include "air/proof_io.h"
#include "api/compress.h"
#include "api/prove.h"
#include "api/run.h"
#include "api/timing.h"
#include "cli/command_args.h"
#include "cli/hash_family.h"
#include "cli/phase_progress.h"
#include "cli/statement_output.h"
#include "cli/step_progress.h"
#include "frontend/file_io.h"
#include "frontend/frontend_error.h"
#include "frontend/quantized_model.h"
#include "pipeline/compressed_proof_file.h"
#include "pipeline/model_recursion.h"

namespace tensorstark::cli {
namespace {

using frontend::FrontendError;

constexpr std::string_view kUsage =
    R"(usage: tensorstark compress MODEL.tsm INNER.bin [INNER.bin ...] [MODEL.tsm INNER.bin ...]
                           -o OUTER.bin [options]

Compresses proofs of models: proves, in one fixed AIR (the recursion AIR), that the verifier
accepts each inner proof. Each proof is of the model named before it; several proofs, of one model
or of several, give one aggregated proof (at most 8; 4 into a final proof directly). A final proof
(--profile onchain) of a sliced proof, or of more than 4 proofs (up to 1,024), joins them through
the aggregation tree (a leaf per proof or slice, nodes two by two; tensorstark tree --help runs
its steps one at a time). The compressed proof
states what the inner proofs state (the models, their public inputs and outputs, the digests of
committed tensors), one after another, and `tensorstark verify MODEL.tsm [MODEL.tsm ...]
OUTER.bin` checks it as it checks the inner ones. Inner proofs must be made with `tensorstark
prove ... --profile recursive`; one the verifier rejects is refused with the reason. Prints the
time of each phase on stderr (deriving the keys and the circuit, checking the inner proofs, the
verifier circuit, the recursion trace, then the outer prover's phases).

options:
  -o, --output FILE  the compressed proof to write (required)
  --profile P        the outer proof's profile: test | fast | recursive (default fast); or
                     onchain: the final proof a Starknet contract verifies, an outer proof at
                     the recursive profile then its verifier's proof in the narrow recursion
                     AIR, hashed with poseidon252 (about 2.5 minutes and 12 GB on 2 cores)
  --hash H           blake2s | poseidon252 | poseidon2 (default: the profile's)
  --fit              size the outer proof to its circuit (smallest and fastest) instead of the
                     standard size class, which gives every model's compressed proof one shape
                     (one size, one verifier cost)
  --threads N        worker threads (default: all cores)
  --json             print one JSON object (phase times, sizes, the recursion AIR's components)
)";

// Deriving the keys, the 3 compression phases, the outer prover's 11 and writing the proof; a
// final proof's: the keys and circuits, the outer proof's 3 phases and its prover's 11, the final
// proof's 3 and its prover's 11, writing the proof.
constexpr size_t kCompressPhases = 16;
constexpr size_t kFinalPhases = 30;

// For --json: a recursion AIR's components (each one's name, log rows and rows holding gates), and
// a circuit's gates of each kind.
nlohmann::json ComponentsJson(const recursion::RecursionAir& air) {
  nlohmann::json components = nlohmann::json::array();
  const std::vector<const air::Component*> parts = air.components();
  const std::vector<size_t> gate_rows = air.GateRows();
  for (size_t i = 0; i < parts.size(); ++i) {
    components.push_back(
        {{"name", parts[i]->name()}, {"log_rows", parts[i]->log_size()}, {"rows", gate_rows[i]}});
  }
  return components;
}

nlohmann::json GatesByKindJson(const recursion::Circuit& circuit) {
  nlohmann::json gates = nlohmann::json::object();
  const std::array<size_t, recursion::kGateKinds> counts = circuit.CountByKind();
  for (size_t k = 0; k < recursion::kGateKinds; ++k) {
    gates[std::string(recursion::GateKindName(static_cast<recursion::GateKind>(k)))] = counts[k];
  }
  return gates;
}

int PrintCompressed(const CompressInputs& in, const api::CompressedModelProof& proved,
                    const std::string& path, air::Profile profile, air::HashId hash,
                    double total_ms, const Options& options, const PhaseProgress& progress) {
  const api::CompressedStatement& stated = proved.stated;
  const recursion::Circuit& circuit = proved.recursion->circuit();
  size_t inner_bytes = 0;
  for (const std::vector<uint8_t>& proof : in.proofs) inner_bytes += proof.size();
  if (options.Has("json")) {
    nlohmann::json out = {{"models", in.model_paths},
                          {"inner_proofs", in.proofs.size()},
                          {"shape", options.Has("fit") ? "fit" : "standard"},
                          {"profile", std::string(air::ProfileName(profile))},
                          {"hash", air::ToString(hash)},
                          {"threads", tbb::global_control::active_value(
                                          tbb::global_control::max_allowed_parallelism)},
                          {"security_bits", stated.security_bits},
                          {"total_ms", total_ms},
                          {"grind_ms", proved.grind_ms},  // every prover's
                          {"inner_proof_bytes", inner_bytes},
                          {"proof_bytes", proved.file.size()},
                          {"circuit_gates", circuit.gates.size()},
                          {"circuit_gates_by_kind", GatesByKindJson(circuit)},
                          {"circuit_wires", circuit.n_wires},
                          {"components", ComponentsJson(*proved.recursion)},
                          {"identity", IdentityJson(stated.identity, stated.ids)},
                          {"keys_from_cache", stated.keys_from_cache},
                          {"peak_rss_mb", api::PeakRssMb()},
                          {"phases_ms", progress.ToJson()}};
    if (stated.final) {
      out["final"] = true;
      out["outer_circuit_gates"] = proved.outer_circuit_gates;
      out["starknet"] = StarknetFactsJson(stated, std::nullopt);
    }
    fmt::print("{}\n", out.dump());
    return 0;
  }
  fmt::print(stderr, "  {:<26} {:9.1f} ms (grinding {:.1f} ms)\n", "total", total_ms,
             proved.grind_ms);
  fmt::print(
      "wrote {}: {} bytes ({} inner proof(s), {} bytes), {} bits of security ({}, profile {}), a "
      "{}circuit of {} gates\n",
      path, proved.file.size(), in.proofs.size(), inner_bytes, stated.security_bits,
      air::ToString(hash),
      stated.final ? "onchain: the final proof of an outer proof" : air::ProfileName(profile),
      stated.final ? "final " : "", circuit.gates.size());
  PrintCompressedStatements(stated, in.model_paths);
  if (stated.final) PrintStarknetFacts(stated, std::nullopt);
  return 0;
}

int PrintVerifiedCompressed(const api::VerifiedCompressed& verified,
                            const std::vector<std::string>& model_paths, bool json,
                            const std::optional<field::Felt252>& verifier_class) {
  if (verified.rejection) {
    fmt::print("invalid: {}\n", *verified.rejection);
    return 1;
  }
  const api::CompressedStatement& stated = verified.stated;
  const size_t n = stated.inferences.size();
  if (json) {
    const nlohmann::json public_parts = PublicStatementsJson(stated);
    nlohmann::json out = {{"valid", true},
                          {"compressed", true},
                          {"inner_proofs", n},
                          {"security_bits", stated.security_bits},
                          {"verify_ms", verified.parse_ms + verified.check_ms},
                          {"setup_ms", verified.setup_ms},
                          {"keys_from_cache", stated.keys_from_cache},
                          {"identity", IdentityJson(stated.identity, stated.ids)},
                          {"public", n == 1 ? public_parts[0] : public_parts}};
    if (stated.final) {
      out["final"] = true;
      out["starknet"] = StarknetFactsJson(stated, verifier_class);
    }
    fmt::print("{}\n", out.dump());
    return 0;
  }
  if (stated.final) {
    fmt::print("valid (final proof, {} inner proof(s), {} bits of security)\n", n,
               stated.security_bits);
  } else if (n == 1) {
    fmt::print("valid (compressed, {} bits of security{}), model {}\n", stated.security_bits,
               stated.inferences[0].zero_knowledge ? ", inner proof zero knowledge" : "",
               frontend::ToHex(frontend::ModelAir::StatedCommitment(stated.statement)));
  } else {
    fmt::print("valid (compressed, {} inner proofs, {} bits of security)\n", n,
               stated.security_bits);
  }
  PrintCompressedStatements(stated, model_paths);
  if (stated.final) PrintStarknetFacts(stated, verifier_class);
  return 0;
}

}  // namespace

int RunCompressCommand(std::span<char* const> args) {
  if (WantsHelp(args)) {
    fmt::print("{}", kUsage);
    return 0;
  }
  auto parsed =
      ParseCommandArgs(args, {"model", "inner proof"}, {"output", "profile", "hash", "threads"},
                       {"json", "fit"}, SIZE_MAX);
  if (const auto* error = std::get_if<std::string>(&parsed)) {
    return UsageError("compress", kUsage, *error);
  }
  const CommandArgs& command = std::get<CommandArgs>(parsed);
  const Options& options = command.options;
  if (!options.Has("output")) return UsageError("compress", kUsage, "-o FILE is required");
  auto choice_or_error = ParseProofChoice(options);
  if (const auto* error = std::get_if<std::string>(&choice_or_error)) {
    return UsageError("compress", kUsage, *error);
  }
  const ProofChoice& choice = std::get<ProofChoice>(choice_or_error);
  tbb::global_control thread_limit(tbb::global_control::max_allowed_parallelism, choice.threads);
  try {
    auto in = ReadModelsAndProofs(command.positional);
    if (const auto* error = std::get_if<std::string>(&in)) {
      return UsageError("compress", kUsage, *error);
    }
    return CompressAndWrite(std::get<CompressInputs>(in), choice, options);
  } catch (const FrontendError& e) {
    fmt::print(stderr, "tensorstark compress: {}\n", e.what());
    return 1;
  }
}

std::variant<CompressInputs, std::string> ReadModelsAndProofs(
    std::span<const std::string> paths) {
  CompressInputs in;
  // Each proof is of the model before it.
  for (const std::string& path : paths) {
    std::vector<uint8_t> bytes = ReadProofFile(path);
    if (api::ProofKindOf(bytes) != api::ProofKind::kProof) {
      in.models.push_back(api::LoadModel(path));
      in.model_paths.push_back(path);
      continue;
    }
    if (in.models.empty()) return fmt::format("{}: a proof before any model", path);
    in.proofs.push_back(std::move(bytes));
    in.proof_paths.push_back(path);
    in.proof_models.push_back(in.models.size() - 1);
  }
  for (size_t m = 0; m < in.models.size(); ++m) {
    if (std::find(in.proof_models.begin(), in.proof_models.end(), m) == in.proof_models.end()) {
      return fmt::format("{}: a model with no proof after it", in.model_paths[m]);
    }
  }
  return in;
}

std::vector<api::InnerProofInput> CompressInputs::Inners() const {
  std::vector<api::InnerProofInput> inners;
  for (size_t i = 0; i < proofs.size(); ++i) {
    inners.push_back({proof_models[i], proofs[i], proof_paths[i]});
  }
  return inners;
}

int CompressAndWrite(const CompressInputs& in, const ProofChoice& outer, const Options& options) {
  const bool json = options.Has("json");
  if (!json) {
    fmt::print(stderr, "compressing {} inner proof(s) ({} thread(s)):\n", in.proofs.size(),
               outer.threads);
  }
  const std::vector<api::InnerProofInput> inners = in.Inners();
  PhaseProgress progress(json,
                         outer.profile == air::Profile::kOnchain ? kFinalPhases : kCompressPhases);
  const auto total_start = std::chrono::steady_clock::now();
  api::CompressRequest request;
  request.profile = outer.profile;
  request.hash = outer.hash;
  request.shape = options.Has("fit") ? pipeline::OuterShape::kFit : pipeline::OuterShape::kStandard;
  request.on_warning = PrintWarning("compress");
  request.on_phase = [&](std::string_view name, double ms) {
    progress.Phase(std::string(name), ms);
  };
  api::CompressedModelProof proved;
  try {
    proved = api::CompressProofs(api::ModelPointers(in.models), inners, request);
  } catch (const FrontendError&) {
    progress.Done();
    throw;
  }
  progress.Done();
  auto start = std::chrono::steady_clock::now();
  const std::string path = options.Get("output", "");
  frontend::WriteFileBytes(path, AsChars(proved.file));
  progress.Phase("write proof", start);
  return PrintCompressed(in, proved, path, outer.profile, outer.hash,
                         api::MillisecondsSince(total_start), options, progress);
}

int VerifyCompressedProofFile(const std::vector<frontend::QuantizedModel>& models,
                              const std::vector<std::string>& model_paths,
                              std::span<const uint8_t> bytes, api::VerifyOptions options, bool json,
                              const std::optional<field::Felt252>& verifier_class) {
  if (verifier_class) {
    const auto file = pipeline::ReadCompressedProof(bytes);
    const auto* compressed = std::get_if<pipeline::CompressedProofFile>(&file);
    if (compressed && !(compressed->shape & pipeline::kFinalProofBit)) {
      fmt::print(stderr, "tensorstark verify: {}\n", kClassHashOfFinalProofs);
      return 2;
    }
  }
  StepProgress progress(json);
  options.on_step = [&](std::string_view step) { progress.Begin(step); };
  const api::VerifiedCompressed verified =
      api::VerifyCompressed(api::ModelPointers(models), model_paths, bytes, options);
  progress.End();
  return PrintVerifiedCompressed(verified, model_paths, json, verifier_class);
}

}  // namespace tensorstark::cli
