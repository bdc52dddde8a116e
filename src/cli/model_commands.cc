#include "cli/model_commands.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "air/profiles.h"
#include "api/compile.h"
#include "api/run.h"
#include "cli/command_args.h"
#include "cli/hash_family.h"
#include "cli/step_progress.h"
#include "frontend/accuracy.h"
#include "frontend/compile.h"
#include "frontend/context.h"
#include "frontend/file_io.h"
#include "frontend/frontend_error.h"
#include "frontend/model_air.h"
#include "pipeline/starknet_fact.h"

namespace tensorstark::cli {
namespace {

using frontend::FrontendError;
using frontend::QuantizedModel;

constexpr std::string_view kCompileUsage =
    R"(usage: tensorstark compile MODEL.onnx -o MODEL.tsm [--calibration DATA.json]

Quantizes an ONNX model into a compiled model: every tensor gets a power-of-two scale chosen from
its range over the calibration set, every operator exact integer semantics (a matmul or
convolution with its bias, rescale and ReLU/Clip is one operator). The calibration set is an
EZKL-style input file, {"input_data": [[...]]}, holding several samples one after another in each
list; it defaults to calibration.json next to the model.

compile then runs the quantized model and float inference on every calibration sample and prints
each output's largest error against float (and, for a classifier, how often the argmax agrees). It
refuses, writing nothing, a model that cannot be proved, and one whose output would lose its
precision (usually an outlier in the calibration set, which it names).

options:
  -o, --output FILE         the compiled model to write (required)
  --calibration FILE        the calibration set
  --activation-bits B       calibrated activations reach about 2^B (default 12)
  --weight-frac-bits F|auto the MatMul, Gemm and Conv weights' scale: 2^-F in every layer, or
                            auto: each layer's from its largest weight, which the verifying model
                            then reveals within a factor of 2 (default: 8 with private weights,
                            so that nothing about them shows; auto with public ones). A layer
                            whose accumulator could overflow at 2^-F is refused, naming an F
                            that passes
  --weight-bits B           bits of the other constants, and of each layer's largest weight
                            with --weight-frac-bits auto, sign included (default 10)
  --force                   compile even when an output would lose its precision (its scale
                            coarser than its typical range over the calibration set / 2^8, or
                            an error against float over 10% of that range)
  --layout narrow|wide      how matmuls and convolutions lay out their trace (default narrow):
                            narrow opens few columns per query, for proofs several times smaller
                            (what Starknet verification needs); wide has the shortest trace, for
                            the fastest Poseidon252 proving when proof size does not matter
  --visibility GROUP=V,...  what a proof states of the inputs, outputs and weights (default
                            input=private,output=public,weights=private; a group not listed
                            keeps its default): public states the values, committed only their
                            Poseidon2 digest (computed in the proof), private nothing. Weights
                            are public (in the model commitment) or private: proofs hide them
                            and the commitment binds their Poseidon2 digest, and compile also
                            writes MODEL.verifying.tsm, the model without weights, for
                            verifiers. Proofs of a model with committed or private parts are
                            zero-knowledge (docs/zero-knowledge.md). Private weights cost
                            prove time and memory, as every proof hashes them: weights=public
                            for the fastest proofs
  --context N               every proof states N felts (at most 16) of context that prove
                            --context gives, such as the applicant's Starknet address and a
                            nonce: no operator reads them, the proof binds them, and a Starknet
                            fact hashes them with the inputs, so a contract can tie a fact to a
                            user and refuse replays (default 0)
  --profile P               the profile proofs of it will use: compile prints the model
                            commitment they state (test | fast | onchain | recursive, default
                            fast; --hash H for another hash, as prove takes). The fast and
                            onchain setups are checked either way, without committing to them
  --hash H                  blake2s | poseidon252 | poseidon2 (default: the profile's)
  --proof-memory GIB        the most memory one proof's prover may take, with the fast or the
                            recursive profile, by prove's estimate from the AIR alone (default
                            8; the model and its run come on top): a model whose proof would
                            take more is cut into slices, each proved on its own within it and
                            joined by the proofs' statements without revealing what passes
                            between them (docs/pipeline.md), an operator too large alone split
                            into parts; each slice is also narrow enough for its proof to be a
                            leaf of the aggregation tree (compress --profile onchain). prove
                            and verify take the model as before. A model that fits stays one
                            slice
)";

constexpr std::string_view kRunUsage =
    R"(usage: tensorstark run MODEL.tsm --input IN.json [--output OUT.json] [--expected REF.json]

Runs the compiled model on an input with its exact integer semantics (what a proof proves), and
prints each output next to float inference of the original ONNX model and the largest difference,
then the Poseidon2 digest of each committed input or output (what a proof of the run states).

options:
  --input FILE     the input, {"input_data": [[...]]} (required)
  --output FILE    also write the outputs as {"output_data": [[...]]}
  --expected FILE  the outputs another runtime (torch, onnxruntime) computes for this input, as
                   {"output_data": [[...]]}: prints the error against them, and fails (exit 1)
                   if tensorstark's float inference of the ONNX model disagrees with them
)";

