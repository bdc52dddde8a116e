// Linear operators: MatMul (numpy semantics), Gemm and Conv (any number of spatial dimensions,
// groups, strides, dilations, explicit or automatic padding).
#include <fmt/format.h>

#include <algorithm>

#include "frontend/frontend_error.h"
#include "frontend/linear_form.h"
#include "frontend/ops.h"
#include "frontend/windows.h"

namespace tensorstark::frontend {
namespace {

// MatMul's operand shapes after numpy's promotion of 1-D operands, and the output shape.
struct MatMulShapes {
  Shape a, b, out;
};

MatMulShapes MatMulShapesOf(const Node& node, const Shape& a_in, const Shape& b_in) {
  if (a_in.empty() || b_in.empty()) {
    throw FrontendError(fmt::format("{}: operands must have rank at least 1", node.Describe()));
  }
  MatMulShapes s{a_in, b_in, {}};
  if (s.a.size() == 1) s.a.insert(s.a.begin(), 1);
  if (s.b.size() == 1) s.b.push_back(1);
  if (s.a.back() != s.b[s.b.size() - 2]) {
    throw FrontendError(fmt::format("{}: inner dimensions of {} and {} differ", node.Describe(),
                                    ShapeToString(a_in), ShapeToString(b_in)));
  }
  const Shape batch = BroadcastShapes(Shape(s.a.begin(), s.a.end() - 2),
                                      Shape(s.b.begin(), s.b.end() - 2), node.Describe());
  s.out = batch;
  if (a_in.size() > 1) s.out.push_back(s.a[s.a.size() - 2]);
  if (b_in.size() > 1) s.out.push_back(s.b.back());
  return s;
}

std::vector<OutputInfo> InferMatMul(const Node& node, std::span<const Operand> inputs) {
  node.CheckAttributes({});
  CheckOperandCount(node, inputs, 2, 2);
  return {{inputs[0].type, MatMulShapesOf(node, *inputs[0].shape, *inputs[1].shape).out}};
}

std::vector<Tensor> EvaluateMatMul(const Node& node, std::span<const Tensor* const> inputs) {
  const Tensor &a = *inputs[0], &b = *inputs[1];
  const MatMulShapes s = MatMulShapesOf(node, a.shape, b.shape);
  const int64_t m = s.a[s.a.size() - 2], k = s.a.back(), n = s.b.back();
  // Batch broadcasting: the batch index of each operand for each output batch.
  Shape batch(s.out.begin(), s.out.end() - (a.shape.size() > 1) - (b.shape.size() > 1));
  const std::vector<int64_t> ba = BroadcastIndices(Shape(s.a.begin(), s.a.end() - 2), batch);
  const std::vector<int64_t> bb = BroadcastIndices(Shape(s.b.begin(), s.b.end() - 2), batch);
  Tensor out = Tensor::Zeros(a.type, s.out);
  for (size_t t = 0; t < ba.size(); ++t) {
    const double* pa = a.values.data() + ba[t] * m * k;
    const double* pb = b.values.data() + bb[t] * k * n;
    double* po = out.values.data() + t * m * n;
    for (int64_t i = 0; i < m; ++i) {
      for (int64_t j = 0; j < n; ++j) {
        double acc = 0;
        for (int64_t l = 0; l < k; ++l) acc += pa[i * k + l] * pb[l * n + j];
        po[i * n + j] = a.type == DataType::kFloat ? static_cast<float>(acc) : acc;
      }
    }
  }
  return {out};
}

std::vector<OutputInfo> InferGemm(const Node& node, std::span<const Operand> inputs) {
  node.CheckAttributes({"alpha", "beta", "transA", "transB", "broadcast"});
  CheckOperandCount(node, inputs, 2, 3);
  const Shape &a = *inputs[0].shape, &b = *inputs[1].shape;
  if (a.size() != 2 || b.size() != 2) {
    throw FrontendError(fmt::format("{}: operands must be matrices", node.Describe()));
  }
  const bool ta = node.Int("transA", 0), tb = node.Int("transB", 0);
  const int64_t m = ta ? a[1] : a[0], k = ta ? a[0] : a[1];
  const int64_t kb = tb ? b[1] : b[0], n = tb ? b[0] : b[1];
  if (k != kb) {
    throw FrontendError(fmt::format("{}: inner dimensions of {} and {} differ", node.Describe(),
                                    ShapeToString(a), ShapeToString(b)));
  }
  if (inputs.size() > 2 && inputs[2].present()) {
    BroadcastShapes(*inputs[2].shape, {m, n}, node.Describe() + " bias");
  }
  return {{inputs[0].type, {m, n}}};
}

std::vector<Tensor> EvaluateGemm(const Node& node, std::span<const Tensor* const> inputs) {
  const Tensor &a = *inputs[0], &b = *inputs[1];
  const bool ta = node.Int("transA", 0), tb = node.Int("transB", 0);
  const double alpha = node.Float("alpha", 1.0), beta = node.Float("beta", 1.0);
  const int64_t m = ta ? a.shape[1] : a.shape[0], k = ta ? a.shape[0] : a.shape[1];
  const int64_t n = tb ? b.shape[0] : b.shape[1];
  Tensor out = Tensor::Zeros(a.type, {m, n});
  std::vector<int64_t> bias_index;
  const Tensor* c = inputs.size() > 2 ? inputs[2] : nullptr;
  if (c) bias_index = BroadcastIndices(c->shape, {m, n});
  for (int64_t i = 0; i < m; ++i) {
    for (int64_t j = 0; j < n; ++j) {
      double acc = 0;
      for (int64_t l = 0; l < k; ++l) {
        acc += a.values[ta ? l * m + i : i * k + l] * b.values[tb ? j * k + l : l * n + j];
      }
      double y = alpha * acc;
      if (c) y += beta * c->values[bias_index[i * n + j]];
      out.values[i * n + j] = static_cast<float>(y);
    }
  }
  return {out};
}

// Conv's channels and windows.
struct ConvGeometry {
  int64_t batch = 0, in_channels = 0, out_channels = 0, group = 1;
  Windows windows;
};

ConvGeometry ConvGeometryOf(const Node& node, const Shape& x, const Shape& w) {
  if (x.size() < 3 || w.size() != x.size()) {
    throw FrontendError(
        fmt::format("{}: input {} and weight {} must be N×C×spatial tensors of "
                    "the same rank",
                    node.Describe(), ShapeToString(x), ShapeToString(w)));
  }
  ConvGeometry g;
  g.batch = x[0];
  g.in_channels = x[1];
  g.out_channels = w[0];
  g.group = node.Int("group", 1);
  if (g.group < 1 || g.in_channels != w[1] * g.group || g.out_channels % g.group != 0) {
    throw FrontendError(fmt::format("{}: {} input channels, weight {} and group {} do not agree",
                                    node.Describe(), g.in_channels, ShapeToString(w), g.group));
  }
  g.windows = WindowsOf(node, Shape(x.begin() + 2, x.end()), Shape(w.begin() + 2, w.end()),
                        /*allow_ceil_mode=*/false);
  return g;
}

Shape ConvOutputShape(const ConvGeometry& g) {
  Shape out = {g.batch, g.out_channels};
  out.insert(out.end(), g.windows.out.begin(), g.windows.out.end());
  return out;
}

std::vector<OutputInfo> InferConv(const Node& node, std::span<const Operand> inputs) {
  node.CheckAttributes({"auto_pad", "dilations", "group", "kernel_shape", "pads", "strides"});
  CheckOperandCount(node, inputs, 2, 3);
  const ConvGeometry g = ConvGeometryOf(node, *inputs[0].shape, *inputs[1].shape);
  if (inputs.size() > 2 && inputs[2].present() && *inputs[2].shape != Shape{g.out_channels}) {
    throw FrontendError(
        fmt::format("{}: bias must have shape [{}]", node.Describe(), g.out_channels));
  }
  return {{inputs[0].type, ConvOutputShape(g)}};
}

std::vector<Tensor> EvaluateConv(const Node& node, std::span<const Tensor* const> inputs) {
  const Tensor &x = *inputs[0], &w = *inputs[1];
  const Tensor* bias = inputs.size() > 2 ? inputs[2] : nullptr;
  const ConvGeometry g = ConvGeometryOf(node, x.shape, w.shape);
  Tensor out = Tensor::Zeros(x.type, ConvOutputShape(g));
  const int64_t in_size = NumElements(g.windows.in), out_size = g.windows.out_size();
  const int64_t kernel_size = g.windows.kernel_size();
  const int64_t group_in = g.in_channels / g.group, group_out = g.out_channels / g.group;
  for (int64_t n = 0; n < g.batch; ++n) {
    for (int64_t oc = 0; oc < g.out_channels; ++oc) {
      const int64_t first_ic = (oc / group_out) * group_in;
      for (int64_t o = 0; o < out_size; ++o) {
        double acc = bias ? bias->values[oc] : 0.0;
        for (int64_t k = 0; k < kernel_size; ++k) {
          const int64_t i = g.windows.InputIndex(o, k);
          if (i < 0) continue;
          for (int64_t ic = 0; ic < group_in; ++ic) {
            acc += x.values[(n * g.in_channels + first_ic + ic) * in_size + i] *
                   w.values[(oc * group_in + ic) * kernel_size + k];
          }
        }
        out.values[(n * g.out_channels + oc) * out_size + o] = static_cast<float>(acc);
      }
    }
  }
  return {out};
}

LinearForm MatMulForm(const Node& node, const Shape& x, const Shape& w) {
  const MatMulShapes s = MatMulShapesOf(node, x, w);
  for (size_t i = 0; i + 2 < s.b.size(); ++i) {
    if (s.b[i] != 1) {
      throw FrontendError(
          fmt::format("{}: a constant right operand with batch dimensions ({}) is not supported",
                      node.Describe(), ShapeToString(w)));
    }
  }
  LinearForm f;
  f.depth = s.a.back();
  f.cols = s.b.back();
  f.rows = NumElements(s.out) / f.cols;
  // The output's batch dimensions may come from w alone; x then repeats.
  const int64_t x_rows = NumElements(s.a) / f.depth;
  for (int64_t r = 0; r < f.rows; ++r) {
    for (int64_t k = 0; k < f.depth; ++k) f.x_index.push_back((r % x_rows) * f.depth + k);
  }
  for (int64_t k = 0; k < f.depth; ++k) {
    for (int64_t c = 0; c < f.cols; ++c) f.w_index.push_back(k * f.cols + c);
  }
  for (int64_t i = 0; i < f.rows * f.cols; ++i) f.out_index.push_back(i);
  return f;
}

LinearForm GemmForm(const Node& node, const Shape& a, const Shape& b, const Shape* bias) {
  const bool ta = node.Int("transA", 0), tb = node.Int("transB", 0);
  LinearForm f;
  f.rows = ta ? a[1] : a[0];
  f.depth = ta ? a[0] : a[1];
  f.cols = tb ? b[0] : b[1];
  f.alpha = node.Float("alpha", 1.0);
  f.beta = node.Float("beta", 1.0);
  for (int64_t r = 0; r < f.rows; ++r) {
    for (int64_t k = 0; k < f.depth; ++k)
      f.x_index.push_back(ta ? k * f.rows + r : r * f.depth + k);
  }
  for (int64_t k = 0; k < f.depth; ++k) {
    for (int64_t c = 0; c < f.cols; ++c) f.w_index.push_back(tb ? c * f.depth + k : k * f.cols + c);
  }
  for (int64_t i = 0; i < f.rows * f.cols; ++i) f.out_index.push_back(i);
  if (bias) f.bias_index = BroadcastIndices(*bias, {f.rows, f.cols});
  return f;
}

LinearForm ConvForm(const Node& node, const Shape& x, const Shape& w, const Shape* bias) {
  const ConvGeometry g = ConvGeometryOf(node, x, w);
  const int64_t in_size = NumElements(g.windows.in), out_size = g.windows.out_size();
  const int64_t kernel_size = g.windows.kernel_size();
  const int64_t group_in = g.in_channels / g.group;
  LinearForm f;
  f.rows = g.batch * out_size;
  f.groups = g.group;
  f.depth = group_in * kernel_size;
  f.cols = g.out_channels;
  for (int64_t r = 0; r < f.rows; ++r) {
    const int64_t n = r / out_size, o = r % out_size;
    for (int64_t group = 0; group < g.group; ++group) {
      for (int64_t ic = 0; ic < group_in; ++ic) {
        for (int64_t k = 0; k < kernel_size; ++k) {
          const int64_t i = g.windows.InputIndex(o, k);
          f.x_index.push_back(i < 0 ? -1
                                    : (n * g.in_channels + group * group_in + ic) * in_size + i);
        }
      }
    }
  }
  for (int64_t k = 0; k < f.depth; ++k) {
    for (int64_t oc = 0; oc < f.cols; ++oc) f.w_index.push_back(oc * f.depth + k);
  }
  for (int64_t r = 0; r < f.rows; ++r) {
    const int64_t n = r / out_size, o = r % out_size;
    for (int64_t oc = 0; oc < f.cols; ++oc) {
      f.out_index.push_back((n * f.cols + oc) * out_size + o);
      if (bias) f.bias_index.push_back(oc);
    }
  }
  return f;
}

DotForm MatMulDotForm(const Node& node, const Shape& a_shape, const Shape& b_shape) {
  const MatMulShapes s = MatMulShapesOf(node, a_shape, b_shape);
  const int64_t m = s.a[s.a.size() - 2], k = s.a.back(), n = s.b.back();
  Shape batch(s.out.begin(), s.out.end() - (a_shape.size() > 1) - (b_shape.size() > 1));
  const std::vector<int64_t> ba = BroadcastIndices(Shape(s.a.begin(), s.a.end() - 2), batch);
  const std::vector<int64_t> bb = BroadcastIndices(Shape(s.b.begin(), s.b.end() - 2), batch);
  DotForm f;
  f.depth = k;
  for (size_t t = 0; t < ba.size(); ++t) {
    for (int64_t i = 0; i < m; ++i) {
      for (int64_t j = 0; j < n; ++j) {
        for (int64_t l = 0; l < k; ++l) {
          f.a_index.push_back(ba[t] * m * k + i * k + l);
          f.b_index.push_back(bb[t] * k * n + l * n + j);
        }
      }
    }
  }
  return f;
}

DotForm GemmDotForm(const Node& node, const Shape& a, const Shape& b, const Shape* bias) {
  const LinearForm linear = GemmForm(node, a, b, bias);
  DotForm f;
  f.depth = linear.depth;
  f.alpha = linear.alpha;
  f.beta = linear.beta;
  f.bias_index = linear.bias_index;
  for (int64_t r = 0; r < linear.rows; ++r) {
    for (int64_t c = 0; c < linear.cols; ++c) {
      for (int64_t k = 0; k < linear.depth; ++k) {
        f.a_index.push_back(linear.x_index[r * linear.depth + k]);
        f.b_index.push_back(linear.w_index[k * linear.cols + c]);
      }
    }
  }
  return f;
}

}  // namespace

DotForm DotFormOf(const Node& node, const Shape& a, const Shape& b, const Shape* bias) {
  if (node.op_type == "Gemm") return GemmDotForm(node, a, b, bias);
  return MatMulDotForm(node, a, b);
}

LinearForm LinearFormOf(const Node& node, const Shape& x, const Shape& w, const Shape* bias) {
  if (node.op_type == "MatMul") return MatMulForm(node, x, w);
  if (node.op_type == "Gemm") return GemmForm(node, x, w, bias);
  return ConvForm(node, x, w, bias);
}

void RegisterLinearOps() {
  RegisterOp("MatMul", {InferMatMul, EvaluateMatMul, kAllOperands});
  RegisterOp("Gemm", {InferGemm, EvaluateGemm, kAllOperands});
  RegisterOp("Conv", {InferConv, EvaluateConv, kAllOperands});
}

}  // namespace tensorstark::frontend
