// Recurrent nets (ONNX's RNN, GRU and LSTM) unrolled at import over their fixed sequence length
// into the operators the prover has: the input projection of every step in one MatMul, then per
// step and direction a MatMul by the recurrent weights, the gates' activations by lookup, and
// their products and sums elementwise. The weights, biases, initial states and peepholes must be
// constants; the activations may be Sigmoid, Tanh or Relu (the defaults are among them).
#pragma once

#include <string>
#include <vector>

#include "frontend/graph.h"

namespace tensorstark::frontend {

bool IsRecurrentOp(const std::string& op_type);

// The default-domain nodes computing a recurrent node's outputs, in order. The shapes of its
// operands must be known (shape inference has reached the node).
std::vector<Node> UnrollRecurrent(const Node& node, Graph& graph);

}  // namespace tensorstark::frontend