std::string ScaleText(int frac_bits) { return fmt::format("2^{}", -frac_bits); }

// Float inference of the ONNX model must reproduce another runtime's outputs (float32 against
// float32: rtol 1e-3, atol 1e-4), or tensorstark does not compute the model the file describes.
void CheckFloatAgrees(const std::string& name, const std::vector<double>& ours,
                      const std::vector<double>& expected) {
  for (size_t i = 0; i < ours.size(); ++i) {
    if (!(std::fabs(ours[i] - expected[i]) <= 1e-4 + 1e-3 * std::fabs(expected[i]))) {
      throw FrontendError(fmt::format(
          "output '{}' element {}: float inference of the ONNX model gives {:.6g} where the "
          "expected outputs have {:.6g}; tensorstark does not compute this model as that runtime "
          "does (please report it)",
          name, i, ours[i], expected[i]));
    }
  }
}

void PrintModelSummary(const QuantizedModel& model) {
  size_t name_width = 6;
  for (const frontend::QOp& op : model.ops) {
    name_width = std::max(name_width, model.tensor(frontend::OutputOf(op)).name.size());
  }
  fmt::print("  {:<3} {:<14} {:<{}} {:<16} {:>7} {:>7}\n", "op", "kind", "output", name_width,
             "shape", "scale", "bound");
  for (size_t i = 0; i < model.ops.size(); ++i) {
    const frontend::QTensor& out = model.tensor(frontend::OutputOf(model.ops[i]));
    fmt::print("  {:<3} {:<14} {:<{}} {:<16} {:>7} {:>7}\n", i, frontend::OpKindName(model.ops[i]),
               out.name, name_width, frontend::ShapeToString(out.shape), ScaleText(out.frac_bits),
               fmt::format("2^{}", out.bound_bits));
  }
}

int64_t WeightCount(const QuantizedModel& model) {
  int64_t count = 0;
  for (const frontend::QOp& op : model.ops) {
    if (const auto* linear = std::get_if<frontend::LinearOp>(&op)) {
      count += static_cast<int64_t>(linear->weights.size()) + linear->cols;
    }
  }
  return count;
}

// The AIR's size: the main trace a proof commits, and the preprocessed columns (weights,
// addresses, tables) committed once into the model commitment.
void PrintAirSize(const api::AirSize& size) {
  fmt::print(
      "AIR: {} components of up to 2^{} rows, {} main-trace cells, {} preprocessed cells in {} "
      "columns\n",
      size.components, size.max_log_size, size.trace_cells, size.preprocessed_cells,
      size.preprocessed_columns);
}

// Where compile writes the verifying model of OUTPUT: OUTPUT with .verifying.tsm for its .tsm.
std::string VerifyingModelPath(const std::string& output) {
  std::filesystem::path path(output);
  if (path.extension() == ".tsm") path.replace_extension();
  return path.string() + ".verifying.tsm";
}

// compile's defaults (issue 6, as EZKL's): nothing about the inputs or the weights is public.
struct Visibilities {
  frontend::Visibility input = frontend::Visibility::kPrivate;
  frontend::Visibility output = frontend::Visibility::kPublic;
  frontend::Visibility weights = frontend::Visibility::kPrivate;
};

