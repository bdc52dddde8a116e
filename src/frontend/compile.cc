#include "frontend/compile.h"

#include <fmt/format.h>

#include "frontend/calibration.h"
#include "frontend/frontend_error.h"
#include "frontend/input_file.h"
#include "frontend/onnx_import.h"

namespace tensorstark::frontend {

QuantizedModel CompileOnnxModel(const std::string& onnx_path, const std::string& calibration_path,
                                const QuantizeOptions& options, AccuracyReport* accuracy) {
  const std::string onnx = ReadFileBytes(onnx_path);
  const Graph graph = ImportOnnxBytes(onnx, fmt::format("'{}'", onnx_path));
  const std::vector<std::vector<Tensor>> samples = ReadInputSamples(calibration_path, graph);
  const Calibration calibration = Calibrate(graph, samples);
  QuantizedModel model = Quantize(graph, calibration, options);
  if (accuracy) *accuracy = MeasureAccuracy(model, samples, calibration.outputs);
  model.onnx = onnx;
  model.source = onnx_path;
  return model;
}

Graph FloatGraphOf(const QuantizedModel& model) {
  if (model.weights_digest) {
    throw FrontendError(fmt::format(
        "this is the verifying model of '{}', without weights: run and prove need the model "
        "compile wrote (MODEL.tsm, not MODEL.verifying.tsm)",
        model.source));
  }
  return ImportOnnxBytes(model.onnx, fmt::format("the ONNX model inside '{}'", model.source));
}

}  // namespace tensorstark::frontend
