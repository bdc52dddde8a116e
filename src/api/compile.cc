#include "api/compile.h"

#include <fmt/format.h>

#include <algorithm>
#include <variant>
#include <vector>

#include "air/layout.h"
#include "air/setup.h"
#include "api/hash_family.h"
#include "frontend/context.h"
#include "frontend/frontend_error.h"

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

}  // namespace

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
  // Everything a proof needs is built before anything is returned: a model that cannot be proved
  // fails here, not at prove.
  step("building the AIR");
  const frontend::ModelAir air(model);
  compiled.air_size = SizeOf(air);
  // The commitment of the profile proofs will use; the production profiles' setups checked
  // without theirs (the onchain one, Poseidon252 over every preprocessed column, would be most
  // of compile's time).
  for (const air::Profile checked : {air::Profile::kFast, air::Profile::kOnchain}) {
    if (checked == options.profile) continue;
    step(fmt::format("checking the {} profile's setup", air::ProfileName(checked)));
    if (auto error = air::CheckSetup(air.components(), air::ProfileConfig(checked))) {
      throw NotProvable(checked, *error);
    }
  }
  step(fmt::format("committing to the model (profile {}, {})", air::ProfileName(options.profile),
                   air::ToString(options.hash)));
  compiled.commitment = WithHashFamily(options.hash, [&]<class C, class H>() {
    auto key = frontend::SetupModel<H>(air, air::ProfileConfig(options.profile));
    if (const auto* error = std::get_if<std::string>(&key)) {
      throw NotProvable(options.profile, *error);
    }
    return std::get<frontend::ModelKey<H>>(key).commitment;
  });
  compiled.weights_digest = air.WeightsDigest();
  if (compiled.weights_digest) compiled.verifying_model = air.VerifyingModel();
  return compiled;
}

}  // namespace tensorstark::api
