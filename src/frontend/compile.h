// The compile step: an ONNX model and a calibration set become a compiled model (import, float
// inference over the calibration samples for the value ranges, quantization).
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "frontend/accuracy.h"
#include "frontend/graph.h"
#include "frontend/quantize.h"
#include "frontend/quantized_model.h"

namespace tensorstark::frontend {

// Names each step as it begins, for progress output.
using StepCallback = std::function<void(std::string_view step)>;

// With `accuracy`, also measures the quantized model against float inference on the calibration
// set (MeasureAccuracy), from the float outputs calibration computed.
QuantizedModel CompileOnnxModel(const std::string& onnx_path, const std::string& calibration_path,
                                const QuantizeOptions& options = {},
                                AccuracyReport* accuracy = nullptr,
                                const StepCallback& on_step = nullptr);

// The float graph a compiled model was made from (from the ONNX bytes it carries), the reference
// `run` compares against. Throws FrontendError for a verifying model (WithoutWeights), which has
// neither weights nor the ONNX model.
Graph FloatGraphOf(const QuantizedModel& model);

}  // namespace tensorstark::frontend
