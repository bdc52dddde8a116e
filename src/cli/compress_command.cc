#include "cli/compress_command.h"

#include <fmt/format.h>
#include <tbb/global_control.h>
#include <tbb/info.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <variant>
#include <vector>

#include "air/profiles.h"
#include "air/proof_io.h"
#include "cli/command_args.h"
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

namespace tensorstark::cli {
namespace {

using frontend::FrontendError;

constexpr std::string_view kUsage =
    R"(usage: tensorstark compress MODEL.tsm INNER.bin -o OUTER.bin [options]

Compresses a proof of the model: proves, in one fixed AIR (the recursion AIR), that the verifier
accepts INNER.bin. The compressed proof states what the inner proof states (the model, the public
inputs and outputs, the digests of committed tensors), and `tensorstark verify MODEL.tsm
OUTER.bin` checks it as it checks the inner one. INNER.bin must be made with
`tensorstark prove ... --profile recursive`; an inner proof the verifier rejects is refused with
the reason. Prints the time of each phase on stderr (deriving the keys, checking the inner proof,
the verifier circuit, the recursion trace, then the outer prover's phases).

options:
  -o, --output FILE  the compressed proof to write (required)
  --profile P        the outer proof's profile: test | fast | onchain | recursive (default fast)
  --hash H           blake2s | poseidon252 | poseidon2 (default: the profile's)
  --threads N        worker threads (default: all cores)
  --json             print one JSON object (phase times, sizes, the recursion AIR's components)
)";

// Deriving the keys, the 3 compression phases and the outer prover's 12.
constexpr size_t kCompressPhases = 16;

template <class C, class H>
int CompressWith(const frontend::QuantizedModel& model,
                 const air::StarkProof<frontend::InnerHasher>& inner, size_t inner_bytes,
                 const air::ProofConfig& outer_config, const Options& options) {
  const bool json = options.Has("json");
  PhaseProgress progress(json, kCompressPhases);
  const auto total_start = std::chrono::steady_clock::now();
  auto start = total_start;
  const frontend::ModelAir air(model);
  auto key_or_error = frontend::SetupCompressed<H>(air, inner.config, outer_config);
  if (auto* error = std::get_if<std::string>(&key_or_error)) throw FrontendError(*error);
  const frontend::CompressedKey<H>& key = std::get<frontend::CompressedKey<H>>(key_or_error);
  progress.Phase("keys and verifier circuit", start);

  air::ProveTimings timings;
  timings.on_phase = [&](const std::string& name, double ms) { progress.Phase(name, ms); };
  air::ProveOptions prove_options;
  prove_options.timings = &timings;
  auto outer_or_error = frontend::CompressProof<C, H>(key, inner, prove_options);
  progress.Done();
  if (auto* error = std::get_if<std::string>(&outer_or_error)) throw FrontendError(*error);
  const air::StarkProof<H>& outer = std::get<air::StarkProof<H>>(outer_or_error);
  start = std::chrono::steady_clock::now();
  const std::vector<uint8_t> bytes =
      frontend::WriteCompressedProof(inner.config.zk, air::SerializeProof(outer));
  const std::string path = options.Get("output", "");
  frontend::WriteFileBytes(path, AsChars(bytes));
  progress.Phase("write proof", start);
  const double total_ms = MillisecondsSince(total_start);

  if (json) {
    nlohmann::json components = nlohmann::json::array();
    for (const air::Component* component : key.recursion->components()) {
      components.push_back({{"name", component->name()}, {"log_rows", component->log_size()}});
    }
    fmt::print("{}\n",
               nlohmann::json{{"model", model.source},
                              {"profile", options.Get("profile", "fast")},
                              {"hash", std::string(C::kName)},
                              {"threads", tbb::global_control::active_value(
                                              tbb::global_control::max_allowed_parallelism)},
                              {"security_bits", outer_config.SecurityBits()},
                              {"total_ms", total_ms},
                              {"grind_ms", timings.grind_ms},
                              {"inner_proof_bytes", inner_bytes},
                              {"proof_bytes", bytes.size()},
                              {"circuit_gates", key.circuit.gates.size()},
                              {"circuit_wires", key.circuit.n_wires},
                              {"components", components},
                              {"peak_rss_mb", PeakRssMb()},
                              {"phases_ms", progress.ToJson()}}
                   .dump());
    return 0;
  }
  fmt::print(stderr, "  {:<26} {:9.1f} ms (grinding {:.1f} ms)\n", "total", total_ms,
             timings.grind_ms);
  fmt::print(
      "wrote {}: {} bytes (inner proof {} bytes), {} bits of security ({}, profile {}), a "
      "circuit of {} gates, model {}\n",
      path, bytes.size(), inner_bytes, outer_config.SecurityBits(), C::kName,
      options.Get("profile", "fast"), key.circuit.gates.size(),
      frontend::ToHex(key.inner.commitment));
  PrintStatement(air, outer.public_inputs);
  return 0;
}

template <class C, class H>
int VerifyCompressedWith(const frontend::QuantizedModel& model,
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
  progress.Begin("deriving the model's keys and verifier circuit");
  const frontend::ModelAir air(model);
  auto key =
      frontend::SetupCompressed<H>(air, frontend::InnerProofConfig(file.inner_zk), outer.config);
  progress.End();
  if (auto* error = std::get_if<std::string>(&key)) {
    fmt::print("invalid: {}\n", *error);
    return 1;
  }
  const double setup_ms = MillisecondsSince(start);
  start = std::chrono::steady_clock::now();
  auto rejection = frontend::VerifyCompressedProof<C, H>(
      air, std::get<frontend::CompressedKey<H>>(key), outer, min_security_bits);
  const double verify_ms = parse_ms + MillisecondsSince(start);
  if (rejection) {
    fmt::print("invalid: {}\n", air::ToString(*rejection));
    return 1;
  }
  if (json) {
    fmt::print("{}\n", nlohmann::json{{"valid", true},
                                      {"compressed", true},
                                      {"security_bits", outer.config.SecurityBits()},
                                      {"zero_knowledge", file.inner_zk},
                                      {"verify_ms", verify_ms},
                                      {"setup_ms", setup_ms},
                                      {"public", PublicStatementJson(air, outer.public_inputs)}}
                           .dump());
    return 0;
  }
  fmt::print("valid (compressed, {} bits of security{}), model {}\n", outer.config.SecurityBits(),
             file.inner_zk ? ", inner proof zero knowledge" : "",
             frontend::ToHex(frontend::ModelAir::StatedCommitment(outer.public_inputs)));
  PrintStatement(air, outer.public_inputs);
  return 0;
}

}  // namespace

int RunCompressCommand(std::span<char* const> args) {
  if (WantsHelp(args)) {
    fmt::print("{}", kUsage);
    return 0;
  }
  auto parsed = ParseCommandArgs(args, {"model", "inner proof"},
                                 {"output", "profile", "hash", "threads"}, {"json"});
  if (const auto* error = std::get_if<std::string>(&parsed)) {
    return UsageError("compress", kUsage, *error);
  }
  const CommandArgs& command = std::get<CommandArgs>(parsed);
  const Options& options = command.options;
  if (!options.Has("output")) return UsageError("compress", kUsage, "-o FILE is required");
  const std::optional<air::Profile> profile = air::ParseProfile(options.Get("profile", "fast"));
  if (!profile) {
    return UsageError("compress", kUsage, "--profile must be test, fast, onchain or recursive");
  }
  const std::optional<air::HashId> hash =
      options.Has("hash") ? ParseHashName(options.Get("hash", "")) : ProfileHash(*profile);
  if (!hash) {
    return UsageError("compress", kUsage, "--hash must be blake2s, poseidon252 or poseidon2");
  }
  auto threads = options.GetInt("threads", tbb::info::default_concurrency(), 1, 1024);
  if (const auto* error = std::get_if<std::string>(&threads)) {
    return UsageError("compress", kUsage, *error);
  }
  tbb::global_control thread_limit(tbb::global_control::max_allowed_parallelism,
                                   std::get<uint64_t>(threads));
  try {
    const frontend::QuantizedModel model = frontend::LoadQuantizedModel(command.positional[0]);
    const std::string& inner_path = command.positional[1];
    const std::vector<uint8_t> bytes = ReadProofFile(inner_path);
    auto inner_hash = air::PeekProofHash(bytes);
    if (auto* error = std::get_if<air::ProofParseError>(&inner_hash)) {
      throw FrontendError(fmt::format("{}: {}", inner_path, error->message));
    }
    if (std::get<air::HashId>(inner_hash) != air::HashId::kPoseidon2M31) {
      throw FrontendError(fmt::format(
          "{} is a {} proof; compress takes proofs made with --profile recursive (poseidon2)",
          inner_path, air::ToString(std::get<air::HashId>(inner_hash))));
    }
    auto inner = air::ParseProof<frontend::InnerHasher>(bytes);
    if (auto* error = std::get_if<air::ProofParseError>(&inner)) {
      throw FrontendError(fmt::format("{}: {}", inner_path, error->message));
    }
    const auto& inner_proof = std::get<air::StarkProof<frontend::InnerHasher>>(inner);
    if (inner_proof.config != frontend::InnerProofConfig(inner_proof.config.zk)) {
      throw FrontendError(fmt::format(
          "{} was not made with --profile recursive, the configuration compress verifies",
          inner_path));
    }
    air::ProofConfig outer_config = air::ProfileConfig(*profile);
    if (!options.Has("json")) {
      fmt::print(stderr, "compressing {} ({} thread(s)):\n", inner_path,
                 std::get<uint64_t>(threads));
    }
    return WithHashFamily(*hash, [&]<class C, class H>() {
      return CompressWith<C, H>(model, inner_proof, bytes.size(), outer_config, options);
    });
  } catch (const FrontendError& e) {
    fmt::print(stderr, "tensorstark compress: {}\n", e.what());
    return 1;
  }
}

int VerifyCompressedProofFile(const frontend::QuantizedModel& model, std::span<const uint8_t> bytes,
                              uint32_t min_security_bits, bool json) {
  auto file = frontend::ReadCompressedProof(bytes);
  if (auto* error = std::get_if<std::string>(&file)) {
    fmt::print("invalid: {}\n", *error);
    return 1;
  }
  const frontend::CompressedProofFile& compressed = std::get<frontend::CompressedProofFile>(file);
  auto hash = air::PeekProofHash(compressed.outer);
  if (auto* error = std::get_if<air::ProofParseError>(&hash)) {
    fmt::print("invalid: the outer proof does not parse: {}\n", error->message);
    return 1;
  }
  return WithHashFamily(std::get<air::HashId>(hash), [&]<class C, class H>() {
    return VerifyCompressedWith<C, H>(model, compressed, min_security_bits, json);
  });
}

}  // namespace tensorstark::cli
