// The compile step: an ONNX model and a calibration set become a compiled model (import, float
// inference over the calibration samples for the value ranges, quantization).
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "frontend/accuracy.h"
#include "frontend/graph.h"
#include "frontend/quantize.h"
#include "frontend/quantized_model.h"
#include "frontend/tensor.h"

namespace tensorstark::frontend {

// Names each step as it begins, for progress output.
using StepCallback = std::function<void(std::string_view step)>;

// The calibration samples (samples[s][i] is model input i of sample s) for the float graph, whose
// inputs' names, shapes and types they must match (FrontendError otherwise).
using SampleReader = std::function<std::vector<std::vector<Tensor>>(const Graph& graph)>;

// The ONNX model's bytes compiled (`source` names it in messages and in the compiled model). With
// `accuracy`, also measures the quantized model against float inference on the calibration set
// (MeasureAccuracy), from the float outputs calibration computed.
QuantizedModel CompileOnnx(const std::string& onnx, const std::string& source,
                           const SampleReader& read_samples, const QuantizeOptions& options = {},
                           AccuracyReport* accuracy = nullptr,
                           const StepCallback& on_step = nullptr);

// The same from files: the ONNX model and a calibration set in an input file (input_file.h).
QuantizedModel CompileOnnxModel(const std::string& onnx_path, const std::string& calibration_path,
                                const QuantizeOptions& options = {},
                                AccuracyReport* accuracy = nullptr,
                                const StepCallback& on_step = nullptr);

// The float graph a compiled model was made from (from the ONNX bytes it carries), the reference
// `run` compares against. Throws FrontendError for a verifying model (WithoutWeights), which has
// neither weights nor the ONNX model.
Graph FloatGraphOf(const QuantizedModel& model);

}  // namespace tensorstark::frontend
