#include "cli/prove_command.h"

#include <fmt/format.h>
#include <tbb/global_control.h>
#include <tbb/info.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <iterator>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "air/profiles.h"
#include "air/proof_io.h"
#include "api/prove.h"
#include "api/run.h"
#include "api/timing.h"
#include "api/tree.h"
#include "cli/command_args.h"
#include "cli/compress_command.h"
#include "cli/hash_family.h"
#include "cli/phase_progress.h"
#include "cli/statement_output.h"
#include "cli/step_progress.h"
#include "field/felt252.h"
#include "frontend/context.h"
#include "frontend/file_io.h"
#include "frontend/frontend_error.h"
#include "frontend/model_air.h"

namespace tensorstark::cli {
namespace {

using frontend::FrontendError;

constexpr std::string_view kProveUsage =
    R"(usage: tensorstark prove MODEL.tsm --input IN.json -o PROOF.bin [options]

Runs the compiled model on the input and proves that it produced the outputs: a Circle STARK over
Mersenne-31 whose statement holds the input and output values, or their Poseidon2 digests, or
neither, as the model was compiled (--visibility). Prints what the proof states of the outputs
and of the committed or private tensors, and the time of each phase on stderr. Proofs of a model
with committed or private inputs, outputs or weights are always zero-knowledge (--zk).

options:
  --input FILE       the input, {"input_data": [[...]]} (required)
  -o, --output FILE  the proof to write (required)
  --context F,...    the context felts the proof states, as many as the model was compiled with
                     (compile --context N): 0x and hex digits, or decimals below 2^64; e.g. the
                     applicant's Starknet address and a nonce, which a contract checks
  --outputs FILE     also write the outputs as {"output_data": [[...]]}
  --profile P        test | fast | onchain | recursive (default fast; test is not secure;
                     onchain for Starknet, recursive for a recursion circuit)
  --hash H           blake2s | poseidon252 | poseidon2 (default: the profile's, poseidon252
                     for onchain, poseidon2 for recursive, blake2s otherwise)
  --threads N        worker threads (default: all cores)
  --zk               zero knowledge: the proof reveals nothing about the trace (the activations,
                     and private inputs) beyond the statement (docs/zero-knowledge.md); the
                     stated values, and the weights unless private, are public. Larger and
                     slower. Always on for a model with committed or private parts
  --compress         prove with --profile recursive and compress the proof in one go
                     (tensorstark compress --help): -o gets the compressed proof
  --outer-profile P  with --compress: the compressed proof's profile (default fast; onchain:
                     the final proof a Starknet contract verifies, as compress --profile onchain)
  --fit              with --compress: size the compressed proof to its circuit
  --slice K          a model compiled into slices: prove slice K alone (from 1), with the
                     recursive profile, for `tensorstark tree join` to join with the others; its
                     cuts' salts come from --salts
  --salts FILE       with --slice: the salts every slice of one proof shares, created (readable by
                     this user only) if missing; as private as the input: keep it with it
  --json             print one JSON object (times per phase, proof size, peak memory, outputs;
                     with --compress, compress's)
)";

constexpr std::string_view kVerifyUsage =
    R"(usage: tensorstark verify MODEL.tsm [MODEL.tsm ...] PROOF.bin [--min-security-bits B]
                                                             [--no-cache] [--class-hash H]

Checks that the proof shows the compiled model producing the outputs it states from the inputs it
states. PROOF.bin may be a proof from `prove` or a compressed proof from `compress`; for a
compressed proof of several models, give them in the order compress was given them. Prints "valid" and what the proof states of the outputs and of the committed or private
tensors (exit 0), or "invalid" and the reason (exit 1). MODEL.tsm is the verifying model compile
wrote (MODEL.verifying.tsm when the weights are private) or the model itself.

For a final proof (compress --profile onchain), the one Starknet's verifier reads, it also prints
what the fact registry records for each inner proof: the hashes of its stated inputs and outputs
(next to its model id), and with --class-hash its fact, which a contract checks with
is_fact_valid.

Keys are derived once per model and configuration and kept in the key cache
($TENSORSTARK_CACHE_DIR, else ~/.cache/tensorstark, created 0700: a folder others can write to
is not used, with a warning), so that later verifications of the model commit nothing.

options:
  --min-security-bits B   reject proofs below B bits of security (default 96); a compressed or
                          final proof's are the least of its own and its inner and outer proofs'
  --no-cache              derive every key, reading and writing nothing in the key cache
  --class-hash H          the class hash of the Starknet verifier contract (0x...): also print
                          the facts the registry records when that verifier accepts the final
                          proof
  --json                  print one JSON object (verify_ms, setup_ms: deriving the model's key,
                          which a deployed verifier does once, and public: what the proof makes
                          public, as tensorstark inspect PROOF.bin MODEL.tsm prints it)
)";