// The inputs', outputs' and weights' visibility from --visibility's comma-separated GROUP=V list
// (a group not listed keeps its default), or a one-line error. Weights are public or private.
std::variant<Visibilities, std::string> ParseVisibilities(std::string_view list) {
  Visibilities visibilities;
  for (size_t begin = 0; begin < list.size();) {
    const size_t end = std::min(list.find(',', begin), list.size());
    const std::string_view item = list.substr(begin, end - begin);
    begin = end + 1;
    const size_t equals = item.find('=');
    const std::string_view group = item.substr(0, equals);
    const std::string_view value = equals == item.npos ? "" : item.substr(equals + 1);
    frontend::Visibility* visibility = group == "input"    ? &visibilities.input
                                       : group == "output"  ? &visibilities.output
                                       : group == "weights" ? &visibilities.weights
                                                            : nullptr;
    if (!visibility) {
      return fmt::format("--visibility: '{}' is not GROUP=V with GROUP input, output or weights",
                         item);
    }
    auto parsed = api::ParseGroupVisibility(group, value);
    if (const auto* error = std::get_if<std::string>(&parsed)) return "--visibility: " + *error;
    *visibility = std::get<frontend::Visibility>(parsed);
  }
  return visibilities;
}

// A number of GiB from 1/1024 (a MiB) on, as bytes.
std::optional<uint64_t> ParseGibibytes(const std::string& text) {
  char* end = nullptr;
  const double gib = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0' || !(gib >= 1.0 / 1024) || gib > 1 << 20) return std::nullopt;
  return static_cast<uint64_t>(gib * double(uint64_t{1} << 30));
}

}  // namespace

