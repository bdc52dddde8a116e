#include "frontend/quantize.h"

#include <fmt/format.h>

#include <algorithm>
#include <cassert>
#include <cmath>
#include <functional>
#include <map>
#include <optional>
#include <set>

#include "air/model_relations.h"
#include "frontend/frontend_error.h"
#include "frontend/index_map.h"
#include "frontend/linear_form.h"
#include "frontend/linear_scale.h"
#include "frontend/ops.h"
#include "frontend/reduction_windows.h"

namespace tensorstark::frontend {
namespace {

using air::kAccumulatorBits;
// The precision of the multiplier that divides a windowed sum by its count: 12 bits, fewer (down
// to 8) where a wide window of values at full bound would otherwise overflow the accumulator.
constexpr int kMultiplierBits = 12;
constexpr int kMinMultiplierBits = 8;

// How the operators that read a graph value see it: where each element lives, and its scale.
struct View {
  std::vector<ElementRef> refs;
  int frac_bits = 0;
  int bound_bits = 0;
};

int64_t Pow2(int bits) { return int64_t{1} << bits; }

std::vector<int64_t> Iota(int64_t n) {
  std::vector<int64_t> all(n);
  for (int64_t i = 0; i < n; ++i) all[i] = i;
  return all;
}

// Elements `indices` of tensor t.
std::vector<ElementRef> RefsOf(TensorId t, const std::vector<int64_t>& indices) {
  std::vector<ElementRef> refs;
  refs.reserve(indices.size());
  for (int64_t i : indices) refs.push_back({t, i});
  return refs;
}

std::vector<ElementRef> LiteralRefs(size_t count, int64_t value) {
  return std::vector<ElementRef>(count, ElementRef{ElementRef::kLiteral, value});
}

// How the quantizer lowers an op type that computes on the model's inputs.
enum class Lowering {
  kNone,
  kIndexMap,
  kLinear,
  kClamp,
  kBinary,
  kNeg,
  kLookup,
  kPool,
  kSoftmax,
  kLayerNorm,
  kAxisReduce
};

Lowering LoweringOf(const std::string& op) {
  if (IsIndexMapOp(op)) return Lowering::kIndexMap;
  if (op == "MatMul" || op == "Gemm" || op == "Conv") return Lowering::kLinear;
  if (op == "Relu" || op == "Clip") return Lowering::kClamp;
  if (op == "Add" || op == "Sub" || op == "Mul" || op == "Div") return Lowering::kBinary;
  if (op == "Neg") return Lowering::kNeg;
  if (IsUnaryFunctionOp(op)) return Lowering::kLookup;
  if (op == "MaxPool" || op == "AveragePool" || op == "GlobalMaxPool" ||
      op == "GlobalAveragePool") {
    return Lowering::kPool;
  }
  if (op == "Softmax" || op == "LogSoftmax") return Lowering::kSoftmax;
  if (op == "LayerNormalization") return Lowering::kLayerNorm;
  if (op == "ReduceSum" || op == "ReduceMean" || op == "ReduceMax" || op == "ArgMax") {
    return Lowering::kAxisReduce;
  }
  return Lowering::kNone;
}

class Quantizer {
 public:
  Quantizer(const Graph& graph, const Calibration& calibration, const QuantizeOptions& options)
      : graph_(graph),
        calibration_(calibration),
        ranges_(calibration.ranges),
        options_(options),
        views_(graph.values.size()) {
    const std::vector<int> readers = graph.Readers();
    for (size_t n = 0; n < graph.nodes.size(); ++n) {
      for (ValueId id : graph.nodes[n].inputs) {
        if (id != kNoValue && readers[id] == 1) only_reader_[id] = n;
      }
    }
  }

  QuantizedModel Run() {
    for (ValueId id : graph_.inputs) {
      const Value& value = graph_.value(id);
      if (value.type != DataType::kFloat) {
        throw FrontendError(fmt::format("model input '{}' is {}: only float inputs are supported",
                                        value.name, ToString(value.type)));
      }
      if (NumElements(value.shape) == 0) {
        throw FrontendError(fmt::format("model input '{}' has no elements", value.name));
      }
      views_[id] = AddTensor(id, QTensor::Kind::kInput, ActivationFrac(id), activation_bound());
      model_.inputs.push_back(NewestTensor());
    }
    for (size_t n = 0; n < graph_.nodes.size(); ++n) {
      if (!fused_.count(n)) QuantizeNode(graph_.nodes[n]);
    }
    for (ValueId id : graph_.outputs) model_.outputs.push_back(OutputTensor(id));
    return std::move(model_);
  }

 private:
  // The bound every computed tensor is proven to stay within.
  static int activation_bound() { return air::kValueBoundBits; }

  // The scale that puts the calibrated maximum |x| of a value at about 2^activation_bits.
  int ActivationFrac(ValueId id) const {
    if (graph_.value(id).type != DataType::kFloat) return 0;
    const double max_abs = ranges_[id].MaxAbs();
    if (!(max_abs > 0) || !std::isfinite(max_abs)) return options_.activation_bits;
    return options_.activation_bits - CeilLog2(max_abs);
  }

  // A new tensor for graph value `id` and the identity view of it.
  View AddTensor(ValueId id, QTensor::Kind kind, int frac_bits, int bound_bits,
                 std::vector<int64_t> values = {}) {
    const Value& value = graph_.value(id);
    const auto tensor = static_cast<TensorId>(model_.tensors.size());
    model_.tensors.push_back(
        {value.name, kind, value.type, value.shape, frac_bits, bound_bits, std::move(values)});
    return View{RefsOf(tensor, Iota(NumElements(value.shape))), frac_bits, bound_bits};
  }

