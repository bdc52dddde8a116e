// The frontend's graph IR: ONNX's dataflow graph with every shape known. Values are tensors named
// as in the model; a value is either computed by a node, a model input, or a constant (an
// initializer, a Constant node, or anything folded from constants). Nodes are in topological
// order. Symbolic dimensions (a batch size) are fixed to 1 at import.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "frontend/tensor.h"

namespace tensorstark::frontend {

using ValueId = int32_t;
inline constexpr ValueId kNoValue = -1;  // an omitted optional operand

struct Value {
  std::string name;
  DataType type = DataType::kFloat;
  Shape shape;
  std::optional<Tensor> constant;
};

using Attribute = std::variant<int64_t, double, std::string, std::vector<int64_t>,
                               std::vector<double>, std::vector<std::string>, Tensor>;

struct Node {
  std::string name;  // the ONNX node name, or "<op_type>_<index>" when the model has none
  std::string op_type;
  int64_t opset = 0;  // the model's version of the default ONNX domain
  std::vector<ValueId> inputs;
  std::vector<ValueId> outputs;
  std::map<std::string, Attribute> attributes;

  // "node 'conv1' (Conv)": how every error about the node starts.
  std::string Describe() const;

  bool Has(const std::string& attribute) const { return attributes.count(attribute) != 0; }
  // Typed attribute access; a missing attribute takes the default, a wrong type throws
  // FrontendError.
  int64_t Int(const std::string& attribute, int64_t default_value) const;
  double Float(const std::string& attribute, double default_value) const;
  std::string String(const std::string& attribute, const std::string& default_value) const;
  std::vector<int64_t> Ints(const std::string& attribute,
                            const std::vector<int64_t>& default_value) const;
  std::vector<double> Floats(const std::string& attribute) const;
  std::vector<std::string> Strings(const std::string& attribute) const;
  const Tensor& TensorAttribute(const std::string& attribute) const;

  // Throws FrontendError unless every attribute is in `supported`.
  void CheckAttributes(std::span<const char* const> supported) const;
  void CheckAttributes(std::initializer_list<const char*> supported) const {
    CheckAttributes(std::span<const char* const>(supported.begin(), supported.size()));
  }
};

struct Graph {
  std::vector<Value> values;
  std::vector<Node> nodes;
  std::vector<ValueId> inputs;   // the non-constant model inputs, in model order
  std::vector<ValueId> outputs;  // in model order

  ValueId AddValue(Value value);
  const Value& value(ValueId id) const { return values.at(id); }
  Value& value(ValueId id) { return values.at(id); }
  bool IsConstant(ValueId id) const { return id != kNoValue && values.at(id).constant.has_value(); }
  // The constant behind an operand; throws FrontendError naming the node if it is not constant.
  const Tensor& ConstantInput(const Node& node, size_t operand) const;
  // Operand `operand` of the node, or kNoValue when it is omitted.
  ValueId Input(const Node& node, size_t operand) const {
    return operand < node.inputs.size() ? node.inputs[operand] : kNoValue;
  }
  // How many nodes read each value (graph outputs count as one reader each).
  std::vector<int> Readers() const;
};

}  // namespace tensorstark::frontend
