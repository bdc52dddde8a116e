// Writes the default-domain nodes an operator is lowered into at import (the 'ai.onnx.ml'
// operators, the recurrent nets unrolled): new values named after the node being lowered
// ("<node>/<op>_<k>"), constants, and the lowered node's own outputs as the last steps' outputs.
#pragma once

#include <fmt/format.h>

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "frontend/frontend_error.h"
#include "frontend/graph.h"

namespace tensorstark::frontend {

class NodeEmitter {
 public:
  // Nodes go to `out` (graph.nodes, or a list the caller splices in), values to `graph`.
  NodeEmitter(const Node& node, Graph& graph, std::vector<Node>& out)
      : node_(node), graph_(graph), out_(out) {}

  const Node& node() const { return node_; }
  const Graph& graph() const { return graph_; }
  ValueId input() const { return node_.inputs.at(0); }
  // The node's operand `i`, or kNoValue where the model leaves it out.
  ValueId input(size_t i) const { return i < node_.inputs.size() ? node_.inputs[i] : kNoValue; }
  // The node's output `i`, or kNoValue where the model leaves it out.
  ValueId output(size_t i) const { return i < node_.outputs.size() ? node_.outputs[i] : kNoValue; }

  ValueId Constant(Tensor t) {
    const std::string name = fmt::format("{}/constant_{}", node_.name, count_++);
    return graph_.AddValue({name, t.type, t.shape, std::move(t)});
  }
  ValueId Floats(std::vector<double> values, Shape shape) {
    return Constant({DataType::kFloat, std::move(shape), std::move(values), {}});
  }
  ValueId Int64s(const std::vector<int64_t>& values) { return Constant(Tensor::Int64s(values)); }

  // Adds the node; its output is `out`, or a new value when that is kNoValue.
  ValueId Op(const std::string& op_type, std::vector<ValueId> inputs,
             std::map<std::string, Attribute> attributes = {}, ValueId out = kNoValue) {
    Node n;
    n.op_type = op_type;
    n.name = fmt::format("{}/{}_{}", node_.name, op_type, count_++);
    n.opset = node_.opset;
    n.inputs = std::move(inputs);
    n.attributes = std::move(attributes);
    if (out == kNoValue) out = graph_.AddValue({n.name, {}, {}, {}});
    n.outputs = {out};
    out_.push_back(std::move(n));
    return out;
  }
  // The last step of a lowering writes the node's own output `output_index` (or a value of its
  // own when the model leaves that output out).
  ValueId Final(const std::string& op_type, std::vector<ValueId> inputs, size_t output_index,
                std::map<std::string, Attribute> attributes = {}) {
    return Op(op_type, std::move(inputs), std::move(attributes), output(output_index));
  }

  [[noreturn]] void Refuse(const std::string& why) const {
    throw FrontendError(fmt::format("{}: {}", node_.Describe(), why));
  }

 private:
  const Node& node_;
  Graph& graph_;
  std::vector<Node>& out_;
  int count_ = 0;
};

}  // namespace tensorstark::frontend