  TensorId NewestTensor() const { return static_cast<TensorId>(model_.tensors.size() - 1); }

  // A computed tensor that is no graph value (a step of a decomposed operator).
  TensorId AddIntermediate(const std::string& name, const Shape& shape, int frac_bits,
                           int bound_bits) {
    model_.tensors.push_back(
        {name, QTensor::Kind::kComputed, DataType::kFloat, shape, frac_bits, bound_bits, {}});
    return NewestTensor();
  }

  // Adds the tensor an operator computes for value `id`; it becomes the value's view.
  TensorId AddComputed(ValueId id, int frac_bits, int bound_bits) {
    views_[id] = AddTensor(id, QTensor::Kind::kComputed, frac_bits, bound_bits);
    return NewestTensor();
  }

  // The view of an operand: a computed or input value, or a constant, quantized with weight_bits
  // on first use.
  const View& ViewOf(const Node& node, ValueId id) {
    if (views_[id]) return *views_[id];
    const Value& value = graph_.value(id);
    if (!value.constant) {
      throw FrontendError(
          fmt::format("{}: operand '{}' has no value", node.Describe(), value.name));
    }
    views_[id] = value.constant->is_float() ? QuantizeConstant(id, value.constant->values)
                                            : IntegerConstant(node, id, value.constant->ints);
    return *views_[id];
  }

  // Integer constants are exact at scale 1, within the bound every proven value keeps.
  View IntegerConstant(const Node& node, ValueId id, const std::vector<int64_t>& values) {
    int64_t max_abs = 0;
    for (int64_t v : values) {
      if (v <= -Pow2(activation_bound()) || v >= Pow2(activation_bound())) {  // no abs: INT64_MIN
        throw FrontendError(fmt::format("{}: integer constant '{}' holds {}, beyond ±2^{}",
                                        node.Describe(), graph_.value(id).name, v,
                                        activation_bound()));
      }
      max_abs = std::max(max_abs, std::abs(v));
    }
    return AddTensor(id, QTensor::Kind::kConstant, 0, CeilLog2(max_abs + 1.0) + 1, values);
  }

  View QuantizeConstant(ValueId id, const std::vector<double>& values) {
    double max_abs = 0;
    for (double x : values) max_abs = std::max(max_abs, std::fabs(x));
    const int frac = options_.weight_bits - 1 - CeilLog2(max_abs);
    std::vector<int64_t> q;
    int64_t max_q = 0;
    for (double x : values) {
      q.push_back(RoundToInt(std::ldexp(x, frac)));
      max_q = std::max(max_q, std::abs(q.back()));
    }
    return AddTensor(id, QTensor::Kind::kConstant, frac, CeilLog2(max_q + 1.0) + 1, q);
  }

  // The Relu or Clip that is the only reader of value `id`, to fuse into the operator computing
  // it; null if there is none or the value is a model output.
  const Node* FusableActivation(ValueId id) const {
    auto it = only_reader_.find(id);
    if (it == only_reader_.end()) return nullptr;
    const Node& reader = graph_.nodes[it->second];
    if (reader.op_type != "Relu" && reader.op_type != "Clip") return nullptr;
    if (reader.inputs[0] != id) return nullptr;
    return &reader;
  }

  // The clamp of an activation node at output scale 2^-frac.
  // A bound beyond the output's own bound changes nothing (a result past it is refused anyway),
  // so it is dropped: the AIR range-checks the distance to each bound it keeps.
  Clamp ClampOf(const Node& activation, int frac) const {
    if (activation.op_type == "Relu") return {0, std::nullopt};
    const auto [lo, hi] = ClipBounds(activation, Operands(activation));
    const double bound = std::ldexp(1.0, activation_bound());
    Clamp clamp;
    if (std::ldexp(lo, frac) > -bound) clamp.lo = RoundToInt(std::ldexp(lo, frac));
    if (std::ldexp(hi, frac) < bound) clamp.hi = RoundToInt(std::ldexp(hi, frac));
    return clamp;
  }

  // The value an operator computing `id` writes, after fusing a following activation (recorded in
  // fused_), and the clamp that activation adds, at scale 2^-frac (set later by the caller).
  ValueId FuseActivation(ValueId id, const Node** activation) {
    *activation = FusableActivation(id);
    if (!*activation) return id;
    fused_.insert(static_cast<size_t>(only_reader_.at(id)));
    return (*activation)->outputs[0];
  }

  std::vector<Operand> Operands(const Node& node) const {
    std::vector<Operand> operands;
    for (ValueId id : node.inputs) {
      if (id == kNoValue) {
        operands.push_back({});
        continue;
      }
      const Value& v = graph_.value(id);
      operands.push_back({v.type, &v.shape, v.constant ? &*v.constant : nullptr});
    }
    return operands;
  }

  template <typename Op>
  void Emit(Op op) {
    model_.ops.emplace_back(std::in_place_type<Op>, std::move(op));
  }

