#include "frontend/graph.h"

#include <fmt/format.h>

#include "frontend/frontend_error.h"

namespace tensorstark::frontend {
namespace {

template <class T>
const T* Get(const Node& node, const std::string& attribute, const char* type_name) {
  auto it = node.attributes.find(attribute);
  if (it == node.attributes.end()) return nullptr;
  if (const T* value = std::get_if<T>(&it->second)) return value;
  throw FrontendError(
      fmt::format("{}: attribute '{}' is not {}", node.Describe(), attribute, type_name));
}

}  // namespace

std::string Node::Describe() const { return fmt::format("node '{}' ({})", name, op_type); }

int64_t Node::Int(const std::string& attribute, int64_t default_value) const {
  const int64_t* value = Get<int64_t>(*this, attribute, "an integer");
  return value ? *value : default_value;
}

double Node::Float(const std::string& attribute, double default_value) const {
  const double* value = Get<double>(*this, attribute, "a float");
  return value ? *value : default_value;
}

std::string Node::String(const std::string& attribute, const std::string& default_value) const {
  const std::string* value = Get<std::string>(*this, attribute, "a string");
  return value ? *value : default_value;
}

std::vector<int64_t> Node::Ints(const std::string& attribute,
                                const std::vector<int64_t>& default_value) const {
  const std::vector<int64_t>* value = Get<std::vector<int64_t>>(*this, attribute, "a list of ints");
  return value ? *value : default_value;
}

std::vector<double> Node::Floats(const std::string& attribute) const {
  const std::vector<double>* value = Get<std::vector<double>>(*this, attribute, "a list of floats");
  return value ? *value : std::vector<double>{};
}

std::vector<std::string> Node::Strings(const std::string& attribute) const {
  const auto* value = Get<std::vector<std::string>>(*this, attribute, "a list of strings");
  return value ? *value : std::vector<std::string>{};
}

const Tensor& Node::TensorAttribute(const std::string& attribute) const {
  const Tensor* value = Get<Tensor>(*this, attribute, "a tensor");
  if (!value)
    throw FrontendError(fmt::format("{}: attribute '{}' is missing", Describe(), attribute));
  return *value;
}

void Node::CheckAttributes(std::span<const char* const> supported) const {
  for (const auto& [name, value] : attributes) {
    bool known = false;
    for (const char* s : supported) known = known || name == s;
    if (!known) {
      throw FrontendError(fmt::format("{}: attribute '{}' is not supported", Describe(), name));
    }
  }
}

ValueId Graph::AddValue(Value value) {
  values.push_back(std::move(value));
  return static_cast<ValueId>(values.size() - 1);
}

const Tensor& Graph::ConstantInput(const Node& node, size_t operand) const {
  const ValueId id = Input(node, operand);
  if (!IsConstant(id)) {
    throw FrontendError(fmt::format("{}: operand {} must be a constant (an initializer)",
                                    node.Describe(), operand));
  }
  return *values[id].constant;
}

std::vector<int> Graph::Readers() const {
  std::vector<int> readers(values.size(), 0);
  for (const Node& node : nodes) {
    for (ValueId id : node.inputs) {
      if (id != kNoValue) ++readers[id];
    }
  }
  for (ValueId id : outputs) ++readers[id];
  return readers;
}

}  // namespace tensorstark::frontend
