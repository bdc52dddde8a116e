// Reductions over axes (ReduceSum, ReduceMean, ReduceMax, ReduceMin), ArgMax/ArgMin, and
// Softmax/LogSoftmax.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "frontend/frontend_error.h"
#include "frontend/ops.h"
#include "frontend/reduction_windows.h"

namespace tensorstark::frontend {
namespace {

// The reduced axes: from the attribute, or from the optional second operand (ReduceSum from
// opset 13, the others from 18). No axes reduce all, unless noop_with_empty_axes.
std::set<int64_t> ReduceAxes(const Node& node, std::span<const Operand> inputs) {
  std::vector<int64_t> axes = node.Ints("axes", {});
  if (inputs.size() > 1 && inputs[1].present()) axes = ConstantInts(node, inputs, 1);
  const int64_t rank = static_cast<int64_t>(inputs[0].shape->size());
  std::set<int64_t> result;
  for (int64_t axis : axes) result.insert(NormalizeAxis(axis, rank, node.Describe()));
  if (axes.empty() && node.Int("noop_with_empty_axes", 0) == 0) {
    for (int64_t d = 0; d < rank; ++d) result.insert(d);
  }
  return result;
}

Shape ReducedShape(const Shape& shape, const std::set<int64_t>& axes, bool keepdims) {
  Shape out;
  for (int64_t d = 0; d < static_cast<int64_t>(shape.size()); ++d) {
    if (!axes.count(d)) {
      out.push_back(shape[d]);
    } else if (keepdims) {
      out.push_back(1);
    }
  }
  return out;
}

// For each input element, the flat index of the output element it reduces into.
std::vector<int64_t> ReduceTargets(const Shape& shape, const std::set<int64_t>& axes) {
  const Shape kept = ReducedShape(shape, axes, /*keepdims=*/true);
  const std::vector<int64_t> kept_strides = Strides(kept);
  std::vector<int64_t> targets(NumElements(shape));
  std::vector<int64_t> coord(shape.size(), 0);
  for (int64_t& target : targets) {
    target = 0;
    for (size_t d = 0; d < shape.size(); ++d) {
      if (!axes.count(static_cast<int64_t>(d))) target += coord[d] * kept_strides[d];
    }
    for (size_t d = shape.size(); d-- > 0;) {
      if (++coord[d] < shape[d]) break;
      coord[d] = 0;
    }
  }
  return targets;
}

std::vector<OutputInfo> InferReduce(const Node& node, std::span<const Operand> inputs) {
  node.CheckAttributes({"axes", "keepdims", "noop_with_empty_axes"});
  CheckOperandCount(node, inputs, 1, 2);
  const std::set<int64_t> axes = ReduceAxes(node, inputs);
  for (int64_t axis : axes) {
    if ((*inputs[0].shape)[axis] == 0) {
      throw FrontendError(fmt::format("{}: reduces an empty axis", node.Describe()));
    }
  }
  return {{inputs[0].type, ReducedShape(*inputs[0].shape, axes, node.Int("keepdims", 1) != 0)}};
}

std::vector<Tensor> EvaluateReduce(const Node& node, std::span<const Tensor* const> inputs) {
  const std::vector<Operand> operands = OperandsOf(inputs);
  const Tensor& x = *inputs[0];
  const std::set<int64_t> axes = ReduceAxes(node, operands);
  const std::vector<int64_t> targets = ReduceTargets(x.shape, axes);
  Tensor out = Tensor::Zeros(x.type, ReducedShape(x.shape, axes, node.Int("keepdims", 1) != 0));
  const bool max = node.op_type == "ReduceMax", min = node.op_type == "ReduceMin";
  if (max || min) std::fill(out.values.begin(), out.values.end(), max ? -INFINITY : INFINITY);
  for (size_t i = 0; i < x.values.size(); ++i) {
    double& acc = out.values[targets[i]];
    acc = max ? std::max(acc, x.values[i]) : min ? std::min(acc, x.values[i]) : acc + x.values[i];
  }
  if (node.op_type == "ReduceMean" && out.size() > 0) {
    const double count = static_cast<double>(x.size() / out.size());
    for (double& v : out.values) v /= count;
  }
  for (double& v : out.values) {
    if (out.type == DataType::kFloat) v = static_cast<float>(v);
  }
  return {out};
}

std::vector<OutputInfo> InferArg(const Node& node, std::span<const Operand> inputs) {
  node.CheckAttributes({"axis", "keepdims", "select_last_index"});
  CheckOperandCount(node, inputs, 1, 1);
  const int64_t axis = NormalizeAxis(
      node.Int("axis", 0), static_cast<int64_t>(inputs[0].shape->size()), node.Describe());
  return {{DataType::kInt64, ReducedShape(*inputs[0].shape, {axis}, node.Int("keepdims", 1) != 0)}};
}

std::vector<Tensor> EvaluateArg(const Node& node, std::span<const Tensor* const> inputs) {
  const Tensor& x = *inputs[0];
  const int64_t axis = NormalizeAxis(node.Int("axis", 0), x.rank(), node.Describe());
  const bool max = node.op_type == "ArgMax", last = node.Int("select_last_index", 0) != 0;
  Tensor out =
      Tensor::Zeros(DataType::kInt64, ReducedShape(x.shape, {axis}, node.Int("keepdims", 1) != 0));
  const int64_t n = x.shape[axis], inner = Strides(x.shape)[axis];
  for (int64_t o = 0; o < out.size(); ++o) {
    const int64_t base = (o / inner) * n * inner + o % inner;
    int64_t best = 0;
    for (int64_t i = 1; i < n; ++i) {
      const double v = x.values[base + i * inner], b = x.values[base + best * inner];
      if (max ? (v > b || (last && v == b)) : (v < b || (last && v == b))) best = i;
    }
    out.ints[o] = best;
  }
  return {out};
}

std::vector<OutputInfo> InferSoftmax(const Node& node, std::span<const Operand> inputs) {
  node.CheckAttributes({"axis"});
  CheckOperandCount(node, inputs, 1, 1);
  NormalizeAxis(node.Int("axis", node.opset < 13 ? 1 : -1),
                static_cast<int64_t>(inputs[0].shape->size()), node.Describe());
  return {{inputs[0].type, *inputs[0].shape}};
}

// Before opset 13 the input is seen as a matrix whose rows are everything from axis on; from 13
// the softmax runs along the one axis.
std::vector<Tensor> EvaluateSoftmax(const Node& node, std::span<const Tensor* const> inputs) {
  const Tensor& x = *inputs[0];
  const int64_t axis =
      NormalizeAxis(node.Int("axis", node.opset < 13 ? 1 : -1), x.rank(), node.Describe());
  int64_t n = x.shape.empty() ? 1 : x.shape[axis];
  int64_t inner = x.shape.empty() ? 1 : Strides(x.shape)[axis];
  if (node.opset < 13) {
    n *= inner;
    inner = 1;
  }
  const bool log = node.op_type == "LogSoftmax";
  Tensor out = x;
  for (int64_t o = 0; o < x.size() / n; ++o) {
    const int64_t base = (o / inner) * n * inner + o % inner;
    double max = -INFINITY, sum = 0;
    for (int64_t i = 0; i < n; ++i) max = std::max(max, x.values[base + i * inner]);
    for (int64_t i = 0; i < n; ++i) sum += std::exp(x.values[base + i * inner] - max);
    for (int64_t i = 0; i < n; ++i) {
      const double shifted = x.values[base + i * inner] - max;
      out.values[base + i * inner] =
          static_cast<float>(log ? shifted - std::log(sum) : std::exp(shifted) / sum);
    }
  }
  return {out};
}

}  // namespace

ReductionWindows AxisWindowsOf(const Node& node, std::span<const Operand> inputs) {
  const Shape& x = *inputs[0].shape;
  const bool arg = node.op_type == "ArgMax";
  const std::set<int64_t> axes =
      arg ? std::set<int64_t>{NormalizeAxis(node.Int("axis", 0), static_cast<int64_t>(x.size()),
                                            node.Describe())}
          : ReduceAxes(node, inputs);
  const std::vector<int64_t> targets = ReduceTargets(x, axes);
  const int64_t outputs = NumElements(ReducedShape(x, axes, true));
  ReductionWindows r;
  r.window = outputs == 0 ? 0 : NumElements(x) / outputs;
  r.in_index.resize(outputs * r.window);
  std::vector<int64_t> filled(outputs, 0);
  // Inputs in increasing order reach each window in increasing order along the axes.
  for (int64_t i = 0; i < NumElements(x); ++i) {
    r.in_index[targets[i] * r.window + filled[targets[i]]++] = i;
  }
  r.divisor.assign(outputs, node.op_type == "ReduceMean" ? r.window : 1);
  return r;
}

void RegisterReduceOps() {
  for (const char* type : {"ReduceSum", "ReduceMean", "ReduceMax", "ReduceMin"}) {
    RegisterOp(type, {InferReduce, EvaluateReduce, 1});
  }
  RegisterOp("ArgMax", {InferArg, EvaluateArg, kAllOperands});
  RegisterOp("ArgMin", {InferArg, EvaluateArg, kAllOperands});
  RegisterOp("Softmax", {InferSoftmax, EvaluateSoftmax, kAllOperands});
  RegisterOp("LogSoftmax", {InferSoftmax, EvaluateSoftmax, kAllOperands});
}

}  // namespace tensorstark::frontend