  // A copy of `from` at the same or a coarser scale 2^-frac into a new tensor for value `id`
  // (rescaling, or making an index-mapped model output a tensor of its own). Its values are at most
  // 2^(bound - shift) in absolute value.
  View Rescale(ValueId id, const View& from, int frac) {
    assert(frac <= from.frac_bits);
    const int shift = from.frac_bits - frac;
    const View out =
        AddTensor(id, QTensor::Kind::kComputed, frac, std::max(0, from.bound_bits - shift));
    ElementwiseOp op;
    op.out = NewestTensor();
    op.a = from.refs;
    op.b = LiteralRefs(from.refs.size(), 0);
    op.shift = shift;
    Emit(std::move(op));
    return out;
  }

  TensorId OutputTensor(ValueId id) {
    const Value& value = graph_.value(id);
    if (value.constant) {
      throw FrontendError(fmt::format("model output '{}' is a constant", value.name));
    }
    const View& view = *views_[id];
    const TensorId t = view.refs.empty() ? ElementRef::kLiteral : view.refs[0].tensor;
    bool identity =
        t != ElementRef::kLiteral && model_.tensor(t).size() == NumElements(value.shape);
    for (size_t i = 0; identity && i < view.refs.size(); ++i) {
      identity = view.refs[i] == ElementRef{t, static_cast<int64_t>(i)};
    }
    // A model input that is also an output (an Identity) is copied, so an operator proves it.
    if (identity && model_.tensor(t).name == value.name &&
        model_.tensor(t).kind != QTensor::Kind::kInput) {
      return t;
    }
    Rescale(id, view, view.frac_bits);
    return NewestTensor();
  }

  void QuantizeNode(const Node& node) {
    switch (LoweringOf(node.op_type)) {
      case Lowering::kIndexMap:
        return QuantizeIndexMap(node);
      case Lowering::kLinear:
        return QuantizeLinear(node);
      case Lowering::kClamp:
        return QuantizeClamp(node);
      case Lowering::kBinary:
        return QuantizeBinary(node);
      case Lowering::kNeg:
        return QuantizeNeg(node);
      case Lowering::kLookup:
        return QuantizeLookup(node);
      case Lowering::kPool:
        return QuantizeReduce(node, PoolWindowsOf(node, graph_.value(node.inputs[0]).shape));
      case Lowering::kSoftmax:
        return QuantizeSoftmax(node);
      case Lowering::kLayerNorm:
        return QuantizeLayerNorm(node);
      case Lowering::kAxisReduce:
        return QuantizeReduce(node, AxisWindowsOf(node, Operands(node)));
      case Lowering::kNone:
        break;
    }
    throw FrontendError(
        fmt::format("{}: the quantizer does not support this op type yet", node.Describe()));
  }

  void QuantizeIndexMap(const Node& node) {
    const std::vector<IndexMap> maps = ComputeIndexMaps(node, Operands(node));
    for (size_t k = 0; k < maps.size(); ++k) views_[node.outputs[k]] = QuantizedMap(node, maps[k]);
  }

  // The view of one output of an index map node: the operands' elements it copies, at the
  // coarsest of their scales.
  View QuantizedMap(const Node& node, const IndexMap& map) {
    std::map<int32_t, View> operands;
    for (const ElementSource& source : map.sources) {
      if (source.operand != ElementSource::kFill && !operands.count(source.operand)) {
        operands[source.operand] = ViewOf(node, node.inputs[source.operand]);
      }
    }
    // Operands at different scales (a Concat) meet at the coarsest one.
    int frac = 0, bound = 0;
    bool first = true;
    for (const auto& [operand, view] : operands) {
      frac = first ? view.frac_bits : std::min(frac, view.frac_bits);
      first = false;
    }
    for (auto& [operand, view] : operands) {
      if (view.frac_bits != frac) view = Rescale(node.inputs[operand], view, frac);
      bound = std::max(bound, view.bound_bits);
    }
    View out{{}, frac, bound};
    for (const ElementSource& source : map.sources) {
      out.refs.push_back(
          source.operand == ElementSource::kFill
              ? ElementRef{ElementRef::kLiteral, RoundToInt(std::ldexp(map.fill, frac))}
              : operands.at(source.operand).refs[source.index]);
    }
    return out;
  }

  // MatMul or Gemm of two computed tensors: each operand first gives up the bits that would let
  // depth products reach 2^30. A computed Gemm bias is added by an elementwise operator after.
  void QuantizeDot(const Node& node) {
    const std::string what = node.Describe();
    const ValueId bias_id = graph_.Input(node, 2);
    const bool computed_bias = bias_id != kNoValue && !graph_.IsConstant(bias_id);
    const Tensor* bias =
        bias_id == kNoValue || computed_bias ? nullptr : &*graph_.value(bias_id).constant;
    const DotForm form =
        DotFormOf(node, graph_.value(node.inputs[0]).shape, graph_.value(node.inputs[1]).shape,
                  bias ? &bias->shape : nullptr);
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
    EmitElementwise(ElementwiseOp::Kind::kAdd, out_id, product, out_frac, activation_bound(),
                    c_refs, c.frac_bits, c.bound_bits, sum_frac,
                    activation ? ClampOf(*activation, sum_frac) : Clamp{}, node);
  }

  void QuantizeLinear(const Node& node) {
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

    LinearOp op;
    op.rows = form.rows;
    op.depth = form.depth;
    op.cols = form.cols;
    op.groups = form.groups;
    op.out_index = form.out_index;
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
    LinearIntegers integers = QuantizeLinearLayer(layer, options_, node.Describe());
    op.weights = std::move(integers.weights);
    op.bias = std::move(integers.bias);
    op.shift = integers.shift;
    op.out = AddComputed(out_id, integers.out_frac_bits, activation_bound());
    if (activation) op.clamp = ClampOf(*activation, integers.out_frac_bits);
    Emit(std::move(op));
  }