// The command's own 4 phases and the prover's (setup, 3 commitments, 4 for the PCS, grinding,
// decommitment, self-check, freeing memory).
constexpr size_t kProvePhases = 16;

// With `compress_outer`, the proof (an inner proof of the recursive profile) is compressed with
// that outer choice, and the compressed proof written instead (prove --compress).
// The salts file's salts, the file created with fresh ones (this user's alone) if it is missing.
api::SliceSalts SliceSaltsOf(const frontend::QuantizedModel& model, const std::string& path) {
  if (!std::filesystem::exists(path)) {
    const std::vector<uint8_t> bytes = api::NewSaltsFile(model);
    const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (fd < 0 || write(fd, bytes.data(), bytes.size()) != static_cast<ssize_t>(bytes.size())) {
      if (fd >= 0) close(fd);
      throw FrontendError(fmt::format("cannot create the salts file '{}'", path));
    }
    close(fd);
  }
  return api::ReadSaltsFile(model, ReadProofFile(path), path);
}

int ProveAndWrite(const frontend::QuantizedModel& model, const std::string& model_path,
                  const std::vector<frontend::Tensor>& input, const api::ProveRequest& request,
                  const Options& options, const std::optional<ProofChoice>& compress_outer) {
  const bool json = options.Has("json");
  PhaseProgress progress(json, kProvePhases);
  const auto total_start = std::chrono::steady_clock::now();
  api::ProveRequest with_progress = request;
  with_progress.on_phase = [&](std::string_view name, double ms) {
    progress.Phase(std::string(name), ms);
  };
  with_progress.on_warning = [](std::string_view warning) { fmt::print(stderr, "{}\n", warning); };
  api::ProvedModel proved;
  try {
    proved = api::ProveModel(model, input, with_progress);
  } catch (const FrontendError&) {
    progress.Done();
    throw;
  }
  const std::vector<uint8_t>& bytes = proved.proof;
  if (compress_outer) {
    progress.Done();
    if (!json) {
      fmt::print(stderr, "  {:<26} {:9.1f} ms, {} bytes\n", "inner proof",
                 api::MillisecondsSince(total_start), bytes.size());
    }
    if (options.Has("outputs")) WriteOutputsJson(options.Get("outputs", ""), proved.run.outputs);
    CompressInputs in;
    in.models.push_back(model);
    in.model_paths.push_back(model_path);
    in.proofs.push_back(bytes);
    in.proof_paths.push_back("the inner proof");
    in.proof_models.push_back(0);
    return CompressAndWrite(in, *compress_outer, options);
  }
  auto start = std::chrono::steady_clock::now();
  const std::string path = options.Get("output", "");
  try {
    frontend::WriteFileBytes(path, AsChars(bytes));
  } catch (const FrontendError&) {
    progress.Done();
    throw;
  }
  progress.Phase("write proof", start);
  progress.Done();
  const double total_ms = api::MillisecondsSince(total_start);
  const air::ProofConfig& config = proved.config;
  const frontend::ModelCommitment& commitment = proved.commitment;
  if (options.Has("outputs")) WriteOutputsJson(options.Get("outputs", ""), proved.run.outputs);
  if (json) {
    nlohmann::json outputs = nlohmann::json::array();
    for (const frontend::Tensor& output : proved.run.outputs) outputs.push_back(ValuesJson(output));
    fmt::print("{}\n",
               nlohmann::json{{"model", model.source},
                              {"profile", options.Get("profile", "fast")},
                              {"hash", air::ToString(request.hash)},
                              {"threads", tbb::global_control::active_value(
                                              tbb::global_control::max_allowed_parallelism)},
                              {"security_bits", config.SecurityBits()},
                              {"zero_knowledge", config.zk},
                              {"total_ms", total_ms},
                              {"grind_ms", proved.grind_ms},
                              {"prove_ms", total_ms - proved.grind_ms},
                              {"proof_bytes", bytes.size()},
                              {"slices", proved.n_slices},
                              {"peak_rss_mb", api::PeakRssMb()},
                              {"estimated_peak_mb", api::MebibytesOf(proved.memory.peak())},
                              {"committed_mb", api::MebibytesOf(proved.memory.committed)},
                              {"commitment", frontend::ToHex(commitment)},
                              {"phases_ms", progress.ToJson()},
                              {"outputs", outputs}}
                   .dump());
    return 0;
  }
  fmt::print(stderr, "  {:<26} {:9.1f} ms (grinding {:.1f} ms)\n", "total", total_ms,
             proved.grind_ms);
  fmt::print("wrote {}: {} bytes, {} bits of security ({}, profile {}{}), model {}\n", path,
             bytes.size(), config.SecurityBits(), air::ToString(request.hash),
             options.Get("profile", "fast"), config.zk ? ", zero knowledge" : "",
             frontend::ToHex(commitment));
  PrintStatement(*proved.layout, proved.weights_digests, proved.statement);
  return 0;
}

