// Pooling: MaxPool, AveragePool and their global forms, over any number of spatial dimensions.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "frontend/frontend_error.h"
#include "frontend/ops.h"
#include "frontend/reduction_windows.h"
#include "frontend/windows.h"

namespace tensorstark::frontend {
namespace {

bool IsGlobal(const Node& node) { return node.op_type.rfind("Global", 0) == 0; }
bool IsMax(const Node& node) { return node.op_type.find("Max") != std::string::npos; }

Windows PoolWindows(const Node& node, const Shape& x) {
  if (x.size() < 3) {
    throw FrontendError(
        fmt::format("{}: input {} must be N×C×spatial", node.Describe(), ShapeToString(x)));
  }
  const Shape spatial(x.begin() + 2, x.end());
  if (IsGlobal(node)) return WindowsOf(node, spatial, spatial, false);
  if (!node.Has("kernel_shape")) {
    throw FrontendError(fmt::format("{}: attribute 'kernel_shape' is missing", node.Describe()));
  }
  return WindowsOf(node, spatial, {}, /*allow_ceil_mode=*/true);
}

std::vector<OutputInfo> InferPool(const Node& node, std::span<const Operand> inputs) {
  if (IsGlobal(node)) {
    node.CheckAttributes({});
  } else if (IsMax(node)) {
    node.CheckAttributes(
        {"auto_pad", "ceil_mode", "dilations", "kernel_shape", "pads", "storage_order", "strides"});
  } else {
    node.CheckAttributes(
        {"auto_pad", "ceil_mode", "count_include_pad", "kernel_shape", "pads", "strides"});
  }
  CheckOperandCount(node, inputs, 1, 1);
  if (node.Int("count_include_pad", 0) != 0 && node.Int("ceil_mode", 0) != 0) {
    // The divisor of a window that overhangs the padding is not the kernel size then.
    throw FrontendError(
        fmt::format("{}: count_include_pad with ceil_mode is not supported", node.Describe()));
  }
  if (node.outputs.size() > 1) {
    throw FrontendError(fmt::format("{}: the Indices output is not supported", node.Describe()));
  }
  const Windows w = PoolWindows(node, *inputs[0].shape);
  Shape out = {(*inputs[0].shape)[0], (*inputs[0].shape)[1]};
  out.insert(out.end(), w.out.begin(), w.out.end());
  return {{inputs[0].type, out}};
}

std::vector<Tensor> EvaluatePool(const Node& node, std::span<const Tensor* const> inputs) {
  const Tensor& x = *inputs[0];
  const Windows w = PoolWindows(node, x.shape);
  const bool max = IsMax(node), include_pad = node.Int("count_include_pad", 0) != 0;
  Shape out_shape = {x.shape[0], x.shape[1]};
  out_shape.insert(out_shape.end(), w.out.begin(), w.out.end());
  Tensor out = Tensor::Zeros(x.type, out_shape);
  const int64_t planes = x.shape[0] * x.shape[1], in_size = NumElements(w.in);
  if (!x.is_float()) {  // MaxPool of integers (the only pool that takes them), exactly
    for (int64_t p = 0; p < planes; ++p) {
      for (int64_t o = 0; o < w.out_size(); ++o) {
        int64_t acc = INT64_MIN;
        for (int64_t k = 0; k < w.kernel_size(); ++k) {
          const int64_t i = w.InputIndex(o, k);
          if (i >= 0) acc = std::max(acc, x.ints[p * in_size + i]);
        }
        out.ints[p * w.out_size() + o] = acc;
      }
    }
    return {out};
  }
  for (int64_t p = 0; p < planes; ++p) {
    for (int64_t o = 0; o < w.out_size(); ++o) {
      double acc = max ? -INFINITY : 0.0;
      for (int64_t k = 0; k < w.kernel_size(); ++k) {
        const int64_t i = w.InputIndex(o, k);
        if (i < 0) continue;
        const double v = x.values[p * in_size + i];
        acc = max ? std::max(acc, v) : acc + v;
      }
      if (!max) {
        acc /= include_pad ? static_cast<double>(w.kernel_size()) : w.InsideCount(o);
      }
      out.values[p * w.out_size() + o] = static_cast<float>(acc);
    }
  }
  return {out};
}

}  // namespace

ReductionWindows PoolWindowsOf(const Node& node, const Shape& x) {
  const Windows w = PoolWindows(node, x);
  const bool max = IsMax(node), include_pad = node.Int("count_include_pad", 0) != 0;
  const int64_t planes = x[0] * x[1], in_size = NumElements(w.in);
  ReductionWindows r;
  r.window = w.kernel_size();
  for (int64_t p = 0; p < planes; ++p) {
    for (int64_t o = 0; o < w.out_size(); ++o) {
      for (int64_t k = 0; k < w.kernel_size(); ++k) {
        const int64_t i = w.InputIndex(o, k);
        r.in_index.push_back(i < 0 ? -1 : p * in_size + i);
      }
      r.divisor.push_back(max ? 1 : include_pad ? w.kernel_size() : w.InsideCount(o));
    }
  }
  return r;
}

void RegisterPoolOps() {
  for (const char* type : {"MaxPool", "AveragePool", "GlobalMaxPool", "GlobalAveragePool"}) {
    RegisterOp(type, {InferPool, EvaluatePool, type == std::string("MaxPool") ? 0 : kAllOperands});
  }
}

}  // namespace tensorstark::frontend