  // A Relu or Clip that is not fused: a rescale with a clamp.
  void QuantizeClamp(const Node& node) {
    const View x = ViewOf(node, node.inputs[0]);
    const ValueId out_id = node.outputs[0];
    const int frac = std::min(ActivationFrac(out_id), x.frac_bits);
    EmitElementwise(ElementwiseOp::Kind::kAdd, out_id, x.refs, x.frac_bits, x.bound_bits,
                    LiteralRefs(x.refs.size(), 0), x.frac_bits, 0, frac, ClampOf(node, frac), node);
  }

  void QuantizeNeg(const Node& node) {
    const View x = ViewOf(node, node.inputs[0]);
    EmitElementwise(ElementwiseOp::Kind::kSub, node.outputs[0], LiteralRefs(x.refs.size(), 0),
                    x.frac_bits, 0, x.refs, x.frac_bits, x.bound_bits,
                    std::min(ActivationFrac(node.outputs[0]), x.frac_bits), {}, node);
  }

  void QuantizeBinary(const Node& node) {
    const Shape& out_shape = graph_.value(node.outputs[0]).shape;
    View a = ViewOf(node, node.inputs[0]);
    View b;
    ElementwiseOp::Kind kind = node.op_type == "Add"   ? ElementwiseOp::Kind::kAdd
                               : node.op_type == "Sub" ? ElementwiseOp::Kind::kSub
                                                       : ElementwiseOp::Kind::kMul;
    if (node.op_type == "Div") {
      // x / c is x · (1/c); division by a computed value would need a reciprocal lookup.
      if (!graph_.IsConstant(node.inputs[1])) {
        throw FrontendError(
            fmt::format("{}: the quantizer supports division by a constant only", node.Describe()));
      }
      std::vector<double> reciprocal;
      for (double v : graph_.value(node.inputs[1]).constant->values) {
        if (v == 0) throw FrontendError(fmt::format("{}: divides by zero", node.Describe()));
        reciprocal.push_back(1.0 / v);
      }
      b = QuantizeConstant(node.inputs[1], reciprocal);
    } else {
      b = ViewOf(node, node.inputs[1]);
    }
    // A product of two activations at full bounds could reach 2^30: the wider operand gives up
    // one bit first (a rescaled copy).
    if (kind == ElementwiseOp::Kind::kMul) {
      while (a.bound_bits + b.bound_bits >= kAccumulatorBits) {
        View& wider = a.bound_bits >= b.bound_bits ? a : b;
        const ValueId id = &wider == &a ? node.inputs[0] : node.inputs[1];
        wider = Rescale(id, wider, wider.frac_bits - 1);
      }
    }
    const auto broadcast = [&](const View& v, ValueId id) {
      std::vector<ElementRef> refs;
      for (int64_t i : BroadcastIndices(graph_.value(id).shape, out_shape)) {
        refs.push_back(v.refs[i]);
      }
      return refs;
    };
    const Node* activation = nullptr;
    const ValueId out_id = FuseActivation(node.outputs[0], &activation);
    const int natural = kind == ElementwiseOp::Kind::kMul ? a.frac_bits + b.frac_bits
                                                          : std::max(a.frac_bits, b.frac_bits);
    const int frac = std::min(ActivationFrac(out_id), natural);
    EmitElementwise(kind, out_id, broadcast(a, node.inputs[0]), a.frac_bits, a.bound_bits,
                    broadcast(b, node.inputs[1]), b.frac_bits, b.bound_bits, frac,
                    activation ? ClampOf(*activation, frac) : Clamp{}, node);
  }

  // An elementwise operator up to its output tensor, checked against overflow and the largest
  // rescale the prover takes; `what` names it in errors.
  ElementwiseOp MakeElementwise(ElementwiseOp::Kind kind, std::vector<ElementRef> a, int a_frac,
                                int a_bound, std::vector<ElementRef> b, int b_frac, int b_bound,
                                int out_frac, Clamp clamp, const std::string& what) {
    ElementwiseOp op;
    op.kind = kind;
    int natural = a_frac + b_frac;
    double worst = std::ldexp(1.0, a_bound + b_bound);
    if (kind != ElementwiseOp::Kind::kMul) {
      natural = std::max(a_frac, b_frac);
      op.a_left = natural - a_frac;
      op.b_left = natural - b_frac;
      worst = std::ldexp(1.0, a_bound + op.a_left) + std::ldexp(1.0, b_bound + op.b_left);
    }
    if (worst >= std::ldexp(1.0, kAccumulatorBits)) {
      throw FrontendError(
          fmt::format("{}: the result could overflow the field (operand scales 2^-{} and 2^-{})",
                      what, a_frac, b_frac));
    }
    op.shift = natural - out_frac;
    if (op.shift > air::kMaxRescaleShift) {
      throw FrontendError(fmt::format(
          "{}: the result needs a rescale by 2^{}, more than the 2^{} the prover supports", what,
          op.shift, air::kMaxRescaleShift));
    }
    op.a = std::move(a);
    op.b = std::move(b);
    op.clamp = clamp;
    return op;
  }