int RunCompileCommand(std::span<char* const> args) {
  if (WantsHelp(args)) {
    fmt::print("{}", kCompileUsage);
    return 0;
  }
  auto parsed = ParseCommandArgs(
      args, {"model"},
      {"output", "calibration", "activation-bits", "weight-bits", "weight-frac-bits", "layout",
       "visibility", "context", "profile", "hash", "proof-memory"},
      {"force"});
  if (const auto* error = std::get_if<std::string>(&parsed)) {
    return UsageError("compile", kCompileUsage, *error);
  }
  const std::string& onnx_path = std::get<CommandArgs>(parsed).positional[0];
  const Options& options = std::get<CommandArgs>(parsed).options;
  if (!options.Has("output")) return UsageError("compile", kCompileUsage, "-o FILE is required");
  frontend::QuantizeOptions quantize;
  auto activation_bits = options.GetInt("activation-bits", quantize.activation_bits, 4, 14);
  auto weight_bits = options.GetInt("weight-bits", quantize.weight_bits, 4, 16);
  auto context_felts = options.GetInt("context", 0, 0, frontend::kMaxContextFelts);
  for (const auto* bits : {&activation_bits, &weight_bits, &context_felts}) {
    if (const auto* error = std::get_if<std::string>(bits)) {
      return UsageError("compile", kCompileUsage, *error);
    }
  }
  quantize.activation_bits = static_cast<int>(std::get<uint64_t>(activation_bits));
  quantize.weight_bits = static_cast<int>(std::get<uint64_t>(weight_bits));
  auto visibilities = ParseVisibilities(options.Get("visibility", ""));
  if (const auto* error = std::get_if<std::string>(&visibilities)) {
    return UsageError("compile", kCompileUsage, *error);
  }
  quantize.weight_frac_bits =
      frontend::DefaultWeightFracBits(std::get<Visibilities>(visibilities).weights);
  if (options.Has("weight-frac-bits") && options.Get("weight-frac-bits", "") == "auto") {
    quantize.weight_frac_bits.reset();
  } else if (options.Has("weight-frac-bits")) {
    auto frac_bits = options.GetInt("weight-frac-bits", 0, 0, 24);
    if (std::holds_alternative<std::string>(frac_bits)) {
      return UsageError("compile", kCompileUsage,
                        fmt::format("--weight-frac-bits must be auto or an integer in [0, 24], "
                                    "got '{}'",
                                    options.Get("weight-frac-bits", "")));
    }
    quantize.weight_frac_bits = static_cast<int>(std::get<uint64_t>(frac_bits));
  }
  const std::string calibration =
      options.Get("calibration",
                  (std::filesystem::path(onnx_path).parent_path() / "calibration.json").string());
  const std::string output = options.Get("output", "");
  const std::optional<frontend::TraceShape> trace_shape =
      frontend::ParseTraceShape(options.Get("layout", "narrow"));
  if (!trace_shape) {
    return UsageError("compile", kCompileUsage, "--layout must be narrow or wide");
  }
  const auto choice = ParseProofChoice(options);
  if (const auto* error = std::get_if<std::string>(&choice)) {
    return UsageError("compile", kCompileUsage, *error);
  }
  api::CompileOptions compile;
  compile.quantize = quantize;
  compile.input = std::get<Visibilities>(visibilities).input;
  compile.output = std::get<Visibilities>(visibilities).output;
  compile.weights = std::get<Visibilities>(visibilities).weights;
  compile.layout = *trace_shape;
  compile.context_felts = static_cast<uint32_t>(std::get<uint64_t>(context_felts));
  compile.profile = std::get<ProofChoice>(choice).profile;
  compile.hash = std::get<ProofChoice>(choice).hash;
  compile.force = options.Has("force");
  if (options.Has("proof-memory")) {
    const std::optional<uint64_t> bytes = ParseGibibytes(options.Get("proof-memory", ""));
    if (!bytes) {
      return UsageError(
          "compile", kCompileUsage,
          fmt::format("--proof-memory must be a number of GiB, at least 1/1024, got '{}'",
                      options.Get("proof-memory", "")));
    }
    compile.proof_memory_bytes = *bytes;
  }
  StepProgress progress(/*json=*/false);
  api::CompileCallbacks callbacks;
  callbacks.on_step = [&](std::string_view step) { progress.Begin(step); };
  // The summary and the accuracy come before the verdict on the precision.
  callbacks.on_quantized = [&](const QuantizedModel& model,
                               const frontend::AccuracyReport& accuracy) {
    progress.End();
    fmt::print("compiled {} (calibration {})\n", onnx_path, calibration);
    PrintModelSummary(model);
    if (WeightCount(model) > 0) {  // the model has MatMul, Gemm or Conv layers
      fmt::print("MatMul, Gemm and Conv weights: {}\n",
                 quantize.weight_frac_bits
                     ? fmt::format("scale 2^-{} in every layer", *quantize.weight_frac_bits)
                     : std::string("each layer's scale from its largest weight"));
    }
    fmt::print("accuracy on the calibration set ({} samples), quantized against float:\n",
               accuracy.samples);
    for (const std::string& line : accuracy.Lines()) fmt::print("  {}\n", line);
  };
  try {
    if (!options.Has("calibration") && !std::filesystem::exists(calibration)) {
      throw FrontendError(
          fmt::format("no calibration set: pass --calibration FILE (there is no {})", calibration));
    }
    progress.Begin("reading the ONNX model");
    const api::CompiledModel compiled = api::CompileModel(
        frontend::ReadFileBytes(onnx_path), onnx_path,
        [&](const frontend::Graph& graph) {
          return api::ReadCalibrationSamples(calibration, graph);
        },
        compile, callbacks);
    const QuantizedModel& model = compiled.model;
    progress.Begin(fmt::format("writing {}", output));
    api::SaveModel(model, output);
    progress.End();
    PrintAirSize(compiled.air_size);
    fmt::print(
        "wrote {}: {} operators, {} {} weights and biases, {} layout, {} inputs, {} outputs\n",
        output, model.ops.size(), WeightCount(model),
        frontend::VisibilityName(model.weights_visibility),
        frontend::TraceShapeName(model.trace_shape),
        frontend::VisibilityName(model.input_visibility),
        frontend::VisibilityName(model.output_visibility));
    if (model.context_felts > 0) {
      fmt::print("context: {} felt(s), stated after the inputs (prove --context)\n",
                 model.context_felts);
    }
    if (compiled.n_slices > 1) {
      fmt::print(
          "slices: {}, each proved on its own within {:.1f} GiB (--proof-memory) and a leaf of "
          "the aggregation tree\n",
                 compiled.n_slices, compile.proof_memory_bytes / double(uint64_t{1} << 30));
    }
    // The commitment proofs with that profile and hash will state.
    fmt::print("model commitment (profile {}, {}): {}\n", air::ProfileName(compile.profile),
               air::ToString(compile.hash), frontend::ToHex(compiled.commitment));
    if (compiled.verifying_model) {
      const std::string path = VerifyingModelPath(output);
      progress.Begin(fmt::format("writing {}", path));
      api::SaveModel(*compiled.verifying_model, path);
      progress.End();
      for (size_t k = 0; k < compiled.weights_digests.size(); ++k) {
        fmt::print("private weights{}: Poseidon2 digest {}\n",
                   compiled.n_slices > 1 ? fmt::format(" (slice {})", k + 1) : "",
                   frontend::ToHex(compiled.weights_digests[k]));
      }
      fmt::print("wrote {}: the model without its weights, for verifiers\n", path);
    }
    return 0;
  } catch (const FrontendError& e) {
    progress.End();
    fmt::print(stderr, "tensorstark compile: {}\n", e.what());
    return 1;
  }
}

