#include "api/compile.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <functional>
#include <limits>
#include <string>
#include <variant>
#include <vector>

#include "air/layout.h"
#include "air/setup.h"
#include "api/hash_family.h"
#include "api/memory_check.h"
#include "frontend/context.h"
#include "frontend/frontend_error.h"
#include "frontend/input_file.h"
#include "frontend/slices.h"
#include "pipeline/slice_plan.h"
#include "pipeline/sliced_proof.h"

namespace tensorstark::api {
namespace {

using frontend::FrontendError;

// A model that cannot be set up for a production profile is not provable: compile refuses it
// rather than leave the surprise to prove.
FrontendError NotProvable(air::Profile profile, const std::string& error) {
  return FrontendError(fmt::format("the model cannot be proved with the {} profile: {}",
                                   air::ProfileName(profile), error));
}

AirSize SizeOf(const frontend::ModelAir& air) {
  const std::vector<const air::Component*> components = air.components();
  AirSize size;
  size.components = components.size();
  for (const air::Component* component : components) {
    const air::ComponentInfo info = component->Info();
    size.trace_cells += (info.trace_offsets.size() - info.borrowed_trace.size())
                        << component->log_size();
    size.max_log_size = std::max(size.max_log_size, component->log_size());
  }
  auto layout = air::MakeLayout(components, air::ProfileConfig(air::Profile::kFast));
  if (const auto* error = std::get_if<std::string>(&layout)) {
    throw FrontendError(fmt::format("the model cannot be proved: {}", *error));
  }
  const std::vector<uint32_t>& preprocessed = std::get<air::AirLayout>(layout).column_log_sizes[0];
  size.preprocessed_columns = preprocessed.size();
  for (uint32_t log_size : preprocessed) size.preprocessed_cells += size_t{1} << log_size;
  return size;
}

// Sums the slices' AIR sizes (the largest component's log size is the largest).
void AddSliceSize(AirSize& total, const AirSize& slice) {
  total.components += slice.components;
  total.max_log_size = std::max(total.max_log_size, slice.max_log_size);
  total.trace_cells += slice.trace_cells;
  total.preprocessed_cells += slice.preprocessed_cells;
  total.preprocessed_columns += slice.preprocessed_columns;
}

// The commitment of the profile proofs will use; the production profiles' setups checked without
// theirs (the onchain one, Poseidon252 over every preprocessed column, would be most of compile's
// time).
frontend::ModelCommitment CommitTo(const frontend::ModelAir& air, const CompileOptions& options,
                                   const std::function<void(std::string_view)>& step,
                                   const std::string& slice) {
  for (const air::Profile checked : {air::Profile::kFast, air::Profile::kOnchain}) {
    if (checked == options.profile) continue;
    step(fmt::format("checking the {} profile's setup{}", air::ProfileName(checked), slice));
    if (auto error = air::CheckSetup(air.components(), air::ProfileConfig(checked))) {
      throw NotProvable(checked, *error);
    }
  }
  step(fmt::format("committing to the model{} (profile {}, {})", slice,
                   air::ProfileName(options.profile), air::ToString(options.hash)));
  return WithHashFamily(options.hash, [&]<class C, class H>() {
    auto key = frontend::SetupModel<H>(air, air::ProfileConfig(options.profile));
    if (const auto* error = std::get_if<std::string>(&key)) {
      throw NotProvable(options.profile, *error);
    }
    return std::get<frontend::ModelKey<H>>(key).commitment;
  });
}

// Where the model is cut so that each slice's proof fits options.proof_memory_bytes with the
// fast and the recursive profiles (a proof for compression), by prove's estimate of the prover's
// memory: of the AIR alone, so that the cuts, and so the commitment, are the same wherever the
// model is compiled. An operator too large alone is split into parts.
void PlanSlices(frontend::QuantizedModel& model, const CompileOptions& options,
                const CompileCallbacks& callbacks) {
  const auto estimate = [](const frontend::ModelAir& air) {
    uint64_t most = 0;
    for (const air::Profile profile : {air::Profile::kFast, air::Profile::kRecursive}) {
      air::ProofConfig config = air::ProfileConfig(profile);
      config.zk = frontend::RequiresZeroKnowledge(air.model());
      const auto memory = EstimateProofMemory(air.components(), config);
      // An AIR no profile can prove does not fit.
      most = std::max(most, memory ? memory->prover : std::numeric_limits<uint64_t>::max());
    }
    return most;
  };
  pipeline::PlanSlices(
      model, options.proof_memory_bytes, estimate, [&](size_t first, size_t end) {
        if (callbacks.on_step) {
          callbacks.on_step(fmt::format("planning the proof's memory: operators {} to {} of {}",
                                        first + 1, end, model.ops.size()));
        }
      });
}

}  // namespace

std::vector<std::vector<frontend::Tensor>> ReadCalibrationSamples(const std::string& path,
                                                                  const frontend::Graph& graph) {
  return frontend::ReadInputSamples(path, graph);
}

CompileOptions DefaultCompileOptions(frontend::Visibility weights) {
  CompileOptions options;
  options.weights = weights;
  options.quantize.weight_frac_bits = frontend::DefaultWeightFracBits(weights);
  return options;
}

CompiledModel CompileModel(const std::string& onnx, const std::string& source,
                           const frontend::SampleReader& read_samples,
                           const CompileOptions& options, const CompileCallbacks& callbacks) {
  const auto step = [&](std::string_view name) {
    if (callbacks.on_step) callbacks.on_step(name);
  };
  if (options.weights == frontend::Visibility::kCommitted) {
    throw FrontendError("weights are public or private, not committed");
  }
  if (options.context_felts > frontend::kMaxContextFelts) {
    throw FrontendError(fmt::format("a model states at most {} context felts, not {}",
                                    frontend::kMaxContextFelts, options.context_felts));
  }
  CompiledModel compiled;
  compiled.model = frontend::CompileOnnx(onnx, source, read_samples, options.quantize,
                                         &compiled.accuracy, callbacks.on_step);
  frontend::QuantizedModel& model = compiled.model;
  model.trace_shape = options.layout;
  model.input_visibility = options.input;
  model.output_visibility = options.output;
  model.weights_visibility = options.weights;
  model.context_felts = options.context_felts;
  if (callbacks.on_quantized) callbacks.on_quantized(model, compiled.accuracy);
  if (const auto problem = compiled.accuracy.PrecisionProblem(); problem && !options.force) {
    throw FrontendError(*problem);
  }
  step("planning the proof's memory");
  PlanSlices(model, options, callbacks);
  compiled.n_slices = frontend::SliceCount(model);
  // Everything a proof needs is built before anything is returned: a model that cannot be proved
  // fails here, not at prove. A model of several slices, one slice at a time.
  std::vector<frontend::ModelCommitment> commitments;
  for (size_t k = 0; k < compiled.n_slices; ++k) {
    const std::string slice =
        compiled.n_slices > 1 ? fmt::format(" (slice {} of {})", k + 1, compiled.n_slices) : "";
    step("building the AIR" + slice);
    std::optional<frontend::ModelSlice> sliced;
    if (compiled.n_slices > 1) sliced = frontend::SliceOf(model, k);
    const frontend::ModelAir air(sliced ? sliced->model : model);
    AddSliceSize(compiled.air_size, SizeOf(air));
    commitments.push_back(CommitTo(air, options, step, slice));
    if (const auto digest = air.WeightsDigest()) compiled.weights_digests.push_back(*digest);
  }
  compiled.commitment =
      compiled.n_slices > 1 ? pipeline::SlicedCommitment(commitments) : commitments.front();
  if (!compiled.weights_digests.empty()) {
    std::vector<std::array<uint32_t, 8>> words;
    for (const auto& digest : compiled.weights_digests) {
      words.push_back({});
      for (size_t i = 0; i < digest.size(); ++i) words.back()[i] = digest[i].value();
    }
    compiled.verifying_model = frontend::WithoutWeights(model, words);
  }
  return compiled;
}

}  // namespace tensorstark::api