  // The same, computing graph value out_id.
  void EmitElementwise(ElementwiseOp::Kind kind, ValueId out_id, std::vector<ElementRef> a,
                       int a_frac, int a_bound, std::vector<ElementRef> b, int b_frac, int b_bound,
                       int out_frac, Clamp clamp, const Node& node) {
    ElementwiseOp op = MakeElementwise(kind, std::move(a), a_frac, a_bound, std::move(b), b_frac,
                                       b_bound, out_frac, clamp, node.Describe());
    op.out = AddComputed(out_id, out_frac, activation_bound());
    Emit(std::move(op));
  }

  // A unary function as a table over the inputs its operand can hold: every input within the
  // operand's bound whose result fits the output's bound, in one interval around the input range
  // `range` (the calibrated one). `evaluate` maps a tensor of inputs to the function's values.
  // Without `extend` the table covers `range` only (an input known to lie in it).
  LookupOp MakeLookup(const std::string& function, const View& x, const ValueRange& range,
                      const std::function<Tensor(const Tensor&)>& evaluate, int out_frac,
                      const std::string& what, bool extend = true) {
    const int64_t lo_bound = -Pow2(x.bound_bits), hi_bound = Pow2(x.bound_bits) - 1;
    Tensor domain = Tensor::Zeros(DataType::kFloat, {hi_bound - lo_bound + 1});
    for (int64_t q = lo_bound; q <= hi_bound; ++q) {
      domain.values[q - lo_bound] = std::ldexp(static_cast<double>(q), -x.frac_bits);
    }
    const Tensor values = evaluate(domain);
    std::vector<int64_t> table(values.values.size());
    std::vector<bool> valid(values.values.size());
    for (size_t i = 0; i < table.size(); ++i) {
      const double y = std::ldexp(values.values[i], out_frac);
      valid[i] = std::isfinite(y) && std::fabs(y) < std::ldexp(1.0, activation_bound()) - 1;
      table[i] = valid[i] ? RoundToInt(y) : 0;
    }
    const auto position = [&](double v) {
      return std::clamp<int64_t>(RoundToInt(std::ldexp(v, x.frac_bits)), lo_bound, hi_bound) -
             lo_bound;
    };
    int64_t lo = position(range.min), hi = position(range.max);
    for (int64_t i = lo; i <= hi; ++i) {
      if (!valid[i]) {
        throw FrontendError(fmt::format(
            "{}: the function is not finite or exceeds its output range at {} inside the "
            "calibrated input range",
            what, domain.values[i]));
      }
    }
    while (extend && lo > 0 && valid[lo - 1]) --lo;
    while (extend && hi + 1 < static_cast<int64_t>(valid.size()) && valid[hi + 1]) ++hi;
    LookupOp op;
    op.function = function;
    op.in = x.refs;
    op.table_lo = lo + lo_bound;
    op.table.assign(table.begin() + lo, table.begin() + hi + 1);
    return op;
  }

  void QuantizeLookup(const Node& node) {
    const View x = ViewOf(node, node.inputs[0]);
    const ValueId out_id = node.outputs[0];
    const int out_frac = ActivationFrac(out_id);
    const auto evaluate = [&](const Tensor& domain) {
      const Tensor* operand = &domain;
      return EvaluateNode(node, std::span<const Tensor* const>(&operand, 1))[0];
    };
    LookupOp op =
        MakeLookup(node.op_type, x, ranges_[node.inputs[0]], evaluate, out_frac, node.Describe());
    op.out = AddComputed(out_id, out_frac, activation_bound());
    Emit(std::move(op));
  }

