// Elementwise operators: unary functions, binary arithmetic and comparisons with broadcasting,
// variadic Sum/Mean/Max/Min, Clip, Where and Cast.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>

#include "frontend/frontend_error.h"
#include "frontend/ops.h"

namespace tensorstark::frontend {
namespace {

using UnaryFunction = std::function<double(double)>;

// Unary ops without attributes.
const std::map<std::string, double (*)(double)>& PlainUnaryOps() {
  static const std::map<std::string, double (*)(double)> ops = {
      {"Abs", [](double x) { return std::fabs(x); }},
      {"Neg", [](double x) { return -x; }},
      {"Relu", [](double x) { return x > 0 ? x : 0.0; }},
      {"Sigmoid", [](double x) { return 1.0 / (1.0 + std::exp(-x)); }},
      {"Tanh", [](double x) { return std::tanh(x); }},
      {"Exp", [](double x) { return std::exp(x); }},
      {"Log", [](double x) { return std::log(x); }},
      {"Sqrt", [](double x) { return std::sqrt(x); }},
      {"Reciprocal", [](double x) { return 1.0 / x; }},
      {"Erf", [](double x) { return std::erf(x); }},
      {"Sin", [](double x) { return std::sin(x); }},
      {"Cos", [](double x) { return std::cos(x); }},
      {"Floor", [](double x) { return std::floor(x); }},
      {"Ceil", [](double x) { return std::ceil(x); }},
      {"Round", [](double x) { return std::nearbyint(x); }},  // halves to even, as ONNX
      {"Sign", [](double x) { return double((x > 0) - (x < 0)); }},
      {"Softplus", [](double x) { return std::log1p(std::exp(x)); }},
      {"Softsign", [](double x) { return x / (1 + std::fabs(x)); }},
      {"HardSwish", [](double x) { return x * std::clamp(x / 6 + 0.5, 0.0, 1.0); }},
      {"Identity", [](double x) { return x; }},
  };
  return ops;
}

// Unary ops with attributes: each builds its function from the node.
struct ParameterizedUnary {
  UnaryFunction (*make)(const Node&);
  std::vector<const char*> attributes;
};

const std::map<std::string, ParameterizedUnary>& ParameterizedUnaryOps() {
  static const std::map<std::string, ParameterizedUnary> ops = {
      {"LeakyRelu",
       {[](const Node& n) -> UnaryFunction {
          const double alpha = n.Float("alpha", 0.01);
          return [alpha](double x) { return x >= 0 ? x : alpha * x; };
        },
        {"alpha"}}},
      {"Elu",
       {[](const Node& n) -> UnaryFunction {
          const double alpha = n.Float("alpha", 1.0);
          return [alpha](double x) { return x >= 0 ? x : alpha * std::expm1(x); };
        },
        {"alpha"}}},
      {"Celu",
       {[](const Node& n) -> UnaryFunction {
          const double alpha = n.Float("alpha", 1.0);
          return [alpha](double x) {
            return std::max(0.0, x) + std::min(0.0, alpha * std::expm1(x / alpha));
          };
        },
        {"alpha"}}},
      {"Selu",
       {[](const Node& n) -> UnaryFunction {
          const double alpha = n.Float("alpha", 1.67326319217681884765625);
          const double gamma = n.Float("gamma", 1.05070102214813232421875);
          return [alpha, gamma](double x) { return gamma * (x > 0 ? x : alpha * std::expm1(x)); };
        },
        {"alpha", "gamma"}}},
      {"HardSigmoid",
       {[](const Node& n) -> UnaryFunction {
          const double alpha = n.Float("alpha", 0.2), beta = n.Float("beta", 0.5);
          return [alpha, beta](double x) { return std::clamp(alpha * x + beta, 0.0, 1.0); };
        },
        {"alpha", "beta"}}},
      {"ThresholdedRelu",
       {[](const Node& n) -> UnaryFunction {
          const double alpha = n.Float("alpha", 1.0);
          return [alpha](double x) { return x > alpha ? x : 0.0; };
        },
        {"alpha"}}},
  };
  return ops;
}

// Float32 is what ONNX computes in; rounding each result to it keeps folded constants and the
// reference outputs equal to what an ONNX runtime produces.
double RoundToType(DataType type, double x) {
  return type == DataType::kFloat ? static_cast<double>(static_cast<float>(x)) : x;
}

std::vector<OutputInfo> InferUnary(const Node& node, std::span<const Operand> inputs) {
  if (auto it = ParameterizedUnaryOps().find(node.op_type); it != ParameterizedUnaryOps().end()) {
    node.CheckAttributes(it->second.attributes);
  } else {
    node.CheckAttributes({});
  }
  CheckOperandCount(node, inputs, 1, 1);
  return {{inputs[0].type, *inputs[0].shape}};
}

std::vector<Tensor> EvaluateUnary(const Node& node, std::span<const Tensor* const> inputs) {
  auto it = ParameterizedUnaryOps().find(node.op_type);
  const UnaryFunction f = it != ParameterizedUnaryOps().end()
                              ? it->second.make(node)
                              : UnaryFunction(PlainUnaryOps().at(node.op_type));
  Tensor out = *inputs[0];
  for (double& x : out.values) x = RoundToType(out.type, f(x));
  return {out};
}

// Dropout at inference is the identity (its optional mask output is all ones).
std::vector<OutputInfo> InferDropout(const Node& node, std::span<const Operand> inputs) {
  node.CheckAttributes({"seed", "ratio", "is_test"});
  CheckOperandCount(node, inputs, 1, 3);
  if (inputs.size() > 2 && inputs[2].present() &&
      (!inputs[2].constant || inputs[2].constant->values.at(0) != 0)) {
    throw FrontendError(fmt::format("{}: training mode is not supported", node.Describe()));
  }
  std::vector<OutputInfo> outputs = {{inputs[0].type, *inputs[0].shape}};
  if (node.outputs.size() > 1) outputs.push_back({DataType::kBool, *inputs[0].shape});
  return outputs;
}

std::vector<Tensor> EvaluateDropout(const Node& node, std::span<const Tensor* const> inputs) {
  std::vector<Tensor> outputs = {*inputs[0]};
  if (node.outputs.size() > 1) {
    Tensor mask = Tensor::Zeros(DataType::kBool, inputs[0]->shape);
    std::fill(mask.values.begin(), mask.values.end(), 1.0);
    outputs.push_back(mask);
  }
  return outputs;
}

using BinaryFunction = double (*)(double, double, DataType);

const std::map<std::string, std::pair<BinaryFunction, bool>>& BinaryOps() {
  // The function, and whether the result is bool (a comparison).
  static const std::map<std::string, std::pair<BinaryFunction, bool>> ops = {
      {"Add", {[](double a, double b, DataType) { return a + b; }, false}},
      {"Sub", {[](double a, double b, DataType) { return a - b; }, false}},
      {"Mul", {[](double a, double b, DataType) { return a * b; }, false}},
      {"Div",
       {[](double a, double b, DataType t) {
          return t == DataType::kInt64 ? std::trunc(a / b) : a / b;
        },
        false}},
      {"Pow", {[](double a, double b, DataType) { return std::pow(a, b); }, false}},
      {"Equal", {[](double a, double b, DataType) { return double(a == b); }, true}},
      {"Less", {[](double a, double b, DataType) { return double(a < b); }, true}},
      {"LessOrEqual", {[](double a, double b, DataType) { return double(a <= b); }, true}},
      {"Greater", {[](double a, double b, DataType) { return double(a > b); }, true}},
      {"GreaterOrEqual", {[](double a, double b, DataType) { return double(a >= b); }, true}},
      // PRelu: x, slope.
      {"PRelu", {[](double x, double slope, DataType) { return x >= 0 ? x : slope * x; }, false}},
  };
  return ops;
}

std::vector<OutputInfo> InferBinary(const Node& node, std::span<const Operand> inputs) {
  node.CheckAttributes({});
  CheckOperandCount(node, inputs, 2, 2);
  if (inputs[0].type != inputs[1].type && node.op_type != "Pow") {
    throw FrontendError(fmt::format("{}: operand types {} and {} differ", node.Describe(),
                                    ToString(inputs[0].type), ToString(inputs[1].type)));
  }
  const bool comparison = BinaryOps().at(node.op_type).second;
  return {{comparison ? DataType::kBool : inputs[0].type,
           BroadcastShapes(*inputs[0].shape, *inputs[1].shape, node.Describe())}};
}

// out[i] = f(a[i], b[i]) after broadcasting both to out_shape.
Tensor Broadcast2(const Tensor& a, const Tensor& b, const Shape& out_shape, DataType out_type,
                  const std::function<double(double, double)>& f) {
  const std::vector<int64_t> ia = BroadcastIndices(a.shape, out_shape);
  const std::vector<int64_t> ib = BroadcastIndices(b.shape, out_shape);
  Tensor out = Tensor::Zeros(out_type, out_shape);
  for (size_t i = 0; i < out.values.size(); ++i) {
    out.values[i] = RoundToType(out_type, f(a.values[ia[i]], b.values[ib[i]]));
  }
  return out;
}

std::vector<Tensor> EvaluateBinary(const Node& node, std::span<const Tensor* const> inputs) {
  const auto [f, comparison] = BinaryOps().at(node.op_type);
  const DataType type = inputs[0]->type;
  const Shape shape = BroadcastShapes(inputs[0]->shape, inputs[1]->shape, node.Describe());
  return {Broadcast2(*inputs[0], *inputs[1], shape, comparison ? DataType::kBool : type,
                     [f, type](double a, double b) { return f(a, b, type); })};
}

// Sum, Mean, Max, Min: any number of operands, broadcast together.
std::vector<OutputInfo> InferVariadic(const Node& node, std::span<const Operand> inputs) {
  node.CheckAttributes({});
  CheckOperandCount(node, inputs, 1, 1 << 20);
  Shape shape = *inputs[0].shape;
  for (const Operand& input : inputs.subspan(1)) {
    if (input.type != inputs[0].type) {
      throw FrontendError(fmt::format("{}: operand types differ", node.Describe()));
    }
    shape = BroadcastShapes(shape, *input.shape, node.Describe());
  }
  return {{inputs[0].type, shape}};
}

std::vector<Tensor> EvaluateVariadic(const Node& node, std::span<const Tensor* const> inputs) {
  std::function<double(double, double)> f;
  if (node.op_type == "Max") {
    f = [](double a, double b) { return std::max(a, b); };
  } else if (node.op_type == "Min") {
    f = [](double a, double b) { return std::min(a, b); };
  } else {
    f = [](double a, double b) { return a + b; };
  }
  Tensor acc = *inputs[0];
  for (const Tensor* input : inputs.subspan(1)) {
    acc = Broadcast2(acc, *input, BroadcastShapes(acc.shape, input->shape, node.Describe()),
                     acc.type, f);
  }
  if (node.op_type == "Mean") {
    for (double& x : acc.values) x = RoundToType(acc.type, x / inputs.size());
  }
  return {acc};
}

}  // namespace

std::pair<double, double> ClipBounds(const Node& node, std::span<const Operand> inputs) {
  double lo = node.Float("min", -INFINITY), hi = node.Float("max", INFINITY);
  for (size_t i = 1; i < 3 && i < inputs.size(); ++i) {
    if (!inputs[i].present()) continue;
    if (!inputs[i].constant) {
      throw FrontendError(
          fmt::format("{}: bound operand {} must be a constant", node.Describe(), i));
    }
    (i == 1 ? lo : hi) = inputs[i].constant->values.at(0);
  }
  return {lo, hi};
}

namespace {

std::vector<OutputInfo> InferClip(const Node& node, std::span<const Operand> inputs) {
  node.CheckAttributes({"min", "max"});
  CheckOperandCount(node, inputs, 1, 3);
  ClipBounds(node, inputs);
  return {{inputs[0].type, *inputs[0].shape}};
}

std::vector<Tensor> EvaluateClip(const Node& node, std::span<const Tensor* const> inputs) {
  const std::vector<Operand> operands = OperandsOf(inputs);
  const auto [lo, hi] = ClipBounds(node, operands);
  Tensor out = *inputs[0];
  for (double& x : out.values) x = std::min(std::max(x, lo), hi);
  return {out};
}

std::vector<OutputInfo> InferWhere(const Node& node, std::span<const Operand> inputs) {
  node.CheckAttributes({});
  CheckOperandCount(node, inputs, 3, 3);
  const Shape shape =
      BroadcastShapes(BroadcastShapes(*inputs[0].shape, *inputs[1].shape, node.Describe()),
                      *inputs[2].shape, node.Describe());
  return {{inputs[1].type, shape}};
}

std::vector<Tensor> EvaluateWhere(const Node& node, std::span<const Tensor* const> inputs) {
  const Shape shape = InferWhere(node, OperandsOf(inputs))[0].shape;
  const std::vector<int64_t> ic = BroadcastIndices(inputs[0]->shape, shape);
  const std::vector<int64_t> ia = BroadcastIndices(inputs[1]->shape, shape);
  const std::vector<int64_t> ib = BroadcastIndices(inputs[2]->shape, shape);
  Tensor out = Tensor::Zeros(inputs[1]->type, shape);
  for (size_t i = 0; i < out.values.size(); ++i) {
    out.values[i] =
        inputs[0]->values[ic[i]] != 0 ? inputs[1]->values[ia[i]] : inputs[2]->values[ib[i]];
  }
  return {out};
}

// Cast between the supported types (ONNX TensorProto type codes).
DataType CastTarget(const Node& node) {
  switch (node.Int("to", 0)) {
    case 1:
      return DataType::kFloat;
    case 7:
      return DataType::kInt64;
    case 9:
      return DataType::kBool;
    default:
      throw FrontendError(
          fmt::format("{}: cast to type {} is not supported", node.Describe(), node.Int("to", 0)));
  }
}

std::vector<OutputInfo> InferCast(const Node& node, std::span<const Operand> inputs) {
  node.CheckAttributes({"to"});
  CheckOperandCount(node, inputs, 1, 1);
  return {{CastTarget(node), *inputs[0].shape}};
}

std::vector<Tensor> EvaluateCast(const Node& node, std::span<const Tensor* const> inputs) {
  Tensor out = *inputs[0];
  out.type = CastTarget(node);
  for (double& x : out.values) {
    if (out.type == DataType::kInt64) x = std::trunc(x);
    if (out.type == DataType::kBool) x = x != 0;
    x = RoundToType(out.type, x);
  }
  return {out};
}

}  // namespace

bool IsUnaryFunctionOp(const std::string& op_type) {
  return PlainUnaryOps().count(op_type) != 0 || ParameterizedUnaryOps().count(op_type) != 0;
}

void RegisterElementwiseOps() {
  for (const auto& [type, f] : PlainUnaryOps()) RegisterOp(type, {InferUnary, EvaluateUnary});
  for (const auto& [type, entry] : ParameterizedUnaryOps()) {
    RegisterOp(type, {InferUnary, EvaluateUnary});
  }
  for (const auto& [type, entry] : BinaryOps()) RegisterOp(type, {InferBinary, EvaluateBinary});
  for (const char* type : {"Sum", "Mean", "Max", "Min"}) {
    RegisterOp(type, {InferVariadic, EvaluateVariadic});
  }
  RegisterOp("Dropout", {InferDropout, EvaluateDropout});
  RegisterOp("Clip", {InferClip, EvaluateClip});
  RegisterOp("Where", {InferWhere, EvaluateWhere});
  RegisterOp("Cast", {InferCast, EvaluateCast});
}

}  // namespace tensorstark::frontend
