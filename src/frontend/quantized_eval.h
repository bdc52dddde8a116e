// The integer interpreter of a compiled model: exact integer semantics, the values the prover's
// trace holds. Used by `run`, by witness generation and by the accuracy checks.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "frontend/quantized_model.h"
#include "frontend/tensor.h"

namespace tensorstark::frontend {

struct QuantizedRun {
  std::vector<std::vector<int64_t>> values;  // every tensor's elements, by TensorId
  std::vector<Tensor> outputs;               // the model outputs, dequantized
};

// The element a maximum or ArgMax chooses in a window: the first largest, or the last with
// select_last. The interpreter and the prover's witness both choose through this.
size_t MaxPosition(std::span<const int64_t> window, bool select_last);

// Quantizes the inputs (round(x · 2^frac_bits)), then runs every operator. Throws FrontendError
// with a one-line message when an input is outside the range the model was compiled for, or an
// operator's result leaves its tensor's bound or its lookup table (an input far outside the
// calibration set).
QuantizedRun RunQuantized(const QuantizedModel& model, std::span<const Tensor> inputs);

// Below this many significant bits an input's largest element is a sign that the calibration set
// was on another scale than the inputs (0-255 pixels for a model fed 0-1).
inline constexpr int kMinInputBits = 6;

// One line per model input of `run` whose largest nonzero |element| has fewer than kMinInputBits
// bits at the input's scale: the outputs may have lost their precision. Empty when all is well.
std::vector<std::string> CoarseInputWarnings(const QuantizedModel& model, const QuantizedRun& run);

}  // namespace tensorstark::frontend