  // Softmax as operators the prover has: m = the maximum along the axis; d = max(x - m, -16) at a
  // scale of at most 2^-8; e = exp(d) by lookup; s = Σ e; r = 1/s by lookup (s lies in [1, n]);
  // y = e·r. LogSoftmax ends with y = d - log(s) instead.
  void QuantizeSoftmax(const Node& node) {
    const std::string what = node.Describe();
    const View x = ViewOf(node, node.inputs[0]);
    const Shape& shape = graph_.value(node.inputs[0]).shape;
    const int64_t size = NumElements(shape);
    int64_t n = 1, inner = 1;
    if (!shape.empty()) {
      const int64_t axis = NormalizeAxis(node.Int("axis", node.opset < 13 ? 1 : -1),
                                         static_cast<int64_t>(shape.size()), what);
      n = shape[axis];
      inner = Strides(shape)[axis];
      if (node.opset < 13) {  // the axis and everything after it, as one row
        n *= inner;
        inner = 1;
      }
    }
    const int64_t rows = size / n;
    std::vector<int64_t> row_of(size), window;  // window: element indices, row by row
    for (int64_t r = 0; r < rows; ++r) {
      const int64_t base = (r / inner) * n * inner + r % inner;
      for (int64_t j = 0; j < n; ++j) {
        window.push_back(base + j * inner);
        row_of[base + j * inner] = r;
      }
    }
    const std::vector<int64_t> elements = Iota(size);
    const std::string name = graph_.value(node.outputs[0]).name;

    ReduceOp max;
    max.kind = ReduceOp::Kind::kMax;
    max.window = n;
    for (int64_t i : window) max.in.push_back(x.refs[i]);
    max.out = AddIntermediate(name + "/max", {rows}, x.frac_bits, x.bound_bits);
    const TensorId max_tensor = max.out;
    Emit(std::move(max));

    const int fd = std::min(x.frac_bits, 8);
    ElementwiseOp shifted = MakeElementwise(
        ElementwiseOp::Kind::kSub, x.refs, x.frac_bits, x.bound_bits, RefsOf(max_tensor, row_of),
        x.frac_bits, x.bound_bits, fd, {RoundToInt(std::ldexp(-16.0, fd)), std::nullopt}, what);
    const int bound_d = CeilLog2(std::ldexp(16.0, fd) + 1) + 1;
    shifted.out = AddIntermediate(name + "/shifted", shape, fd, bound_d);
    const View d{RefsOf(shifted.out, elements), fd, bound_d};
    Emit(std::move(shifted));

    // exp(d) <= 1 and 1/s <= 1 at 2^-13: their product needs no extra bit.
    constexpr int kUnitFrac = 13;
    const auto apply = [](double (*f)(double)) {
      return [f](const Tensor& t) {
        Tensor out = t;
        for (double& v : out.values) v = f(v);
        return out;
      };
    };
    LookupOp exp = MakeLookup("Exp", d, {-16.0, 0.0}, apply([](double v) { return std::exp(v); }),
                              kUnitFrac, what, /*extend=*/false);
    exp.out = AddIntermediate(name + "/exp", shape, kUnitFrac, kUnitFrac + 1);
    const TensorId exp_tensor = exp.out;
    Emit(std::move(exp));

    ReduceOp sum;
    sum.kind = ReduceOp::Kind::kSum;
    sum.window = n;
    sum.in = RefsOf(exp_tensor, window);
    // The sum lies in [1, n]: n·2^fs stays below the bound.
    const int fs = std::min(kUnitFrac, activation_bound() - 1 - CeilLog2(static_cast<double>(n)));
    sum.shift = kUnitFrac - fs;
    sum.multiplier.assign(rows, 1);
    sum.out = AddIntermediate(name + "/sum", {rows}, fs, activation_bound());
    const View s{RefsOf(sum.out, Iota(rows)), fs, activation_bound()};
    Emit(std::move(sum));

    const ValueId out_id = node.outputs[0];
    if (node.op_type == "LogSoftmax") {
      const double log_n = std::log(static_cast<double>(n));
      const int fl = std::min(kUnitFrac, 13 - CeilLog2(log_n + 1));
      LookupOp log = MakeLookup("Log", s, {1.0, static_cast<double>(n)},
                                apply([](double v) { return std::log(v); }), fl, what,
                                /*extend=*/false);
      log.out = AddIntermediate(name + "/log_sum", {rows}, fl, activation_bound());
      const TensorId log_tensor = log.out;
      Emit(std::move(log));
      const int out_frac = std::min(ActivationFrac(out_id), std::max(fd, fl));
      EmitElementwise(ElementwiseOp::Kind::kSub, out_id, d.refs, fd, bound_d,
                      RefsOf(log_tensor, row_of), fl, activation_bound(), out_frac, {}, node);
      return;
    }
    LookupOp reciprocal = MakeLookup("Reciprocal", s, {1.0, static_cast<double>(n)},
                                     apply([](double v) { return 1.0 / v; }), kUnitFrac, what,
                                     /*extend=*/false);
    reciprocal.out = AddIntermediate(name + "/reciprocal", {rows}, kUnitFrac, kUnitFrac + 1);
    const TensorId reciprocal_tensor = reciprocal.out;
    Emit(std::move(reciprocal));

    const int natural = 2 * kUnitFrac;
    const int out_frac =
        std::clamp(ActivationFrac(out_id), natural - air::kMaxRescaleShift, natural);
    ElementwiseOp product = MakeElementwise(
        ElementwiseOp::Kind::kMul, RefsOf(exp_tensor, elements), kUnitFrac, kUnitFrac + 1,
        RefsOf(reciprocal_tensor, row_of), kUnitFrac, kUnitFrac + 1, out_frac, {}, what);
    product.out = AddComputed(out_id, out_frac, activation_bound());
    Emit(std::move(product));
  }

  // A windowed sum's multipliers and shift: out = floor((Σ · m + round) / 2^shift) with
  // m / 2^shift ≈ 2^(frac - x.frac) / divisor, with the most multiplier bits that cannot overflow.
  void SetAverage(ReduceOp& op, const std::vector<int64_t>& divisors, const View& x, int frac,
                  const std::string& what) {
    for (int bits = kMultiplierBits; bits >= kMinMultiplierBits; --bits) {
      SetAverageMultipliers(op, divisors, x, frac, bits, what);
      if (static_cast<double>(op.window) * std::ldexp(1.0, x.bound_bits) *
                  *std::max_element(op.multiplier.begin(), op.multiplier.end()) +
              RoundingOffset(op.shift) <
          std::ldexp(1.0, kAccumulatorBits)) {
        return;
      }
    }
    throw FrontendError(fmt::format("{}: the sum could overflow the field", what));
  }

