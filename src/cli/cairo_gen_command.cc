#include "cli/cairo_gen_command.h"

#include <fmt/core.h>

#include <fstream>
#include <string>
#include <variant>

#include "air/cairo_gen.h"
#include "air/layout.h"
#include "air/profiles.h"
#include "cli/command_args.h"
#include "frontend/frontend_error.h"
#include "frontend/model_air.h"

namespace tensorstark::cli {
namespace {

constexpr std::string_view kUsage =
    R"(usage: tensorstark cairo-gen MODEL.tsm -o AIR.cairo [--test-seed N]

Writes the Cairo code that evaluates the compiled model's AIR constraints at the out-of-domain
point, generated from the prover's own constraint definitions, for the Cairo verifier
(verifier-cairo/src/airs/). With --test-seed, the module ends with a test comparing it with the
C++ evaluator on random values drawn from the seed.

options:
  -o, --output FILE   the Cairo module to write (required)
  --test-seed N       append the test
)";

}  // namespace

int RunCairoGenCommand(std::span<char* const> args) {
  if (WantsHelp(args)) {
    fmt::print("{}", kUsage);
    return 0;
  }
  auto parsed = ParseCommandArgs(args, {"model"}, {"output", "test-seed"});
  if (const auto* error = std::get_if<std::string>(&parsed)) {
    return UsageError("cairo-gen", kUsage, *error);
  }
  const std::string& model_path = std::get<CommandArgs>(parsed).positional[0];
  const Options& options = std::get<CommandArgs>(parsed).options;
  if (!options.Has("output")) return UsageError("cairo-gen", kUsage, "-o FILE is required");
  auto seed = options.GetInt("test-seed", 0, 0, UINT64_MAX);
  if (const auto* error = std::get_if<std::string>(&seed)) {
    return UsageError("cairo-gen", kUsage, *error);
  }
  try {
    const frontend::QuantizedModel model = frontend::LoadQuantizedModel(model_path);
    const frontend::ModelAir air(model);
    const std::vector<const air::Component*> components = air.components();
    auto layout = air::MakeLayout(components, air::ProfileConfig(air::Profile::kOnchain));
    if (const auto* error = std::get_if<std::string>(&layout)) {
      throw frontend::FrontendError(*error);
    }
    const uint64_t test_seed = std::get<uint64_t>(seed);
    const std::string code = air::GenerateCairoAir(
        components, std::get<air::AirLayout>(layout),
        fmt::format("{} ({} layout)", model.source, frontend::TraceShapeName(model.trace_shape)),
        options.Has("test-seed") ? &test_seed : nullptr);
    const std::string output = options.Get("output", "");
    std::ofstream out(output);
    out << code;
    if (!out.flush()) throw frontend::FrontendError(fmt::format("cannot write {}", output));
    fmt::print("wrote {}: {} components\n", output, components.size());
    return 0;
  } catch (const frontend::FrontendError& e) {
    fmt::print(stderr, "tensorstark cairo-gen: {}\n", e.what());
    return 1;
  }
}

}  // namespace tensorstark::cli
