// Model inputs from JSON files in EZKL's shape: {"input_data": [[...], ...]}, one flat row-major
// list per model input. A calibration file concatenates several samples in each list.
#pragma once

#include <string>
#include <vector>

#include "frontend/graph.h"
#include "frontend/tensor.h"

namespace tensorstark::frontend {

// samples[s][i] is model input i of sample s. Throws FrontendError with a one-line message for a
// missing or malformed file, a wrong number of lists or values, or a value that is not a finite
// number.
std::vector<std::vector<Tensor>> ReadInputSamples(const std::string& path, const Graph& graph);

// Exactly one sample.
std::vector<Tensor> ReadInput(const std::string& path, const Graph& graph);

}  // namespace tensorstark::frontend
