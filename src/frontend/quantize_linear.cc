// Linear lowerings: MatMul, Gemm and Conv with constant weights, and dot products of two
// computed tensors.
#include <fmt/format.h>

#include <algorithm>
#include <cassert>
#include <cmath>

#include "air/weight_packing.h"
#include "frontend/frontend_error.h"
#include "frontend/linear_form.h"
#include "frontend/linear_scale.h"
#include "frontend/quantizer.h"

namespace tensorstark::frontend {

void Quantizer::QuantizeDot(const Node& node) {
  const std::string what = node.Describe();
  const ValueId bias_id = graph_.Input(node, 2);
  const bool computed_bias = bias_id != kNoValue && !graph_.IsConstant(bias_id);
  const Tensor* bias =
      bias_id == kNoValue || computed_bias ? nullptr : &*graph_.value(bias_id).constant;
  const DotForm form = DotFormOf(node, graph_.value(node.inputs[0]).shape,
                                 graph_.value(node.inputs[1]).shape, bias ? &bias->shape : nullptr);
  if (form.alpha != 1.0 || (computed_bias && form.beta != 1.0)) {
    throw FrontendError(
        fmt::format("{}: alpha (or beta with a computed C) other than 1 is "
                    "not supported",
                    what));
  }
  const int budget = kAccumulatorBits - 1 - CeilLog2(static_cast<double>(form.depth));
  View a = ViewOf(node, node.inputs[0]), b = ViewOf(node, node.inputs[1]);
  const int a_target = (budget + 1) / 2, b_target = budget - a_target;
  if (a.bound_bits > a_target) {
    a = Rescale(node.inputs[0], a, a.frac_bits - (a.bound_bits - a_target));
  }
  if (b.bound_bits > b_target) {
    b = Rescale(node.inputs[1], b, b.frac_bits - (b.bound_bits - b_target));
  }
  const Node* activation = nullptr;
  const ValueId out_id = FuseActivation(node.outputs[0], &activation);
  const int acc_frac = a.frac_bits + b.frac_bits;
  const int out_frac =
      std::clamp(ActivationFrac(out_id), acc_frac - air::kMaxRescaleShift, acc_frac);
  DotOp op;
  op.depth = form.depth;
  op.shift = acc_frac - out_frac;
  for (int64_t i : form.a_index) op.a.push_back(a.refs[i]);
  for (int64_t i : form.b_index) op.b.push_back(b.refs[i]);
  const size_t outputs = form.a_index.size() / static_cast<size_t>(form.depth);
  for (size_t i = 0; i < outputs; ++i) {
    int64_t value = RoundingOffset(op.shift);
    if (bias) {
      value += RoundToInt(std::ldexp(form.beta * bias->values[form.bias_index[i]], acc_frac));
    }
    if (std::abs(value) >= Pow2(kAccumulatorBits - 1)) {
      throw FrontendError(fmt::format("{}: the bias could overflow the field", what));
    }
    op.bias.push_back(value);
  }
  if (!computed_bias) {
    op.out = AddComputed(out_id, out_frac, activation_bound());
    if (activation) op.clamp = ClampOf(*activation, out_frac);
    Emit(std::move(op));
    return;
  }
  const Shape& out_shape = graph_.value(node.outputs[0]).shape;
  op.out = AddIntermediate(graph_.value(out_id).name + "/product", out_shape, out_frac,
                           activation_bound());
  std::vector<ElementRef> product;
  for (int64_t i = 0; i < NumElements(out_shape); ++i) product.push_back({op.out, i});
  Emit(std::move(op));
  const View& c = ViewOf(node, bias_id);
  std::vector<ElementRef> c_refs;
  for (int64_t i : BroadcastIndices(graph_.value(bias_id).shape, out_shape)) {
    c_refs.push_back(c.refs[i]);
  }
  const int sum_frac = std::min(ActivationFrac(out_id), std::max(out_frac, c.frac_bits));
  EmitElementwise(ElementwiseOp::Kind::kAdd, out_id, product, out_frac, activation_bound(), c_refs,
                  c.frac_bits, c.bound_bits, sum_frac,
                  activation ? ClampOf(*activation, sum_frac) : Clamp{}, node);
}

void Quantizer::QuantizeLinear(const Node& node) {
  if (!graph_.IsConstant(node.inputs[1])) return QuantizeDot(node);
  const ValueId bias_id = graph_.Input(node, 2);
  if (bias_id != kNoValue && !graph_.IsConstant(bias_id)) {
    throw FrontendError(fmt::format("{}: the bias must be a constant", node.Describe()));
  }
  const View x = ViewOf(node, node.inputs[0]);
  const Tensor& w = *graph_.value(node.inputs[1]).constant;
  const Tensor* bias = bias_id == kNoValue ? nullptr : &*graph_.value(bias_id).constant;
  const LinearForm form = LinearFormOf(node, graph_.value(node.inputs[0]).shape, w.shape,
                                       bias ? &bias->shape : nullptr);
  const Node* activation = nullptr;
  const ValueId out_id = FuseActivation(node.outputs[0], &activation);
  EmitLinear(form, x, w, bias, out_id, activation, node.Describe());
}

void Quantizer::EmitLinear(const LinearForm& form, const View& x, const Tensor& w,
                           const Tensor* bias, ValueId out_id, const Node* activation,
                           const std::string& what) {
  LinearOp op;
  op.rows = form.rows;
  op.depth = form.depth;
  op.cols = form.cols;
  op.groups = form.groups;
  op.out_index = form.out_index;
  op.bias_per_column = true;
  for (size_t i = 0; i < form.bias_index.size(); ++i) {
    const auto column = static_cast<int64_t>(i) % form.cols;
    op.bias_per_column = op.bias_per_column && form.bias_index[i] == form.bias_index[column];
  }
  for (int64_t r = 0; r < form.rows; ++r) {
    for (int64_t g = 0; g < form.groups; ++g) {
      for (int64_t k = 0; k < form.depth; ++k) {
        const int64_t i = form.x_index[(r * form.groups + g) * form.depth + k];
        op.x.push_back(i < 0 ? ElementRef{ElementRef::kLiteral, 0} : x.refs[i]);
      }
    }
  }
  LinearLayerValues layer;
  layer.depth = form.depth;
  layer.cols = form.cols;
  layer.outputs = form.rows * form.cols;
  for (int64_t i : form.w_index) layer.weights.push_back(form.alpha * w.values[i]);
  for (int64_t i : form.bias_index) layer.bias.push_back(form.beta * bias->values[i]);
  layer.x_frac_bits = x.frac_bits;
  layer.x_bound_bits = x.bound_bits;
  layer.out_frac_bits = ActivationFrac(out_id);
  LinearIntegers integers = QuantizeLinearLayer(layer, options_, what);
  op.weights = std::move(integers.weights);
  op.bias = std::move(integers.bias);
  op.shift = integers.shift;
  const auto bits = static_cast<uint32_t>(options_.weight_bits);
  op.weight_bits = std::all_of(op.weights.begin(), op.weights.end(),
                               [&](int64_t w) { return air::WeightFits(w, bits); })
                       ? options_.weight_bits
                       : 0;
  op.out = AddComputed(out_id, integers.out_frac_bits, activation_bound());
  if (activation) op.clamp = ClampOf(*activation, integers.out_frac_bits);
  Emit(std::move(op));
}

View Quantizer::OneHot(const View& index, int64_t n, const std::string& difference_name,
                       const std::string& onehot_name, const std::string& what) {
  const int64_t count = static_cast<int64_t>(index.refs.size());
  std::vector<ElementRef> repeated, candidates;
  for (int64_t i = 0; i < count; ++i) {
    for (int64_t v = 0; v < n; ++v) {
      repeated.push_back(index.refs[i]);
      candidates.push_back({ElementRef::kLiteral, v});
    }
  }
  const View d =
      EmitStep(MakeElementwise(ElementwiseOp::Kind::kSub, repeated, 0, index.bound_bits, candidates,
                               0, CeilLog2(static_cast<double>(n)) + 1, 0, {}, what),
               difference_name, {count, n}, 0, activation_bound());
  const auto is_zero = [](const Tensor& domain) {
    Tensor out = domain;
    for (double& v : out.values) v = v == 0 ? 1.0 : 0.0;
    return out;
  };
  return EmitStep(MakeLookup("Equal", d, {-(n - 1.0), n - 1.0}, is_zero, 0, what, /*extend=*/false),
                  onehot_name, {count, n}, 0, 1);
}

// Gather from a constant table by computed indices (token ids into an embedding): the indices'
// one-hot rows times the table, a linear operator whose weights are the table (committed like any
// weights when they are private).
void Quantizer::QuantizeGatherByIndex(const Node& node) {
  const ValueId data_id = node.inputs[0], index_id = node.inputs[1], out_id = node.outputs[0];
  if (!graph_.IsConstant(data_id)) {
    throw FrontendError(fmt::format(
        "{}: gathers from a computed tensor by computed indices; the table must be a constant",
        node.Describe()));
  }
  // An integer table (class labels) is gathered at scale 1, exactly (checked below).
  const Tensor& constant = *graph_.value(data_id).constant;
  const Tensor table = constant.is_float()
                           ? constant
                           : Tensor{DataType::kFloat, constant.shape, constant.AsDoubles(), {}};
  const Shape& shape = table.shape;
  const int64_t axis =
      NormalizeAxis(node.Int("axis", 0), static_cast<int64_t>(shape.size()), node.Describe());
  const int64_t n = shape[axis], outer = NumElements(Shape(shape.begin(), shape.begin() + axis));
  const int64_t inner = NumElements(Shape(shape.begin() + axis + 1, shape.end()));
  const View index = ViewOf(node, index_id);
  assert(index.frac_bits == 0);  // integers are only ever selected, never rescaled
  const int64_t count = static_cast<int64_t>(index.refs.size());
  if (n > Pow2(activation_bound() - 1)) {
    throw FrontendError(fmt::format("{}: a table of {} rows; computed indices reach 2^{} rows",
                                    node.Describe(), n, activation_bound() - 1));
  }
  const std::string name = graph_.value(out_id).name;

  const View x = OneHot(index, n, name + "/difference", name + "/onehot", node.Describe());

  // out[o, i, j] = Σ_v onehot[i, v] · table[o, v, j]: rows i, depth v, columns (o, j).
  LinearForm form;
  form.rows = count;
  form.depth = n;
  form.cols = outer * inner;
  form.x_index = Iota(count * n);
  for (int64_t v = 0; v < n; ++v) {
    for (int64_t c = 0; c < form.cols; ++c) {
      form.w_index.push_back((c / inner * n + v) * inner + c % inner);
    }
  }
  for (int64_t i = 0; i < count; ++i) {
    for (int64_t c = 0; c < form.cols; ++c) {
      form.out_index.push_back((c / inner * count + i) * inner + c % inner);
    }
  }
  const Node* activation = nullptr;
  const ValueId fused_out = FuseActivation(out_id, &activation);
  EmitLinear(form, x, table, nullptr, fused_out, activation, node.Describe());
  if (constant.is_float()) return;
  // Integers in and out at scale 1 (the output is an integer value, whose scale is 1): the
  // weights must be the table's values times 2^shift.
  const auto& op = std::get<LinearOp>(model_.ops.back());
  assert(model_.tensors[op.out].frac_bits == 0);
  for (size_t k = 0; k < form.w_index.size(); ++k) {
    if (op.weights[k] != constant.ints[form.w_index[k]] * Pow2(op.shift)) {
      const auto [lo, hi] = std::minmax_element(constant.ints.begin(), constant.ints.end());
      throw FrontendError(fmt::format(
          "{}: gathers integers in [{}, {}] by computed indices, more than the weights' {} bits "
          "hold exactly",
          node.Describe(), *lo, *hi, options_.weight_bits));
    }
  }
}

}  // namespace tensorstark::frontend
