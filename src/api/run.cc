#include "api/run.h"

#include <fmt/format.h>

#include <tuple>

#include "frontend/compile.h"
#include "frontend/float_eval.h"
#include "frontend/input_file.h"
#include "frontend/model_air.h"
#include "frontend/quantized_eval.h"

namespace tensorstark::api {

frontend::QuantizedModel LoadModel(const std::string& path) {
  return frontend::LoadQuantizedModel(path);
}

frontend::QuantizedModel ParseModel(std::string_view bytes, const std::string& name) {
  return frontend::ParseQuantizedModel(bytes, name);
}

std::string SerializeModel(const frontend::QuantizedModel& model) {
  return frontend::SerializeQuantizedModel(model);
}

void SaveModel(const frontend::QuantizedModel& model, const std::string& path) {
  frontend::SaveQuantizedModel(model, path);
}

std::vector<frontend::Value> ModelInputs(const frontend::QuantizedModel& model) {
  const frontend::Graph graph = frontend::FloatGraphOf(model);
  std::vector<frontend::Value> inputs;
  for (const frontend::ValueId id : graph.inputs) inputs.push_back(graph.value(id));
  return inputs;
}

std::vector<frontend::Tensor> ReadModelInput(const frontend::QuantizedModel& model,
                                             const std::string& path) {
  return frontend::ReadInput(path, frontend::FloatGraphOf(model));
}

namespace {

// The run, and with a graph the float reference on it.
ModelRun RunWith(const frontend::QuantizedModel& model, const frontend::Graph* graph,
                 const std::vector<frontend::Tensor>& input) {
  const frontend::QuantizedRun run = frontend::RunQuantized(model, input);
  ModelRun result;
  result.outputs = run.outputs;
  if (graph) result.reference = frontend::RunFloat(*graph, input);
  result.warnings = frontend::CoarseInputWarnings(model, run);
  for (const auto& [kind, tensors, visibility] :
       {std::tuple{"input", &model.inputs, model.input_visibility},
        {"output", &model.outputs, model.output_visibility}}) {
    if (visibility != frontend::Visibility::kCommitted) continue;
    for (const frontend::TensorId id : *tensors) {
      result.committed.push_back(
          {kind, model.tensor(id).name, frontend::TensorDigest(run.values[id])});
    }
  }
  return result;
}

}  // namespace

ModelRun RunModel(const frontend::QuantizedModel& model,
                  const std::vector<frontend::Tensor>& input, bool reference) {
  if (!reference) return RunWith(model, nullptr, input);
  const frontend::Graph graph = frontend::FloatGraphOf(model);
  return RunWith(model, &graph, input);
}

ModelRun RunModelOnInputFile(const frontend::QuantizedModel& model, const std::string& path) {
  const frontend::Graph graph = frontend::FloatGraphOf(model);
  return RunWith(model, &graph, frontend::ReadInput(path, graph));
}

std::variant<frontend::Visibility, std::string> ParseGroupVisibility(std::string_view group,
                                                                     std::string_view word) {
  const std::optional<frontend::Visibility> parsed = frontend::ParseVisibility(word);
  if (group == "weights") {
    if (!parsed || *parsed == frontend::Visibility::kCommitted) {
      return fmt::format("weights must be public or private, not '{}'", word);
    }
    return *parsed;
  }
  if (!parsed) {
    return fmt::format("{} must be public, committed or private, not '{}'", group, word);
  }
  return *parsed;
}

}  // namespace tensorstark::api
