#include "frontend/float_eval.h"

#include <fmt/format.h>

#include <cassert>

#include "frontend/frontend_error.h"
#include "frontend/ops.h"

namespace tensorstark::frontend {

std::vector<Tensor> EvaluateGraph(const Graph& graph, std::span<const Tensor> inputs) {
  if (inputs.size() != graph.inputs.size()) {
    throw FrontendError(
        fmt::format("the model takes {} inputs, {} given", graph.inputs.size(), inputs.size()));
  }
  std::vector<Tensor> values(graph.values.size());
  for (size_t i = 0; i < graph.values.size(); ++i) {
    if (graph.values[i].constant) values[i] = *graph.values[i].constant;
  }
  for (size_t i = 0; i < inputs.size(); ++i) {
    const Value& expected = graph.value(graph.inputs[i]);
    if (inputs[i].shape != expected.shape || inputs[i].type != expected.type) {
      throw FrontendError(fmt::format("input '{}' is {} {}, the model expects {} {}", expected.name,
                                      ToString(inputs[i].type), ShapeToString(inputs[i].shape),
                                      ToString(expected.type), ShapeToString(expected.shape)));
    }
    values[graph.inputs[i]] = inputs[i];
  }
  for (const Node& node : graph.nodes) {
    std::vector<const Tensor*> operands;
    for (ValueId id : node.inputs) operands.push_back(id == kNoValue ? nullptr : &values[id]);
    std::vector<Tensor> outputs = EvaluateNode(node, operands);
    for (size_t i = 0; i < node.outputs.size(); ++i) {
      assert(outputs[i].shape == graph.value(node.outputs[i]).shape);  // as inferred at import
      values[node.outputs[i]] = std::move(outputs[i]);
    }
  }
  return values;
}

std::vector<Tensor> RunFloat(const Graph& graph, std::span<const Tensor> inputs) {
  std::vector<Tensor> values = EvaluateGraph(graph, inputs);
  std::vector<Tensor> outputs;
  for (ValueId id : graph.outputs) outputs.push_back(std::move(values[id]));
  return outputs;
}

}  // namespace tensorstark::frontend