// `model` was parsed from `model_file`.
int VerifyAndPrint(const frontend::QuantizedModel& model, std::string_view model_file,
                   std::span<const uint8_t> bytes, api::VerifyOptions options, bool json) {
  StepProgress progress(json);
  options.on_step = [&](std::string_view step) { progress.Begin(step); };
  const api::VerifiedProof verified = api::VerifyProof(model, model_file, bytes, options);
  progress.End();
  if (verified.rejection) {
    fmt::print("invalid: {}\n", *verified.rejection);
    return 1;
  }
  const air::ProofConfig& config = verified.config;
  if (json) {
    fmt::print("{}\n", nlohmann::json{{"valid", true},
                                      {"security_bits", config.SecurityBits()},
                                      {"zero_knowledge", config.zk},
                                      {"verify_ms", verified.parse_ms + verified.check_ms},
                                      {"setup_ms", verified.setup_ms},
                                      {"key_from_cache", verified.key_from_cache},
                                      {"public", PublicStatementJson(*verified.layout,
                                                                     verified.weights_digests,
                                                                     verified.statement)}}
                           .dump());
    return 0;
  }
  fmt::print("valid ({} bits of security{}), model {}\n", config.SecurityBits(),
             config.zk ? ", zero knowledge" : "",
             frontend::ToHex(frontend::ModelAir::StatedCommitment(verified.statement)));
  PrintStatement(*verified.layout, verified.weights_digests, verified.statement);
  return 0;
}

}  // namespace

int RunProveCommand(std::span<char* const> args) {
  if (WantsHelp(args)) {
    fmt::print("{}", kProveUsage);
    return 0;
  }
  auto parsed = ParseCommandArgs(
      args, {"model"},
      {"input", "output", "outputs", "profile", "hash", "threads", "outer-profile", "context",
       "slice", "salts"},
      {"json", "zk", "compress", "fit"});
  if (const auto* error = std::get_if<std::string>(&parsed)) {
    return UsageError("prove", kProveUsage, *error);
  }
  const std::string& model_path = std::get<CommandArgs>(parsed).positional[0];
  const Options& options = std::get<CommandArgs>(parsed).options;
  if (!options.Has("input")) return UsageError("prove", kProveUsage, "--input FILE is required");
  if (!options.Has("output")) return UsageError("prove", kProveUsage, "-o FILE is required");
  auto choice_or_error = ParseProofChoice(options);
  if (const auto* error = std::get_if<std::string>(&choice_or_error)) {
    return UsageError("prove", kProveUsage, *error);
  }
  ProofChoice& choice = std::get<ProofChoice>(choice_or_error);
  // --compress: the inner proof with the recursive profile, then the outer one.
  std::optional<ProofChoice> compress_outer;
  if (options.Has("compress")) {
    if ((options.Has("profile") && choice.profile != air::Profile::kRecursive) ||
        (options.Has("hash") && choice.hash != air::HashId::kPoseidon2M31)) {
      return UsageError("prove", kProveUsage,
                        "--compress proves with --profile recursive: no other --profile or "
                        "--hash");
    }
    choice.profile = air::Profile::kRecursive;
    choice.hash = air::HashId::kPoseidon2M31;
    const std::optional<air::Profile> outer =
        air::ParseProfile(options.Get("outer-profile", "fast"));
    if (!outer) {
      return UsageError("prove", kProveUsage,
                        "--outer-profile must be test, fast, onchain or recursive");
    }
    compress_outer = ProofChoice{*outer, ProfileHash(*outer), choice.threads};
  } else if (options.Has("outer-profile") || options.Has("fit")) {
    return UsageError("prove", kProveUsage, "--outer-profile and --fit go with --compress");
  }
  std::optional<size_t> slice;
  if (options.Has("slice") != options.Has("salts")) {
    return UsageError("prove", kProveUsage, "--slice and --salts go together");
  }
  if (options.Has("slice")) {
    // A slice past the model's is refused once the model is read.
    const auto k = options.GetInt("slice", 1, 1, UINT32_MAX);
    if (const auto* error = std::get_if<std::string>(&k)) {
      return UsageError("prove", kProveUsage, *error);
    }
    if (compress_outer || (options.Has("profile") && choice.profile != air::Profile::kRecursive)) {
      return UsageError("prove", kProveUsage,
                        "--slice proves with --profile recursive, for the tree: no --compress or "
                        "other --profile");
    }
    choice.profile = air::Profile::kRecursive;
    choice.hash = air::HashId::kPoseidon2M31;
    slice = std::get<uint64_t>(k) - 1;
  }
  api::ProveRequest request;
  request.profile = choice.profile;
  request.hash = choice.hash;
  request.zk = options.Has("zk");
  request.for_compression = compress_outer.has_value();
  tbb::global_control thread_limit(tbb::global_control::max_allowed_parallelism, choice.threads);
  try {
    const frontend::QuantizedModel model = api::LoadModel(model_path);
    const std::vector<frontend::Tensor> input =
        api::ReadModelInput(model, options.Get("input", ""));
    if (options.Has("context")) {
      request.context = frontend::ParseContextFelts(options.Get("context", ""));
    }
    if (request.context.size() != model.context_felts) {
      throw FrontendError(
          fmt::format("{} states {} context felt(s) (compile --context), --context gives {}",
                      model_path, model.context_felts, request.context.size()));
    }
    if (slice) {
      request.only_slice = slice;
      request.salts = SliceSaltsOf(model, options.Get("salts", ""));
    }
    if (!options.Has("json")) {
      fmt::print(stderr, "proving {} ({} thread(s)):\n", model_path, choice.threads);
    }
    return ProveAndWrite(model, model_path, input, request, options, compress_outer);
  } catch (const FrontendError& e) {
    fmt::print(stderr, "tensorstark prove: {}\n", e.what());
    return 1;
  }
}

