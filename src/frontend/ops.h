// The ONNX operators the frontend understands: for each, its shape rule (which also checks the
// attributes and operands) and its float evaluation, the reference semantics the quantized model
// is compared against. Constant folding, `run` and calibration all evaluate through these.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "frontend/graph.h"
#include "frontend/tensor.h"

namespace tensorstark::frontend {

// What a shape rule sees of an operand: its type and shape, and its values when constant.
// Absent optional operands have shape == nullptr.
struct Operand {
  DataType type = DataType::kFloat;
  const Shape* shape = nullptr;
  const Tensor* constant = nullptr;

  bool present() const { return shape != nullptr; }
};

struct OutputInfo {
  DataType type = DataType::kFloat;
  Shape shape;
};

struct OpKernel {
  // Output types and shapes; throws FrontendError (naming the node) for an unsupported attribute
  // or operand, or an operand that must be constant and is not.
  std::vector<OutputInfo> (*infer)(const Node& node, std::span<const Operand> inputs);
  // The outputs from the operands' values (absent operands are null).
  std::vector<Tensor> (*evaluate)(const Node& node, std::span<const Tensor* const> inputs);
  // How many leading operands must be float: those evaluate computes on as doubles. Import
  // refuses an int64 or bool operand there (integer values are exact only where a kernel reads
  // them as integers).
  size_t float_operands = 0;
  // The outputs depend on the operands' shapes only (Shape, Size): they always fold, and
  // evaluate may be given operands without values.
  bool shape_only = false;
};

inline constexpr size_t kAllOperands = SIZE_MAX;

// The kernel of an op type, or null if the frontend does not support it.
const OpKernel* FindOpKernel(const std::string& op_type);
std::vector<std::string> SupportedOpTypes();

// Runs one node whose operands the shape rule has already accepted (at import): evaluation only.
std::vector<Tensor> EvaluateNode(const Node& node, std::span<const Tensor* const> inputs);

// Operand helpers for kernels.
Operand OperandOf(const Tensor* tensor);
std::vector<Operand> OperandsOf(std::span<const Tensor* const> tensors);
// Throws FrontendError unless the node has between min and max operands (absent ones included).
void CheckOperandCount(const Node& node, std::span<const Operand> inputs, size_t min, size_t max);
// The values of a constant operand as integers; throws naming the node if it is not constant.
std::vector<int64_t> ConstantInts(const Node& node, std::span<const Operand> inputs,
                                  size_t operand);

// Unary elementwise functions without state (Sigmoid, Tanh, Relu, LeakyRelu, ...): float to float,
// element by element, so any of them can be tabulated.
bool IsUnaryFunctionOp(const std::string& op_type);
// Equal, Less, LessOrEqual, Greater, GreaterOrEqual: two operands to a bool.
bool IsComparison(const std::string& op_type);
// Clip's bounds, from attributes (opset < 11) or constant operands; infinite when absent.
std::pair<double, double> ClipBounds(const Node& node, std::span<const Operand> inputs);
// BatchNormalization at inference as an affine map per channel, y = x·scale[c] + shift[c]:
// scale = gamma / sqrt(var + epsilon), shift = beta - mean·scale.
struct ChannelAffine {
  std::vector<double> scale, shift;
};
ChannelAffine BatchNormAffine(const Node& node, const Tensor& gamma, const Tensor& beta,
                              const Tensor& mean, const Tensor& var);

// Registration, used by the files that implement the kernels.
void RegisterElementwiseOps();
void RegisterLinearOps();
void RegisterPoolOps();
void RegisterReduceOps();
void RegisterShapeOps();
void RegisterIndexMapOps();
void RegisterNormalizationOps();
void RegisterOp(const std::string& op_type, OpKernel kernel);

}  // namespace tensorstark::frontend
