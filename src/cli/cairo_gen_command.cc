#include "cli/cairo_gen_command.h"

#include <fmt/core.h>

#include <string>
#include <variant>
#include <vector>

#include "air/cairo_gen.h"
#include "air/layout.h"
#include "cli/command_args.h"
#include "frontend/file_io.h"
#include "frontend/frontend_error.h"
#include "pipeline/compressed_proof_file.h"
#include "pipeline/final_proof.h"
#include "recursion/gate_components.h"

namespace tensorstark::cli {
namespace {

constexpr std::string_view kUsage =
    R"(usage: tensorstark cairo-gen -o AIR.cairo [--test-seed N]

Writes the Cairo module of the final recursion AIR (compress --profile onchain), the same for
every model, which the one verifier contract (verifier-cairo/) reads final proofs with: the AIR's
constraints at the out-of-domain point, generated from the prover's own constraint definitions,
and its shape. verifier-cairo/src/final_air.cairo is its output with --test-seed 1
(scripts/cairo/gen_final_air.mjs). No model is needed: a model's final proofs need no Cairo of
their own.
With --test-seed, the module ends with a test comparing it with the C++ evaluator on random
values drawn from the seed.

options:
  -o, --output FILE   the Cairo module to write (required)
  --test-seed N       append the test
)";

// The final AIR's module: the narrow recursion AIR at the final size class, for final proofs
// (FinalProofConfig).
int WriteFinalAir(const std::string& output, const uint64_t* with_test_seed) {
  try {
    const recursion::RecursionAir air = pipeline::FinalAirForVerifying();
    const std::vector<const air::Component*> components = air.components();
    const air::ProofConfig config = pipeline::FinalProofConfig();
    auto layout = air::MakeLayout(components, config);
    if (const auto* error = std::get_if<std::string>(&layout)) {
      throw frontend::FrontendError(*error);
    }
    air::CairoStatement statement;
    statement.preprocessed_root = "0";
    statement.config = config;
    statement.inner_security_bits = pipeline::FinalInnerSecurityBits();
    // The most inferences a final proof states: a tree's (pipeline::kMaxTreeInferences).
    statement.max_inner_proofs = pipeline::kMaxTreeInferences;
    statement.tensor_relation = recursion::WireRelation().name;
    const std::string code = air::GenerateCairoAir(
        components, std::get<air::AirLayout>(layout), statement,
        fmt::format("the final recursion AIR (size class {}, a Poseidon2 round a row)",
                    pipeline::FinalSizeClass().name),
        with_test_seed);
    frontend::WriteFileBytes(output, code);
    fmt::print("wrote {}: {} components\n", output, components.size());
    return 0;
  } catch (const frontend::FrontendError& e) {
    fmt::print(stderr, "tensorstark cairo-gen: {}\n", e.what());
    return 1;
  }
}

}  // namespace

int RunCairoGenCommand(std::span<char* const> args) {
  if (WantsHelp(args)) {
    fmt::print("{}", kUsage);
    return 0;
  }
  auto parsed = ParseCommandArgs(args, {}, {"output", "test-seed"}, {}, /*max_positional=*/1);
  if (const auto* error = std::get_if<std::string>(&parsed)) {
    return UsageError("cairo-gen", kUsage, *error);
  }
  const Options& options = std::get<CommandArgs>(parsed).options;
  if (!std::get<CommandArgs>(parsed).positional.empty()) {
    return UsageError("cairo-gen", kUsage,
                      "no model is taken: the final AIR is every model's, and a model's final "
                      "proofs need no Cairo of their own");
  }
  if (!options.Has("output")) return UsageError("cairo-gen", kUsage, "-o FILE is required");
  auto seed = options.GetInt("test-seed", 0, 0, UINT64_MAX);
  if (const auto* error = std::get_if<std::string>(&seed)) {
    return UsageError("cairo-gen", kUsage, *error);
  }
  const uint64_t test_seed = std::get<uint64_t>(seed);
  return WriteFinalAir(options.Get("output", ""), options.Has("test-seed") ? &test_seed : nullptr);
}

}  // namespace tensorstark::cli
