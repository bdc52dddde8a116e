#include "cli/cairo_gen_command.h"

#include <fmt/core.h>

#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "air/cairo_gen.h"
#include "air/layout.h"
#include "air/profiles.h"
#include "air/zk_blinding.h"
#include "cli/command_args.h"
#include "cli/step_progress.h"
#include "frontend/cairo_statement.h"
#include "frontend/file_io.h"
#include "frontend/final_proof.h"
#include "frontend/frontend_error.h"
#include "frontend/model_air.h"
#include "recursion/gate_components.h"

namespace tensorstark::cli {
namespace {

constexpr std::string_view kUsage =
    R"(usage: tensorstark cairo-gen MODEL.tsm -o AIR.cairo [--zk] [--test-seed N]
       tensorstark cairo-gen --final -o AIR.cairo [--test-seed N]

Writes the Cairo module that lets the Cairo verifier (verifier-cairo/) check proofs of the
compiled model made with the onchain profile: the AIR's constraints at the out-of-domain point,
generated from the prover's own constraint definitions, the AIR's shape, and the model's
statement (its commitment, the preprocessed root, how inputs and outputs bind to the proof).
A module reads either plain proofs or zero-knowledge ones (prove --zk), whose AIR is larger.
With --final, no model: the module of the final recursion AIR (compress --profile onchain), the
same for every model, which the one verifier contract reads final proofs with.
With --test-seed, the module ends with a test comparing it with the C++ evaluator on random
values drawn from the seed.

options:
  -o, --output FILE   the Cairo module to write (required)
  --final             the final recursion AIR's module instead of a model's
  --zk                the module verifies zero-knowledge proofs (prove --zk), and only those;
                      always so for a model with committed or private parts, whose plain
                      proofs would reveal them
  --test-seed N       append the test
)";

// The final AIR's module (cairo-gen --final): the narrow recursion AIR at the final size class,
// for final proofs (FinalProofConfig).
int WriteFinalAir(const std::string& output, const uint64_t* with_test_seed) {
  try {
    const recursion::RecursionAir air = frontend::FinalAirForVerifying();
    const std::vector<const air::Component*> components = air.components();
    const air::ProofConfig config = frontend::FinalProofConfig();
    auto layout = air::MakeLayout(components, config);
    if (const auto* error = std::get_if<std::string>(&layout)) {
      throw frontend::FrontendError(*error);
    }
    air::CairoStatement statement;
    statement.preprocessed_root = "0";
    statement.log_blowup_factor = config.pcs.fri.log_blowup_factor;
    statement.zero_knowledge = config.zk;
    statement.tensor_relation = recursion::WireRelation().name;
    const std::string code = air::GenerateCairoAir(
        components, std::get<air::AirLayout>(layout), statement,
        fmt::format("the final recursion AIR (size class {}, a Poseidon2 round a row)",
                    frontend::FinalSizeClass().name),
        with_test_seed, air::CairoModule::kFinal);
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
  auto parsed =
      ParseCommandArgs(args, {}, {"output", "test-seed"}, {"zk", "final"}, /*max_positional=*/1);
  if (const auto* error = std::get_if<std::string>(&parsed)) {
    return UsageError("cairo-gen", kUsage, *error);
  }
  const std::vector<std::string>& positional = std::get<CommandArgs>(parsed).positional;
  const Options& options = std::get<CommandArgs>(parsed).options;
  const bool final_air = options.Has("final");
  if (final_air && !positional.empty()) {
    return UsageError("cairo-gen", kUsage, "--final takes no model: its AIR is every model's");
  }
  if (final_air && options.Has("zk")) {
    return UsageError("cairo-gen", kUsage, "--zk is for a model's module, not --final's");
  }
  if (!final_air && positional.empty()) return UsageError("cairo-gen", kUsage, "missing MODEL");
  if (!options.Has("output")) return UsageError("cairo-gen", kUsage, "-o FILE is required");
  auto seed = options.GetInt("test-seed", 0, 0, UINT64_MAX);
  if (const auto* error = std::get_if<std::string>(&seed)) {
    return UsageError("cairo-gen", kUsage, *error);
  }
  const uint64_t test_seed = std::get<uint64_t>(seed);
  const uint64_t* with_test_seed = options.Has("test-seed") ? &test_seed : nullptr;
  const std::string output = options.Get("output", "");
  if (final_air) return WriteFinalAir(output, with_test_seed);
  const std::string& model_path = positional[0];
  StepProgress progress(/*json=*/false);
  try {
    const frontend::QuantizedModel model = frontend::LoadQuantizedModel(model_path);
    const frontend::ModelAir air(model);
    air::ProofConfig config = air::ProfileConfig(air::Profile::kOnchain);
    // A model that hides values is verified from zero-knowledge proofs only.
    config.zk = options.Has("zk") || frontend::RequiresZeroKnowledge(model);
    // The components a proof is made of: in zero-knowledge mode with their blinding columns.
    std::vector<std::unique_ptr<air::Component>> blinded;
    auto proved = air::ProvedComponents(air.components(), config, blinded);
    if (const auto* error = std::get_if<std::string>(&proved)) {
      throw frontend::FrontendError(*error);
    }
    const std::vector<const air::Component*>& components =
        std::get<std::vector<const air::Component*>>(proved);
    auto layout = air::MakeLayout(components, config);
    if (const auto* error = std::get_if<std::string>(&layout)) {
      throw frontend::FrontendError(*error);
    }
    progress.Begin("committing to the model (profile onchain, poseidon252)");
    auto key = frontend::SetupModel<hash::Poseidon252MerkleHasher>(air, config);
    progress.End();
    if (const auto* error = std::get_if<std::string>(&key)) throw frontend::FrontendError(*error);
    const air::CairoStatement statement = frontend::MakeCairoStatement(
        air, std::get<frontend::ModelKey<hash::Poseidon252MerkleHasher>>(key), config);
    const std::string code = air::GenerateCairoAir(
        components, std::get<air::AirLayout>(layout), statement,
        fmt::format("{} ({} layout{})", model.source, frontend::TraceShapeName(model.trace_shape),
                    config.zk ? ", zero knowledge" : ""),
        with_test_seed);
    frontend::WriteFileBytes(output, code);
    fmt::print("wrote {}: {} components\n", output, components.size());
    return 0;
  } catch (const frontend::FrontendError& e) {
    progress.End();
    fmt::print(stderr, "tensorstark cairo-gen: {}\n", e.what());
    return 1;
  }
}

}  // namespace tensorstark::cli
