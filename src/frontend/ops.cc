#include "frontend/ops.h"

#include <fmt/format.h>

#include <cassert>
#include <map>
#include <mutex>

#include "frontend/frontend_error.h"

namespace tensorstark::frontend {
namespace {

std::map<std::string, OpKernel>& Registry() {
  static std::map<std::string, OpKernel> registry;
  return registry;
}

void RegisterAll() {
  static std::once_flag once;
  std::call_once(once, [] {
    RegisterElementwiseOps();
    RegisterLinearOps();
    RegisterPoolOps();
    RegisterReduceOps();
    RegisterShapeOps();
    RegisterIndexMapOps();
    RegisterNormalizationOps();
  });
}

}  // namespace

void RegisterOp(const std::string& op_type, OpKernel kernel) { Registry()[op_type] = kernel; }

const OpKernel* FindOpKernel(const std::string& op_type) {
  RegisterAll();
  auto it = Registry().find(op_type);
  return it == Registry().end() ? nullptr : &it->second;
}

std::vector<std::string> SupportedOpTypes() {
  RegisterAll();
  std::vector<std::string> types;
  for (const auto& [type, kernel] : Registry()) types.push_back(type);
  return types;
}

Operand OperandOf(const Tensor* tensor) {
  if (!tensor) return {};
  return {tensor->type, &tensor->shape, tensor};
}

std::vector<Operand> OperandsOf(std::span<const Tensor* const> tensors) {
  std::vector<Operand> operands;
  for (const Tensor* tensor : tensors) operands.push_back(OperandOf(tensor));
  return operands;
}

std::vector<Tensor> EvaluateNode(const Node& node, std::span<const Tensor* const> inputs) {
  const OpKernel* kernel = FindOpKernel(node.op_type);
  if (!kernel) throw FrontendError(fmt::format("{}: op type is not supported", node.Describe()));
  std::vector<Tensor> outputs = kernel->evaluate(node, inputs);
  assert(outputs.size() == node.outputs.size());
  for (const Tensor& output : outputs) assert(output.size() == NumElements(output.shape));
  return outputs;
}

void CheckOperandCount(const Node& node, std::span<const Operand> inputs, size_t min, size_t max) {
  size_t present = inputs.size();
  while (present > 0 && !inputs[present - 1].present()) --present;
  if (present < min || inputs.size() > max) {
    throw FrontendError(fmt::format(
        "{}: expects {} operands, has {}", node.Describe(),
        min == max ? fmt::format("{}", min) : fmt::format("{} to {}", min, max), inputs.size()));
  }
  for (size_t i = 0; i < min; ++i) {
    if (!inputs[i].present()) {
      throw FrontendError(fmt::format("{}: operand {} is missing", node.Describe(), i));
    }
  }
}

std::vector<int64_t> ConstantInts(const Node& node, std::span<const Operand> inputs,
                                  size_t operand) {
  if (operand >= inputs.size() || !inputs[operand].constant) {
    throw FrontendError(fmt::format("{}: operand {} must be a constant (an initializer)",
                                    node.Describe(), operand));
  }
  if (inputs[operand].type != DataType::kInt64) {
    throw FrontendError(fmt::format("{}: operand {} is {}, not int64", node.Describe(), operand,
                                    ToString(inputs[operand].type)));
  }
  return inputs[operand].constant->ints;
}

}  // namespace tensorstark::frontend