int RunRunCommand(std::span<char* const> args) {
  if (WantsHelp(args)) {
    fmt::print("{}", kRunUsage);
    return 0;
  }
  auto parsed = ParseCommandArgs(args, {"model"}, {"input", "output", "expected"});
  if (const auto* error = std::get_if<std::string>(&parsed)) {
    return UsageError("run", kRunUsage, *error);
  }
  const std::string& model_path = std::get<CommandArgs>(parsed).positional[0];
  const Options& options = std::get<CommandArgs>(parsed).options;
  if (!options.Has("input")) return UsageError("run", kRunUsage, "--input FILE is required");
  try {
    const QuantizedModel model = api::LoadModel(model_path);
    const api::ModelRun run = api::RunModelOnInputFile(model, options.Get("input", ""));
    for (const std::string& warning : run.warnings) fmt::print(stderr, "{}\n", warning);
    const std::vector<std::vector<double>> expected =
        options.Has("expected") ? ReadOutputsJson(options.Get("expected", ""), run.reference)
                                : std::vector<std::vector<double>>{};
    for (size_t o = 0; o < run.outputs.size(); ++o) {
      const frontend::Tensor& got = run.outputs[o];
      const frontend::Tensor& want = run.reference[o];
      const std::string& name = model.tensor(model.outputs[o]).name;
      const std::vector<double> g = got.AsDoubles(), w = want.AsDoubles();
      fmt::print(
          "output '{}' {}\n  quantized: {}\n  float:     {}\n  max |error| {:.3g} (output "
          "scale {})\n",
          name, frontend::ShapeToString(got.shape), FormatValues(got), FormatValues(want),
          frontend::MaxAbsDifference(g, w), ScaleText(model.tensor(model.outputs[o]).frac_bits));
      if (expected.empty()) continue;
      fmt::print("  expected:  max |error| {:.3g}, float inference's {:.3g}\n",
                 frontend::MaxAbsDifference(g, expected[o]),
                 frontend::MaxAbsDifference(w, expected[o]));
      CheckFloatAgrees(name, w, expected[o]);
    }
    // What a proof of this run states of its committed tensors.
    for (const api::CommittedTensor& committed : run.committed) {
      fmt::print("{} '{}' committed: Poseidon2 digest {}\n", committed.kind, committed.name,
                 frontend::ToHex(committed.digest));
    }
    if (options.Has("output")) WriteOutputsJson(options.Get("output", ""), run.outputs);
    return 0;
  } catch (const FrontendError& e) {
    fmt::print(stderr, "tensorstark run: {}\n", e.what());
    return 1;
  }
}

}  // namespace tensorstark::cli