int RunVerifyCommand(std::span<char* const> args) {
  if (WantsHelp(args)) {
    fmt::print("{}", kVerifyUsage);
    return 0;
  }
  auto parsed = ParseCommandArgs(args, {"model", "proof"}, {"min-security-bits", "class-hash"},
                                 {"json", "no-cache"}, SIZE_MAX);
  if (const auto* error = std::get_if<std::string>(&parsed)) {
    return UsageError("verify", kVerifyUsage, *error);
  }
  const CommandArgs& command = std::get<CommandArgs>(parsed);
  auto min_bits = command.options.GetInt("min-security-bits", air::kDefaultMinSecurityBits, 0, 256);
  if (const auto* error = std::get_if<std::string>(&min_bits)) {
    return UsageError("verify", kVerifyUsage, *error);
  }
  std::optional<field::Felt252> verifier_class;
  if (command.options.Has("class-hash")) {
    verifier_class = field::Felt252::FromHex(command.options.Get("class-hash", ""));
    if (!verifier_class) {
      return UsageError("verify", kVerifyUsage,
                        fmt::format("--class-hash must be a felt in hex (0x...), not '{}'",
                                    command.options.Get("class-hash", "")));
    }
  }
  try {
    // The proof comes last: before it, its model, or a compressed proof's models.
    const std::vector<std::string> model_paths(command.positional.begin(),
                                               command.positional.end() - 1);
    std::vector<std::string> model_files;
    std::vector<frontend::QuantizedModel> models;
    for (const std::string& path : model_paths) {
      model_files.push_back(frontend::ReadFileBytes(path));
      models.push_back(api::ParseModel(model_files.back(), path));
    }
    const std::vector<uint8_t> bytes = ReadProofFile(command.positional.back());
    const api::VerifyOptions options{
        .min_security_bits = static_cast<uint32_t>(std::get<uint64_t>(min_bits)),
        .key_cache = !command.options.Has("no-cache"),
        .on_step = nullptr,
        .on_warning = PrintWarning("verify")};
    const bool json = command.options.Has("json");
    const api::ProofKind kind = api::ProofKindOf(bytes);
    if (kind == api::ProofKind::kCompressed || kind == api::ProofKind::kFinal) {
      return VerifyCompressedProofFile(models, model_paths, bytes, options, json, verifier_class);
    }
    if (verifier_class) {
      return UsageError("verify", kVerifyUsage, kClassHashOfFinalProofs);
    }
    if (models.size() > 1) {
      return UsageError("verify", kVerifyUsage,
                        "several models are given with a compressed proof of several only");
    }
    return VerifyAndPrint(models[0], model_files[0], bytes, options, json);
  } catch (const FrontendError& e) {
    fmt::print(stderr, "tensorstark verify: {}\n", e.what());
    return 1;
  }
}

}  // namespace tensorstark::cli
