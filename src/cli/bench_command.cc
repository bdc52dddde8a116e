#include "cli/bench_command.h"

#include <fmt/core.h>
#include <tbb/global_control.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <variant>
#include <vector>

#include "air/profiles.h"
#include "air/proof_io.h"
#include "air/prover.h"
#include "air/setup.h"
#include "air/verifier.h"
#include "api/timing.h"
#include "cli/command_args.h"
#include "cli/example_airs.h"
#include "cli/hash_family.h"
#include "cli/options.h"
#include "frontend/file_io.h"
#include "frontend/frontend_error.h"

namespace tensorstark::cli {
namespace {

constexpr std::string_view kUsage = R"(usage: tensorstark bench <example> [options]

Proves and verifies an example AIR and reports prove_ms (excluding grinding), grind_ms,
verify_ms, proof_bytes, peak_rss_mb and security_bits.

examples:
  wide-fib      N columns per row, c[i+2] = c[i]^2 + c[i+1]^2 (Stwo's wide_fibonacci workload)
  range-check   a LogUp range check of trace columns against a preprocessed table

options:
  --log-rows N     log2 of the number of rows (default 16)
  --columns C      wide-fib columns, range-check checked columns (default 100 / 3)
  --profile P      test | fast | onchain | recursive (default fast)
  --hash H         blake2s | poseidon252 | poseidon2 (default: the profile's, poseidon252 for
                   onchain, poseidon2 for recursive, blake2s otherwise)
  --threads T      worker threads (default: all cores)
  --runs R         prove R times and report the median (default 1); the first proof in a
                   process also pays for faulting in fresh memory, later ones reuse the
                   buffers it freed (prove_first_ms reports it separately)
  --pow-bits B, --log-blowup L, --queries Q, --fold-step F, --last-layer D
                   override one parameter of the profile (to compare configurations)
  --json           print one JSON object instead of text
  --save-proof F   write the (last) proof to file F (see tensorstark inspect)
)";

template <class T>
T Median(std::vector<T> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

struct BenchResult {
  std::vector<uint8_t> proof;
  std::vector<double> prove_ms, grind_ms;
  std::vector<std::pair<std::string, double>> phases_ms;  // of the last run
  double verify_ms = 0;
  size_t proof_bytes = 0;
};

template <class C, class H>
std::variant<BenchResult, std::string> Run(const ExampleAirBuilder& build,
                                           const air::ProofConfig& config, size_t runs) {
  BenchResult result;
  for (size_t run = 0; run < runs; ++run) {
    ExampleAir example = build();  // trace generation is not timed
    air::ProveTimings timings;
    const auto start = std::chrono::steady_clock::now();
    auto proof_or_error =
        air::Prove<C, H>(config, example.ComponentPointers(), std::move(example.traces),
                         example.public_inputs, {.timings = &timings});
    const double total_ms = api::MillisecondsSince(start);
    if (auto* error = std::get_if<air::ProvingError>(&proof_or_error)) {
      return "proving failed: " + air::ToString(*error);
    }
    result.prove_ms.push_back(total_ms - timings.grind_ms);
    result.grind_ms.push_back(timings.grind_ms);
    result.phases_ms = timings.phases_ms;
    if (run + 1 < runs) continue;

    const air::StarkProof<H>& proof = std::get<air::StarkProof<H>>(proof_or_error);
    result.proof = air::SerializeProof(proof);
    result.proof_bytes = result.proof.size();
    const std::vector<uint8_t>& bytes = result.proof;
    auto key_or_error = air::Setup<H>(example.ComponentPointers(), config);
    if (auto* error = std::get_if<std::string>(&key_or_error)) return *error;
    const auto& key = std::get<air::VerifyingKey<H>>(key_or_error);
    // Verification parses the bytes, as a real verifier would; the median of 5.
    std::vector<double> verify_ms;
    for (int i = 0; i < 5; ++i) {
      const auto verify_start = std::chrono::steady_clock::now();
      auto parsed = air::ParseProof<H>(bytes);
      if (auto* error = std::get_if<air::ProofParseError>(&parsed)) {
        return "proof does not parse: " + error->message;
      }
      auto rejection =
          air::Verify<C, H>(example.ComponentPointers(), std::get<air::StarkProof<H>>(parsed), key,
                            /*min_security_bits=*/0);
      verify_ms.push_back(api::MillisecondsSince(verify_start));
      if (rejection) return "verification failed: " + air::ToString(*rejection);
    }
    result.verify_ms = Median(verify_ms);
  }
  return result;
}

}  // namespace

int RunBenchCommand(std::span<char* const> args) {
  if (args.empty() || std::string_view(args[0]) == "--help") {
    fmt::print(args.empty() ? stderr : stdout, "{}", kUsage);
    return args.empty() ? 2 : 0;
  }
  const std::string example = args[0];
  auto fail = [](const std::string& message) {
    fmt::print(stderr, "tensorstark bench: {}\n", message);
    return 2;
  };
  auto options_or_error =
      Options::Parse(args.subspan(1),
                     {"log-rows", "columns", "profile", "hash", "threads", "runs", "pow-bits",
                      "log-blowup", "queries", "fold-step", "last-layer", "save-proof"},
                     {"json"});
  if (auto* error = std::get_if<std::string>(&options_or_error)) return fail(*error);
  const Options& options = std::get<Options>(options_or_error);

  auto log_rows =
      options.GetInt("log-rows", 16, air::kMinComponentLogSize, air::kMaxComponentLogSize);
  auto runs = options.GetInt("runs", 1, 1, 100);
  for (auto* value : {&log_rows, &runs}) {
    if (auto* error = std::get_if<std::string>(value)) return fail(*error);
  }
  auto choice_or_error = ParseProofChoice(options);
  if (auto* error = std::get_if<std::string>(&choice_or_error)) return fail(*error);
  const ProofChoice& choice = std::get<ProofChoice>(choice_or_error);
  const std::string hash = air::ToString(choice.hash);
  auto builder_or_error =
      MakeExampleAirBuilder(example, static_cast<uint32_t>(std::get<uint64_t>(log_rows)),
                            options.Has("columns") ? options.Get("columns", "") : "");
  if (auto* error = std::get_if<std::string>(&builder_or_error)) return fail(*error);
  const ExampleAirBuilder& builder = std::get<ExampleAirBuilder>(builder_or_error);

  const size_t n_threads = choice.threads;
  tbb::global_control thread_limit(tbb::global_control::max_allowed_parallelism, n_threads);
  air::ProofConfig config = air::ProfileConfig(choice.profile);
  fri::FriConfig& fri = config.pcs.fri;
  for (auto [name, field] :
       {std::pair{"pow-bits", &config.pcs.pow_bits},
        std::pair{"log-blowup", &fri.log_blowup_factor}, std::pair{"queries", &fri.n_queries},
        std::pair{"fold-step", &fri.fold_step},
        std::pair{"last-layer", &fri.log_last_layer_degree_bound}}) {
    auto value = options.GetInt(name, *field, 0, 1000);
    if (auto* error = std::get_if<std::string>(&value)) return fail(*error);
    *field = static_cast<uint32_t>(std::get<uint64_t>(value));
  }
  if (auto error = fri::ValidateConfig(config.pcs)) return fail(*error);
  const size_t n_runs = std::get<uint64_t>(runs);
  auto result_or_error = WithHashFamily(
      choice.hash, [&]<class C, class H>() { return Run<C, H>(builder, config, n_runs); });
  if (auto* error = std::get_if<std::string>(&result_or_error)) {
    fmt::print(stderr, "tensorstark bench: {}\n", *error);
    return 1;
  }
  const BenchResult& result = std::get<BenchResult>(result_or_error);
  if (options.Has("save-proof")) {
    const std::string path = options.Get("save-proof", "");
    try {
      frontend::WriteFileBytes(path, AsChars(result.proof));
    } catch (const frontend::FrontendError& e) {
      fmt::print(stderr, "tensorstark bench: {}\n", e.what());
      return 1;
    }
  }

  nlohmann::json json = {
      {"example", example},
      {"log_rows", std::get<uint64_t>(log_rows)},
      {"columns", builder.columns},
      {"profile", air::ProfileName(choice.profile)},
      {"hash", hash},
      {"threads", n_threads},
      {"runs", n_runs},
      {"security_bits", config.SecurityBits()},
      {"pow_bits", config.pcs.pow_bits},
      {"log_blowup", fri.log_blowup_factor},
      {"n_queries", fri.n_queries},
      {"fold_step", fri.fold_step},
      {"log_last_layer", fri.log_last_layer_degree_bound},
      {"prove_ms", Median(result.prove_ms)},
      {"prove_first_ms", result.prove_ms.front()},
      {"grind_ms", Median(result.grind_ms)},
      {"verify_ms", result.verify_ms},
      {"proof_bytes", result.proof_bytes},
      {"peak_rss_mb", api::PeakRssMb()},
  };
  nlohmann::json phases = nlohmann::json::array();
  for (const auto& [name, ms] : result.phases_ms) phases.push_back({{"phase", name}, {"ms", ms}});
  json["phases_ms"] = phases;
  if (options.Has("json")) {
    fmt::print("{}\n", json.dump());
    return 0;
  }
  fmt::print(
      "{}, {} columns x 2^{} rows, profile {}: {} bits (pow {}, blowup 2^{}, {} queries, fold step "
      "{}, last layer 2^{}), {}, {} thread(s)\n",
      example, builder.columns, std::get<uint64_t>(log_rows), air::ProfileName(choice.profile),
      config.SecurityBits(), config.pcs.pow_bits, fri.log_blowup_factor, fri.n_queries,
      fri.fold_step, fri.log_last_layer_degree_bound, hash, n_threads);
  for (const auto& [name, ms] : result.phases_ms) fmt::print("  {:<24} {:10.1f} ms\n", name, ms);
  fmt::print("prove (excl. grinding) {:10.1f} ms", Median(result.prove_ms));
  if (n_runs > 1)
    fmt::print(" (median of {}; the first {:.1f} ms)", n_runs, result.prove_ms.front());
  fmt::print("\n");
  fmt::print("grinding               {:10.1f} ms\n", Median(result.grind_ms));
  fmt::print("verify                 {:10.2f} ms\n", result.verify_ms);
  fmt::print("proof size             {:10} bytes\n", result.proof_bytes);
  fmt::print("peak RSS               {:10.0f} MiB\n", api::PeakRssMb());
  return 0;
}

}  // namespace tensorstark::cli
