// Float inference over the graph IR: the reference the quantized model's outputs are compared
// against (`run`), and the source of the value ranges that calibration turns into scales.
#pragma once

#include <span>
#include <vector>

#include "frontend/graph.h"
#include "frontend/tensor.h"

namespace tensorstark::frontend {

// Every value of the graph (constants included) for these model inputs, indexed by ValueId.
// Throws FrontendError if an input's shape or type does not match the model's.
std::vector<Tensor> EvaluateGraph(const Graph& graph, std::span<const Tensor> inputs);

// Just the model outputs.
std::vector<Tensor> RunFloat(const Graph& graph, std::span<const Tensor> inputs);

}  // namespace tensorstark::frontend
