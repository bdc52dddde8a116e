#include "frontend/compile.h"

#include <fmt/format.h>

#include "frontend/calibration.h"
#include "frontend/file_io.h"
#include "frontend/frontend_error.h"
#include "frontend/input_file.h"
#include "frontend/onnx_import.h"

namespace tensorstark::frontend {

QuantizedModel CompileOnnx(const std::string& onnx, const std::string& source,
                           const SampleReader& read_samples, const QuantizeOptions& options,
                           AccuracyReport* accuracy, const StepCallback& on_step) {
  const auto step = [&](std::string_view name) {
    if (on_step) on_step(name);
  };
  const Graph graph = ImportOnnxBytes(onnx, fmt::format("'{}'", source));
  step("reading the calibration set");
  const std::vector<std::vector<Tensor>> samples = read_samples(graph);
  step(fmt::format("calibrating: float inference on {} samples", samples.size()));
  const Calibration calibration = Calibrate(graph, samples);
  step("quantizing");
  std::vector<std::string> notes;
  QuantizedModel model = Quantize(graph, calibration, options, &notes);
  if (accuracy) {
    step(fmt::format("checking accuracy: the quantized model on {} samples", samples.size()));
    *accuracy = MeasureAccuracy(model, samples, calibration.outputs);
    accuracy->notes = std::move(notes);
  }
  model.onnx = onnx;
  model.source = source;
  return model;
}

QuantizedModel CompileOnnxModel(const std::string& onnx_path, const std::string& calibration_path,
                                const QuantizeOptions& options, AccuracyReport* accuracy,
                                const StepCallback& on_step) {
  if (on_step) on_step("reading the ONNX model");
  return CompileOnnx(
      ReadFileBytes(onnx_path), onnx_path,
      [&](const Graph& graph) { return ReadInputSamples(calibration_path, graph); }, options,
      accuracy, on_step);
}

Graph FloatGraphOf(const QuantizedModel& model) {
  if (IsVerifyingModel(model)) {
    throw FrontendError(fmt::format(
        "this is the verifying model of '{}', without weights: run and prove need the model "
        "compile wrote (MODEL.tsm, not MODEL.verifying.tsm)",
        model.source));
  }
  return ImportOnnxBytes(model.onnx, fmt::format("the ONNX model inside '{}'", model.source));
}

}  // namespace tensorstark::frontend
