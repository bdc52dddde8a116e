#include "cli/compress_command.h"

#include <fmt/format.h>
#include <tbb/global_control.h>
#include <tbb/info.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <variant>
#include <vector>

#include "air/profiles.h"
#include "air/proof_io.h"
#include "cli/command_args.h"
#include "cli/final_proof_command.h"
#include "cli/hash_family.h"
#include "cli/phase_progress.h"
#include "cli/statement_output.h"
#include "cli/step_progress.h"
#include "cli/timing.h"
#include "frontend/compressed_proof_file.h"
#include "frontend/file_io.h"
#include "frontend/frontend_error.h"
#include "frontend/model_recursion.h"
#include "frontend/quantized_model.h"
#include "hash/blake2s.h"

namespace tensorstark::cli {
namespace {

using frontend::FrontendError;

constexpr std::string_view kUsage =
    R"(usage: tensorstark compress MODEL.tsm INNER.bin [INNER.bin ...] [MODEL.tsm INNER.bin ...]
                           -o OUTER.bin [options]

Compresses proofs of models: proves, in one fixed AIR (the recursion AIR), that the verifier
accepts each inner proof. Each proof is of the model named before it; several proofs, of one model
or of several, give one aggregated proof. The compressed proof states what the inner proofs state
(the models, their public inputs and outputs, the digests of committed tensors), one after
another, and `tensorstark verify MODEL.tsm [MODEL.tsm ...] OUTER.bin` checks it as it checks the
inner ones. Inner proofs must be made with `tensorstark prove ... --profile recursive`; one the
verifier rejects is refused with the reason. Prints the time of each phase on stderr (deriving
the keys and the circuit, checking the inner proofs, the verifier circuit, the recursion trace,
then the outer prover's phases).

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

// Deriving the keys, the 3 compression phases, the outer prover's 11 and writing the proof.
constexpr size_t kCompressPhases = 16;

// An inner proof compress takes (profile recursive), or a FrontendError naming what it is.
frontend::InnerProof ReadInnerProof(const std::string& path, std::span<const uint8_t> bytes) {
  const air::HashId hash = std::get<air::HashId>(air::PeekProofHash(bytes));
  if (hash != air::HashId::kPoseidon2M31) {
    throw FrontendError(fmt::format(
        "{} is a {} proof; compress takes proofs made with --profile recursive (poseidon2)", path,
        air::ToString(hash)));
  }
  auto inner = air::ParseProof<frontend::InnerHasher>(bytes);
  if (auto* error = std::get_if<air::ProofParseError>(&inner)) {
    throw FrontendError(fmt::format("{}: {}", path, error->message));
  }
  frontend::InnerProof& proof = std::get<frontend::InnerProof>(inner);
  if (proof.config != frontend::InnerProofConfig(proof.config.zk)) {
    throw FrontendError(fmt::format(
        "{} was not made with --profile recursive, the configuration compress verifies", path));
  }
  return std::move(proof);
}

template <class C, class H>
int CompressWith(const CompressInputs& in, air::Profile outer_profile, const Options& options) {
  const bool json = options.Has("json");
  PhaseProgress progress(json, kCompressPhases);
  const auto total_start = std::chrono::steady_clock::now();
  auto start = total_start;
  const frontend::OuterShape shape =
      options.Has("fit") ? frontend::OuterShape::kFit : frontend::OuterShape::kStandard;
  const air::ProofConfig outer_config = air::ProfileConfig(outer_profile);
  const frontend::KeyCache cache = frontend::KeyCache::FromEnvironment();
  auto key_or_error =
      frontend::SetupCompressed<H>(in.specs, outer_config, shape, frontend::KeyUse::kProve, cache);
  if (auto* error = std::get_if<std::string>(&key_or_error)) throw FrontendError(*error);
  const frontend::CompressedKey<H>& key = std::get<frontend::CompressedKey<H>>(key_or_error);
  progress.Phase("keys and verifier circuit", start);

  air::ProveTimings timings;
  timings.on_phase = [&](const std::string& name, double ms) { progress.Phase(name, ms); };
  air::ProveOptions prove_options;
  prove_options.timings = &timings;
  auto outer_or_error = frontend::CompressProof<C, H>(key, in.inners, prove_options);
  progress.Done();
  if (auto* error = std::get_if<std::string>(&outer_or_error)) throw FrontendError(*error);
  const air::StarkProof<H>& outer = std::get<air::StarkProof<H>>(outer_or_error);
  start = std::chrono::steady_clock::now();
  std::vector<frontend::CompressedInner> entries;
  for (const frontend::InnerSpec& spec : in.specs) {
    entries.push_back({static_cast<uint32_t>(spec.model), spec.zero_knowledge});
  }
  const std::vector<uint8_t> bytes = frontend::WriteCompressedProof(
      static_cast<uint32_t>(shape), entries, air::SerializeProof(outer));
  const std::string path = options.Get("output", "");
  frontend::WriteFileBytes(path, AsChars(bytes));
  progress.Phase("write proof", start);
  const double total_ms = MillisecondsSince(total_start);

  if (json) {
    fmt::print(
        "{}\n",
        nlohmann::json{{"models", in.model_paths},
                       {"inner_proofs", in.inners.size()},
                       {"shape", options.Has("fit") ? "fit" : "standard"},
                       {"profile", std::string(air::ProfileName(outer_profile))},
                       {"hash", std::string(C::kName)},
                       {"threads", tbb::global_control::active_value(
                                       tbb::global_control::max_allowed_parallelism)},
                       {"security_bits", outer_config.SecurityBits()},
                       {"total_ms", total_ms},
                       {"grind_ms", timings.grind_ms},
                       {"inner_proof_bytes", in.inner_bytes},
                       {"proof_bytes", bytes.size()},
                       {"circuit_gates", key.recursion->circuit().gates.size()},
                       {"circuit_gates_by_kind", GatesByKindJson(key.recursion->circuit())},
                       {"circuit_wires", key.recursion->circuit().n_wires},
                       {"components", ComponentsJson(*key.recursion)},
                       {"identity", IdentityJson(frontend::IdentityOf(key), frontend::IdsOf(key))},
                       {"keys_from_cache", key.from_cache},
                       {"peak_rss_mb", PeakRssMb()},
                       {"phases_ms", progress.ToJson()}}
            .dump());
    return 0;
  }
  fmt::print(stderr, "  {:<26} {:9.1f} ms (grinding {:.1f} ms)\n", "total", total_ms,
             timings.grind_ms);
  fmt::print(
      "wrote {}: {} bytes ({} inner proof(s), {} bytes), {} bits of security ({}, profile {}), a "
      "circuit of {} gates\n",
      path, bytes.size(), in.inners.size(), in.inner_bytes, outer_config.SecurityBits(), C::kName,
      air::ProfileName(outer_profile), key.recursion->circuit().gates.size());
  PrintCompressedStatements(key.members, frontend::IdsOf(key), in.model_paths, outer.public_inputs);
  return 0;
}

template <class C, class H>
int VerifyCompressedWith(const std::vector<frontend::QuantizedModel>& models,
                         const std::vector<std::string>& model_paths,
                         const frontend::CompressedProofFile& file, uint32_t min_security_bits,
                         bool json) {
  auto start = std::chrono::steady_clock::now();
  auto parsed = air::ParseProof<H>(file.outer);
  if (auto* error = std::get_if<air::ProofParseError>(&parsed)) {
    fmt::print("invalid: the outer proof does not parse: {}\n", error->message);
    return 1;
  }
  const air::StarkProof<H>& outer = std::get<air::StarkProof<H>>(parsed);
  const double parse_ms = MillisecondsSince(start);
  start = std::chrono::steady_clock::now();
  StepProgress progress(json);
  progress.Begin("deriving the models' keys and verifier circuit");
  const FileSpecs file_specs = SpecsOfFile(models, file);
  const std::vector<frontend::InnerSpec>& specs = file_specs.specs;
  const frontend::KeyCache cache = frontend::KeyCache::FromEnvironment();
  const auto shape = static_cast<frontend::OuterShape>(file.shape);
  auto key =
      frontend::SetupCompressed<H>(specs, outer.config, shape, frontend::KeyUse::kVerify, cache);
  progress.End();
  if (auto* error = std::get_if<std::string>(&key)) {
    fmt::print("invalid: {}\n", *error);
    return 1;
  }
  const auto& compressed_key = std::get<frontend::CompressedKey<H>>(key);
  const double setup_ms = MillisecondsSince(start);
  start = std::chrono::steady_clock::now();
  auto rejection = frontend::VerifyCompressedProof<C, H>(compressed_key, outer, min_security_bits);
  const double verify_ms = parse_ms + MillisecondsSince(start);
  if (rejection) {
    fmt::print("invalid: {}\n", air::ToString(*rejection));
    return 1;
  }
  const auto statements = frontend::MemberStatements(compressed_key.members, outer.public_inputs);
  if (json) {
    nlohmann::json public_parts = nlohmann::json::array();
    for (size_t i = 0; i < specs.size(); ++i) {
      public_parts.push_back(PublicStatementJson(*specs[i].air, statements[i]));
    }
    fmt::print("{}\n",
               nlohmann::json{{"valid", true},
                              {"compressed", true},
                              {"inner_proofs", specs.size()},
                              {"security_bits", outer.config.SecurityBits()},
                              {"verify_ms", verify_ms},
                              {"setup_ms", setup_ms},
                              {"keys_from_cache", compressed_key.from_cache},
                              {"identity", IdentityJson(frontend::IdentityOf(compressed_key),
                                                        frontend::IdsOf(compressed_key))},
                              {"public", specs.size() == 1 ? public_parts[0] : public_parts}}
                   .dump());
    return 0;
  }
  if (specs.size() == 1) {
    fmt::print("valid (compressed, {} bits of security{}), model {}\n", outer.config.SecurityBits(),
               specs[0].zero_knowledge ? ", inner proof zero knowledge" : "",
               frontend::ToHex(frontend::ModelAir::StatedCommitment(outer.public_inputs)));
  } else {
    fmt::print("valid (compressed, {} inner proofs, {} bits of security)\n", specs.size(),
               outer.config.SecurityBits());
  }
  PrintCompressedStatements(compressed_key.members, frontend::IdsOf(compressed_key), model_paths,
                            outer.public_inputs);
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
    CompressInputs in;
    // Each proof is of the model before it.
    for (const std::string& path : command.positional) {
      const std::vector<uint8_t> bytes = ReadProofFile(path);
      if (!std::holds_alternative<air::HashId>(air::PeekProofHash(bytes))) {
        in.models.push_back(frontend::LoadQuantizedModel(path));
        in.model_paths.push_back(path);
        continue;
      }
      if (in.models.empty()) {
        return UsageError("compress", kUsage, fmt::format("{}: a proof before any model", path));
      }
      in.inners.push_back(ReadInnerProof(path, bytes));
      in.inner_bytes += bytes.size();
      in.specs.push_back({nullptr, in.models.size() - 1, in.inners.back().config.zk});
    }
    for (size_t m = 0; m < in.models.size(); ++m) {
      if (std::none_of(in.specs.begin(), in.specs.end(),
                       [&](const frontend::InnerSpec& spec) { return spec.model == m; })) {
        return UsageError("compress", kUsage,
                          fmt::format("{}: a model with no proof after it", in.model_paths[m]));
      }
    }
    for (const frontend::QuantizedModel& model : in.models) {
      in.airs.push_back(std::make_unique<frontend::ModelAir>(model));
    }
    for (frontend::InnerSpec& spec : in.specs) spec.air = in.airs[spec.model].get();
    return CompressAndWrite(in, choice, options);
  } catch (const FrontendError& e) {
    fmt::print(stderr, "tensorstark compress: {}\n", e.what());
    return 1;
  }
}

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

int CompressAndWrite(const CompressInputs& in, const ProofChoice& outer, const Options& options) {
  if (!options.Has("json")) {
    fmt::print(stderr, "compressing {} inner proof(s) ({} thread(s)):\n", in.inners.size(),
               outer.threads);
  }
  if (outer.profile == air::Profile::kOnchain) return CompressFinalAndWrite(in, outer, options);
  return WithHashFamily(outer.hash, [&]<class C, class H>() {
    return CompressWith<C, H>(in, outer.profile, options);
  });
}

std::optional<std::string> CheckFileModels(const frontend::CompressedProofFile& file,
                                           const std::vector<std::string>& model_paths) {
  std::vector<bool> used(model_paths.size());
  for (const frontend::CompressedInner& inner : file.inners) {
    if (inner.model >= model_paths.size()) {
      return fmt::format("the proof is of {} models or more, {} given", inner.model + 1,
                         model_paths.size());
    }
    used[inner.model] = true;
  }
  for (size_t m = 0; m < model_paths.size(); ++m) {
    if (!used[m]) return fmt::format("the proof is of no inner proof of {}", model_paths[m]);
  }
  return std::nullopt;
}

FileSpecs SpecsOfFile(const std::vector<frontend::QuantizedModel>& models,
                      const frontend::CompressedProofFile& file) {
  FileSpecs out;
  for (const frontend::QuantizedModel& model : models) {
    out.airs.push_back(
        std::make_unique<frontend::ModelAir>(model, frontend::ModelAir::Use::kVerifying));
  }
  for (const frontend::CompressedInner& inner : file.inners) {
    out.specs.push_back({out.airs[inner.model].get(), inner.model, inner.zero_knowledge});
  }
  return out;
}

int VerifyCompressedProofFile(const std::vector<frontend::QuantizedModel>& models,
                              const std::vector<std::string>& model_paths,
                              std::span<const uint8_t> bytes, uint32_t min_security_bits, bool json,
                              const std::optional<field::Felt252>& verifier_class) {
  auto file = frontend::ReadCompressedProof(bytes);
  if (auto* error = std::get_if<std::string>(&file)) {
    fmt::print("invalid: {}\n", *error);
    return 1;
  }
  const frontend::CompressedProofFile& compressed = std::get<frontend::CompressedProofFile>(file);
  if (auto error = CheckFileModels(compressed, model_paths)) {
    fmt::print("invalid: {}\n", *error);
    return 1;
  }
  if (compressed.shape & frontend::kFinalProofBit) {
    return VerifyFinalProofFile(models, model_paths, compressed, min_security_bits, json,
                                verifier_class);
  }
  if (verifier_class) {
    fmt::print(stderr, "tensorstark verify: {}\n", kClassHashOfFinalProofs);
    return 2;
  }
  auto hash = air::PeekProofHash(compressed.outer);
  if (auto* error = std::get_if<air::ProofParseError>(&hash)) {
    fmt::print("invalid: the outer proof does not parse: {}\n", error->message);
    return 1;
  }
  return WithHashFamily(std::get<air::HashId>(hash), [&]<class C, class H>() {
    return VerifyCompressedWith<C, H>(models, model_paths, compressed, min_security_bits, json);
  });
}

}  // namespace tensorstark::cli