  void SetAverageMultipliers(ReduceOp& op, const std::vector<int64_t>& divisors, const View& x,
                             int frac, int multiplier_bits, const std::string& what) {
    const int64_t max_divisor = *std::max_element(divisors.begin(), divisors.end());
    op.shift = std::clamp(
        multiplier_bits + CeilLog2(static_cast<double>(max_divisor)) + x.frac_bits - frac, 0,
        air::kMaxRescaleShift);
    op.multiplier.clear();
    for (int64_t d : divisors) {
      op.multiplier.push_back(
          RoundToInt(std::ldexp(1.0, frac - x.frac_bits + op.shift) / static_cast<double>(d)));
    }
    // Exact multipliers (power-of-two divisors) shrink to the smallest shift.
    while (op.shift > 0 && std::all_of(op.multiplier.begin(), op.multiplier.end(),
                                       [](int64_t m) { return m % 2 == 0; })) {
      for (int64_t& m : op.multiplier) m /= 2;
      --op.shift;
    }
    if (*std::min_element(op.multiplier.begin(), op.multiplier.end()) <= 0) {
      throw FrontendError(fmt::format("{}: averages over too many elements for its scales", what));
    }
  }

  // LayerNormalization over rows of n elements: mean = the row average; c = x - mean; v = the
  // row average of c·c (one factor a bit coarser, so the product stays below 2^30); r =
  // 1/sqrt(v + epsilon) by lookup; y = (c·r)·scale + bias. The scales of c, c·c, v and r come from
  // the calibrated range of x and of the rows' variances.
  void QuantizeLayerNorm(const Node& node) {
    const std::string what = node.Describe();
    const View x = ViewOf(node, node.inputs[0]);
    const Shape& shape = graph_.value(node.inputs[0]).shape;
    const int64_t axis =
        NormalizeAxis(node.Int("axis", -1), static_cast<int64_t>(shape.size()), what);
    const Shape normalized(shape.begin() + axis, shape.end());
    const int64_t n = NumElements(normalized), size = NumElements(shape), rows = size / n;
    const double epsilon = node.Float("epsilon", 1e-5);
    const std::string name = graph_.value(node.outputs[0]).name;
    std::vector<int64_t> row_of(size);  // rows are contiguous
    for (int64_t i = 0; i < size; ++i) row_of[i] = i / n;
    const auto emit_average = [&](const View& in, int frac, const std::string& suffix) {
      ReduceOp mean;
      mean.kind = ReduceOp::Kind::kSum;
      mean.window = n;
      mean.in = in.refs;
      SetAverage(mean, std::vector<int64_t>(rows, n), in, frac, what);
      mean.out = AddIntermediate(name + suffix, {rows}, frac, activation_bound());
      const TensorId t = mean.out;
      Emit(std::move(mean));
      return t;
    };
    const auto emit_elementwise = [&](ElementwiseOp op, const std::string& suffix, int frac,
                                      int bound) {
      op.out = AddIntermediate(name + suffix, shape, frac, bound);
      const View view{RefsOf(op.out, Iota(size)), frac, bound};
      Emit(std::move(op));
      return view;
    };
    const ValueRange& range = ranges_[node.inputs[0]];
    const auto variance = calibration_.row_variances.find(node.outputs[0]);
    if (variance == calibration_.row_variances.end()) {
      throw FrontendError(fmt::format("{}: no calibrated row variances", what));
    }

    const TensorId mean = emit_average(x, x.frac_bits, "/mean");
    const int fc =
        std::min(x.frac_bits, options_.activation_bits - CeilLog2(range.max - range.min));
    const View c = emit_elementwise(
        MakeElementwise(ElementwiseOp::Kind::kSub, x.refs, x.frac_bits, x.bound_bits,
                        RefsOf(mean, row_of), x.frac_bits, x.bound_bits, fc, {}, what),
        "/centered", fc, activation_bound());
    // floor((c + 1) / 2) of a c in [-2^15, 2^15) lies in [-2^14, 2^14].
    const View half =
        emit_elementwise(MakeElementwise(ElementwiseOp::Kind::kAdd, c.refs, fc, c.bound_bits,
                                         LiteralRefs(c.refs.size(), 0), fc, 0, fc - 1, {}, what),
                         "/centered_half", fc - 1, c.bound_bits - 1);
    const int square_natural = 2 * fc - 1;
    const int fsq =
        std::max(square_natural - air::kMaxRescaleShift,
                 std::min(square_natural,
                          options_.activation_bits - CeilLog2(std::pow(range.max - range.min, 2))));
    const View square =
        emit_elementwise(MakeElementwise(ElementwiseOp::Kind::kMul, half.refs, fc - 1,
                                         half.bound_bits, c.refs, fc, c.bound_bits, fsq, {}, what),
                         "/squared", fsq, activation_bound());
    const int fv = std::min(fsq, options_.activation_bits - CeilLog2(variance->second.max));
    const TensorId var = emit_average(square, fv, "/variance");

    // 1/sqrt(v + epsilon) is largest for the smallest calibrated variance.
    const int fr = options_.activation_bits -
                   CeilLog2(1.0 / std::sqrt(std::max(variance->second.min, 0.0) + epsilon));
    const View v{RefsOf(var, Iota(rows)), fv, activation_bound()};
    const auto rsqrt = [epsilon](const Tensor& t) {
      Tensor out = t;
      for (double& value : out.values) value = 1.0 / std::sqrt(value + epsilon);
      return out;
    };
    LookupOp lookup = MakeLookup("ReciprocalSqrt", v, variance->second, rsqrt, fr, what);
    int64_t max_r = 0;
    for (int64_t value : lookup.table) max_r = std::max(max_r, std::abs(value));
    const int bound_r = CeilLog2(static_cast<double>(max_r) + 1) + 1;
    lookup.out = AddIntermediate(name + "/rstd", {rows}, fr, bound_r);
    const TensorId r = lookup.out;
    Emit(std::move(lookup));

    // |c·r| is at most sqrt(n) (a row's deviation from its mean over its standard deviation).
    const int normalized_natural = fc - 1 + fr;
    const int fn =
        std::clamp(options_.activation_bits - CeilLog2(std::sqrt(static_cast<double>(n)) + 1),
                   normalized_natural - air::kMaxRescaleShift, normalized_natural);
    const View normalized_view = emit_elementwise(
        MakeElementwise(ElementwiseOp::Kind::kMul, half.refs, fc - 1, half.bound_bits,
                        RefsOf(r, row_of), fr, bound_r, fn, {}, what),
        "/normalized", fn, activation_bound());

    // y = normalized·scale + bias, the scale and bias broadcast over the normalized axes.
    const auto broadcast = [&](ValueId id) {
      const View& constant = ViewOf(node, id);
      const std::vector<int64_t> index = BroadcastIndices(graph_.value(id).shape, normalized);
      std::vector<ElementRef> refs;
      for (int64_t i = 0; i < size; ++i) refs.push_back(constant.refs[index[i % n]]);
      return std::pair{refs, constant};
    };
    const ValueId out_id = node.outputs[0];
    const ValueId bias_id = graph_.Input(node, 2);
    const auto [scale_refs, scale] = broadcast(node.inputs[1]);
    const int out_frac = ActivationFrac(out_id);
    if (bias_id == kNoValue) {
      EmitElementwise(ElementwiseOp::Kind::kMul, out_id, normalized_view.refs, fn,
                      normalized_view.bound_bits, scale_refs, scale.frac_bits, scale.bound_bits,
                      std::max(out_frac, fn + scale.frac_bits - air::kMaxRescaleShift), {}, node);
      return;
    }
    const int scaled_frac = std::max(out_frac, fn + scale.frac_bits - air::kMaxRescaleShift);
    const View scaled =
        emit_elementwise(MakeElementwise(ElementwiseOp::Kind::kMul, normalized_view.refs, fn,
                                         normalized_view.bound_bits, scale_refs, scale.frac_bits,
                                         scale.bound_bits, scaled_frac, {}, what),
                         "/scaled", scaled_frac, activation_bound());
    const auto [bias_refs, bias] = broadcast(bias_id);
    EmitElementwise(ElementwiseOp::Kind::kAdd, out_id, scaled.refs, scaled_frac, scaled.bound_bits,
                    bias_refs, bias.frac_bits, bias.bound_bits,
                    std::min(out_frac, std::max(scaled_frac, bias.frac_bits)), {}, node);
  }

