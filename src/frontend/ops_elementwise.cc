// Elementwise operators: unary functions, binary arithmetic and comparisons with broadcasting,
// variadic Sum/Mean/Max/Min, Clip, Where and Cast.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <optional>

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

// The unary ops that take integers too, exactly (nullopt: the result overflows int64).
const std::map<std::string, std::optional<int64_t> (*)(int64_t)>& IntegerUnaryOps() {
  static const std::map<std::string, std::optional<int64_t> (*)(int64_t)> ops = {
      {"Abs", [](int64_t x) { return x == INT64_MIN ? std::nullopt : std::optional(std::abs(x)); }},
      {"Neg", [](int64_t x) { return x == INT64_MIN ? std::nullopt : std::optional(-x); }},
      {"Relu", [](int64_t x) { return std::optional(std::max<int64_t>(x, 0)); }},
      {"Sign", [](int64_t x) { return std::optional<int64_t>((x > 0) - (x < 0)); }},
      {"Identity", [](int64_t x) { return std::optional(x); }},
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
double RoundToFloat(double x) { return static_cast<float>(x); }

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
  Tensor out = *inputs[0];
  if (!out.is_float()) {
    const auto f = IntegerUnaryOps().at(node.op_type);
    for (int64_t& x : out.ints) {
      const std::optional<int64_t> y = f(x);
      if (!y) throw FrontendError(fmt::format("{}: {} overflows int64", node.Describe(), x));
      x = *y;
    }
    return {out};
  }
  auto it = ParameterizedUnaryOps().find(node.op_type);
  const UnaryFunction f = it != ParameterizedUnaryOps().end()
                              ? it->second.make(node)
                              : UnaryFunction(PlainUnaryOps().at(node.op_type));
  for (double& x : out.values) x = RoundToFloat(f(x));
  return {out};
}

// Dropout at inference is the identity (its optional mask output is all ones).
std::vector<OutputInfo> InferDropout(const Node& node, std::span<const Operand> inputs) {
  node.CheckAttributes({"seed", "ratio", "is_test"});
  CheckOperandCount(node, inputs, 1, 3);
  if (inputs.size() > 2 && inputs[2].present() &&
      (!inputs[2].constant || inputs[2].constant->AsDoubles().at(0) != 0)) {
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
    std::fill(mask.ints.begin(), mask.ints.end(), 1);
    outputs.push_back(mask);
  }
  return outputs;
}

// A binary elementwise operator: its float function, and its exact integer one where the
// operator takes int64 operands (nullopt for an overflow or a division by zero: refused, never
// wrapped).
struct BinaryOp {
  double (*on_floats)(double, double);
  std::optional<int64_t> (*on_ints)(int64_t, int64_t);  // null: float operands only
  bool comparison = false;                              // the result is bool
};

std::optional<int64_t> CheckedAdd(int64_t a, int64_t b) {
  int64_t r;
  return __builtin_add_overflow(a, b, &r) ? std::nullopt : std::optional(r);
}

std::optional<int64_t> CheckedSub(int64_t a, int64_t b) {
  int64_t r;
  return __builtin_sub_overflow(a, b, &r) ? std::nullopt : std::optional(r);
}

std::optional<int64_t> CheckedMul(int64_t a, int64_t b) {
  int64_t r;
  return __builtin_mul_overflow(a, b, &r) ? std::nullopt : std::optional(r);
}

// Integer Div truncates toward zero, as ONNX runtimes do.
std::optional<int64_t> CheckedDiv(int64_t a, int64_t b) {
  if (b == 0 || (a == INT64_MIN && b == -1)) return std::nullopt;
  return a / b;
}

// a^n exactly; a negative n truncates 1 / a^|n| toward zero.
std::optional<int64_t> CheckedPow(int64_t a, int64_t n) {
  if (n < 0) {
    if (a == 0) return std::nullopt;
    return a == 1 ? 1 : a == -1 ? (n % 2 ? -1 : 1) : 0;
  }
  int64_t result = 1;
  for (; n > 0; n >>= 1) {  // square and multiply
    if ((n & 1) && __builtin_mul_overflow(result, a, &result)) return std::nullopt;
    if (n > 1 && __builtin_mul_overflow(a, a, &a)) return std::nullopt;
  }
  return result;
}

// An integer base to a float exponent, truncated as a cast to the base's type would; the base
// must be exact as a double (|a| <= 2^53).
std::optional<int64_t> PowByFloat(int64_t a, double y) {
  if (a < -kExactIntegerDoubles || a > kExactIntegerDoubles) return std::nullopt;
  const double r = std::pow(static_cast<double>(a), y);
  if (!(r >= -0x1p63 && r < 0x1p63)) return std::nullopt;
  return static_cast<int64_t>(std::trunc(r));
}

template <class Compare>
BinaryOp Comparison() {
  return {[](double a, double b) { return double(Compare()(a, b)); },
          [](int64_t a, int64_t b) { return std::optional<int64_t>(Compare()(a, b)); }, true};
}

const std::map<std::string, BinaryOp>& BinaryOps() {
  static const std::map<std::string, BinaryOp> ops = {
      {"Add", {[](double a, double b) { return a + b; }, CheckedAdd}},
      {"Sub", {[](double a, double b) { return a - b; }, CheckedSub}},
      {"Mul", {[](double a, double b) { return a * b; }, CheckedMul}},
      {"Div", {[](double a, double b) { return a / b; }, CheckedDiv}},
      // The exponent's type may differ from the base's.
      {"Pow", {[](double a, double b) { return std::pow(a, b); }, CheckedPow}},
      {"Equal", Comparison<std::equal_to<>>()},
      {"Less", Comparison<std::less<>>()},
      {"LessOrEqual", Comparison<std::less_equal<>>()},
      {"Greater", Comparison<std::greater<>>()},
      {"GreaterOrEqual", Comparison<std::greater_equal<>>()},
      // PRelu: x, slope.
      {"PRelu", {[](double x, double slope) { return x >= 0 ? x : slope * x; }, nullptr}},
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
  return {{BinaryOps().at(node.op_type).comparison ? DataType::kBool : inputs[0].type,
           BroadcastShapes(*inputs[0].shape, *inputs[1].shape, node.Describe())}};
}

// op(a, b) element by element after broadcasting. The operands have one type, integer only when
// op has an integer function, except Pow's exponent: read as doubles under a float base, and
// through PowByFloat under an integer base.
Tensor ApplyBinary(const Node& node, const BinaryOp& op, const Tensor& a, const Tensor& b) {
  const Shape shape = BroadcastShapes(a.shape, b.shape, node.Describe());
  const std::vector<int64_t> ia = BroadcastIndices(a.shape, shape);
  const std::vector<int64_t> ib = BroadcastIndices(b.shape, shape);
  Tensor out = Tensor::Zeros(op.comparison ? DataType::kBool : a.type, shape);
  if (a.is_float()) {
    const std::vector<double> b_values = b.AsDoubles();
    for (size_t i = 0; i < ia.size(); ++i) {
      const double r = op.on_floats(a.values[ia[i]], b_values[ib[i]]);
      if (op.comparison) {
        out.ints[i] = r != 0;
      } else {
        out.values[i] = RoundToFloat(r);
      }
    }
    return out;
  }
  const std::vector<double> b_values = b.AsDoubles();  // for the message, and PowByFloat
  for (size_t i = 0; i < ia.size(); ++i) {
    const int64_t x = a.ints[ia[i]];
    const std::optional<int64_t> r =
        b.is_float() ? PowByFloat(x, b.values[ib[i]]) : op.on_ints(x, b.ints[ib[i]]);
    if (!r) {
      throw FrontendError(
          fmt::format("{}: {} {} {} has no int64 result (an overflow or a "
                      "division by zero)",
                      node.Describe(), x, node.op_type, b_values[ib[i]]));
    }
    out.ints[i] = *r;
  }
  return out;
}

std::vector<Tensor> EvaluateBinary(const Node& node, std::span<const Tensor* const> inputs) {
  return {ApplyBinary(node, BinaryOps().at(node.op_type), *inputs[0], *inputs[1])};
}

// Not, And, Or, Xor: booleans in, a boolean out.
const std::map<std::string, BinaryOp>& LogicalOps() {
  static const std::map<std::string, BinaryOp> ops = {
      {"And", {nullptr, [](int64_t a, int64_t b) { return std::optional<int64_t>(a & b); }}},
      {"Or", {nullptr, [](int64_t a, int64_t b) { return std::optional<int64_t>(a | b); }}},
      {"Xor", {nullptr, [](int64_t a, int64_t b) { return std::optional<int64_t>(a ^ b); }}},
  };
  return ops;
}

std::vector<OutputInfo> InferLogical(const Node& node, std::span<const Operand> inputs) {
  node.CheckAttributes({});
  const size_t arity = node.op_type == "Not" ? 1 : 2;
  CheckOperandCount(node, inputs, arity, arity);
  for (const Operand& operand : inputs) {
    if (operand.type != DataType::kBool) {
      throw FrontendError(
          fmt::format("{}: takes bool operands, not {}", node.Describe(), ToString(operand.type)));
    }
  }
  return {{DataType::kBool,
           arity == 1 ? *inputs[0].shape
                      : BroadcastShapes(*inputs[0].shape, *inputs[1].shape, node.Describe())}};
}

std::vector<Tensor> EvaluateLogical(const Node& node, std::span<const Tensor* const> inputs) {
  if (node.op_type == "Not") {
    Tensor out = *inputs[0];
    for (int64_t& x : out.ints) x = !x;
    return {out};
  }
  return {ApplyBinary(node, LogicalOps().at(node.op_type), *inputs[0], *inputs[1])};
}

// Sum, Mean, Max, Min: any number of operands, broadcast together. Mean takes floats only.
const BinaryOp& VariadicStep(const std::string& op_type) {
  static const BinaryOp max = {[](double a, double b) { return std::max(a, b); },
                               [](int64_t a, int64_t b) { return std::optional(std::max(a, b)); }};
  static const BinaryOp min = {[](double a, double b) { return std::min(a, b); },
                               [](int64_t a, int64_t b) { return std::optional(std::min(a, b)); }};
  if (op_type == "Max") return max;
  if (op_type == "Min") return min;
  return BinaryOps().at("Add");
}

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
  const BinaryOp& step = VariadicStep(node.op_type);
  Tensor acc = *inputs[0];
  for (const Tensor* input : inputs.subspan(1)) acc = ApplyBinary(node, step, acc, *input);
  if (node.op_type == "Mean") {
    for (double& x : acc.values) x = RoundToFloat(x / inputs.size());
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
    if (inputs[i].type != inputs[0].type) {
      throw FrontendError(fmt::format("{}: bound operand {} is {}, the input {}", node.Describe(),
                                      i, ToString(inputs[i].type), ToString(inputs[0].type)));
    }
    (i == 1 ? lo : hi) = inputs[i].constant->AsDoubles().at(0);
  }
  return {lo, hi};
}

namespace {

std::vector<OutputInfo> InferClip(const Node& node, std::span<const Operand> inputs) {
  node.CheckAttributes({"min", "max"});
  CheckOperandCount(node, inputs, 1, 3);
  if (inputs[0].type != DataType::kFloat && node.opset < 12) {
    throw FrontendError(fmt::format("{}: integer inputs need opset 12", node.Describe()));
  }
  ClipBounds(node, inputs);
  return {{inputs[0].type, *inputs[0].shape}};
}

std::vector<Tensor> EvaluateClip(const Node& node, std::span<const Tensor* const> inputs) {
  Tensor out = *inputs[0];
  if (!out.is_float()) {  // integer bounds are operands (opset 12 on), read exactly
    const Tensor* lo = inputs.size() > 1 ? inputs[1] : nullptr;
    const Tensor* hi = inputs.size() > 2 ? inputs[2] : nullptr;
    for (int64_t& x : out.ints) {
      if (lo) x = std::max(x, lo->ints.at(0));
      if (hi) x = std::min(x, hi->ints.at(0));
    }
    return {out};
  }
  const auto [lo, hi] = ClipBounds(node, OperandsOf(inputs));
  for (double& x : out.values) x = std::min(std::max(x, lo), hi);
  return {out};
}

std::vector<OutputInfo> InferWhere(const Node& node, std::span<const Operand> inputs) {
  node.CheckAttributes({});
  CheckOperandCount(node, inputs, 3, 3);
  if (inputs[0].type != DataType::kBool || inputs[1].type != inputs[2].type) {
    throw FrontendError(fmt::format("{}: operand types {}, {}, {} (expects bool, T, T)",
                                    node.Describe(), ToString(inputs[0].type),
                                    ToString(inputs[1].type), ToString(inputs[2].type)));
  }
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
  const Tensor &condition = *inputs[0], &x = *inputs[1], &y = *inputs[2];
  Tensor out = Tensor::Zeros(x.type, shape);
  for (size_t i = 0; i < ic.size(); ++i) {
    if (x.is_float()) {
      out.values[i] = condition.ints[ic[i]] ? x.values[ia[i]] : y.values[ib[i]];
    } else {
      out.ints[i] = condition.ints[ic[i]] ? x.ints[ia[i]] : y.ints[ib[i]];
    }
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

// Float to int64 truncates, and refuses NaN and values outside int64's range (which ONNX leaves
// undefined); int64 to float rounds to the nearest float32.
std::vector<Tensor> EvaluateCast(const Node& node, std::span<const Tensor* const> inputs) {
  const Tensor& in = *inputs[0];
  Tensor out = Tensor::Zeros(CastTarget(node), in.shape);
  for (int64_t i = 0; i < in.size(); ++i) {
    if (!in.is_float()) {
      const int64_t v = in.ints[i];
      if (out.is_float()) {
        out.values[i] = static_cast<float>(v);
      } else {
        out.ints[i] = out.type == DataType::kBool ? v != 0 : v;
      }
      continue;
    }
    const double x = in.values[i];
    if (out.is_float()) {
      out.values[i] = x;
    } else if (out.type == DataType::kBool) {
      out.ints[i] = x != 0;
    } else if (x >= -0x1p63 && x < 0x1p63) {  // false for NaN
      out.ints[i] = static_cast<int64_t>(std::trunc(x));
    } else {
      throw FrontendError(
          fmt::format("{}: element {} ({}) is outside int64's range", node.Describe(), i, x));
    }
  }
  return {out};
}

}  // namespace

bool IsComparison(const std::string& op_type) {
  return op_type == "Equal" || op_type == "Less" || op_type == "LessOrEqual" ||
         op_type == "Greater" || op_type == "GreaterOrEqual";
}

bool IsUnaryFunctionOp(const std::string& op_type) {
  return PlainUnaryOps().count(op_type) != 0 || ParameterizedUnaryOps().count(op_type) != 0;
}

void RegisterElementwiseOps() {
  for (const auto& [type, f] : PlainUnaryOps()) {
    const bool integers = IntegerUnaryOps().count(type) != 0;
    RegisterOp(type, {InferUnary, EvaluateUnary, integers ? 0 : kAllOperands});
  }
  for (const auto& [type, entry] : ParameterizedUnaryOps()) {
    RegisterOp(type, {InferUnary, EvaluateUnary, kAllOperands});
  }
  for (const auto& [type, op] : BinaryOps()) {
    RegisterOp(type, {InferBinary, EvaluateBinary, op.on_ints ? 0 : kAllOperands});
  }
  for (const char* type : {"Sum", "Max", "Min"}) {
    RegisterOp(type, {InferVariadic, EvaluateVariadic});
  }
  RegisterOp("Mean", {InferVariadic, EvaluateVariadic, kAllOperands});
  RegisterOp("Dropout", {InferDropout, EvaluateDropout, 1});
  RegisterOp("Clip", {InferClip, EvaluateClip});
  RegisterOp("Where", {InferWhere, EvaluateWhere});
  for (const char* type : {"Not", "And", "Or", "Xor"}) {
    RegisterOp(type, {InferLogical, EvaluateLogical});
  }
  RegisterOp("Cast", {InferCast, EvaluateCast});
}

}  // namespace tensorstark::frontend