  void QuantizeReduce(const Node& node, const ReductionWindows& windows) {
    const View x = ViewOf(node, node.inputs[0]);
    const ValueId out_id = node.outputs[0];
    const std::string& type = node.op_type;
    ReduceOp op;
    op.window = windows.window;
    op.kind = type == "ArgMax"                        ? ReduceOp::Kind::kArgMax
              : type.find("Max") != std::string::npos ? ReduceOp::Kind::kMax
                                                      : ReduceOp::Kind::kSum;
    op.select_last = node.Int("select_last_index", 0) != 0;
    const size_t outputs = windows.divisor.size();
    for (size_t o = 0; o < outputs; ++o) {
      const auto begin = windows.in_index.begin() + static_cast<int64_t>(o * op.window);
      // A maximum never selects padding: padding repeats an element of the same window.
      const int64_t inside =
          *std::find_if(begin, begin + op.window, [](int64_t i) { return i >= 0; });
      for (int64_t w = 0; w < op.window; ++w) {
        const int64_t i = begin[w];
        if (i >= 0) {
          op.in.push_back(x.refs[i]);
        } else if (op.kind == ReduceOp::Kind::kSum) {
          op.in.push_back({ElementRef::kLiteral, 0});
        } else {
          op.in.push_back(x.refs[inside]);
        }
      }
    }
    int frac = x.frac_bits, bound = x.bound_bits;
    if (op.kind == ReduceOp::Kind::kArgMax) {
      frac = 0;
      bound = CeilLog2(static_cast<double>(op.window)) + 1;
    } else if (op.kind == ReduceOp::Kind::kSum) {
      frac = std::min(ActivationFrac(out_id), x.frac_bits + CeilLog2(op.window));
      SetAverage(op, windows.divisor, x, frac, node.Describe());
      bound = activation_bound();
    }
    op.out = AddComputed(out_id, frac, bound);
    Emit(std::move(op));
  }

  const Graph& graph_;
  const Calibration& calibration_;
  std::span<const ValueRange> ranges_;
  QuantizeOptions options_;
  std::vector<std::optional<View>> views_;
  std::map<ValueId, size_t> only_reader_;  // the node index of a value's only reader
  std::set<size_t> fused_;                 // activation nodes fused into the operator before
  QuantizedModel model_;
};

}  // namespace

QuantizedModel Quantize(const Graph& graph, const Calibration& calibration,
                        const QuantizeOptions& options) {
  return Quantizer(graph, calibration, options).Run();
}

std::vector<std::string> QuantizableOpTypes() {
  std::vector<std::string> types;
  for (const std::string& type : SupportedOpTypes()) {
    if (LoweringOf(type) != Lowering::kNone) types.push_back(type);
  }
  return types;
}

std::optional<int> DefaultWeightFracBits(Visibility weights) {
  if (weights == Visibility::kPrivate) return kPrivateWeightFracBits;
  return std::nullopt;
}

}  // namespace tensorstark::frontend
