#include "frontend/quantize.h"

#include <fmt/format.h>

#include <algorithm>
#include <cassert>
#include <cmath>

#include "frontend/frontend_error.h"
#include "frontend/quantizer.h"

namespace tensorstark::frontend {
namespace {

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
  kAxisReduce,
  kBatchNorm,
  kComparison,
  kLogical,
  kWhere,
  kCast,
  kVariadic,
  kPRelu
};

Lowering LoweringOf(const std::string& op) {
  if (IsIndexMapOp(op)) return Lowering::kIndexMap;
  if (op == "MatMul" || op == "Gemm" || op == "Conv") return Lowering::kLinear;
  if (op == "Relu" || op == "Clip") return Lowering::kClamp;
  if (op == "Add" || op == "Sub" || op == "Mul" || op == "Div") return Lowering::kBinary;
  if (op == "Neg") return Lowering::kNeg;
  if (IsUnaryFunctionOp(op) || op == "Pow") return Lowering::kLookup;
  if (op == "MaxPool" || op == "AveragePool" || op == "GlobalMaxPool" ||
      op == "GlobalAveragePool") {
    return Lowering::kPool;
  }
  if (op == "Softmax" || op == "LogSoftmax") return Lowering::kSoftmax;
  if (op == "LayerNormalization") return Lowering::kLayerNorm;
  if (op == "ReduceSum" || op == "ReduceMean" || op == "ReduceMax" || op == "ArgMax") {
    return Lowering::kAxisReduce;
  }
  if (IsComparison(op)) return Lowering::kComparison;
  if (op == "Not" || op == "And" || op == "Or" || op == "Xor") return Lowering::kLogical;
  if (op == "BatchNormalization") return Lowering::kBatchNorm;
  if (op == "Where") return Lowering::kWhere;
  if (op == "Cast") return Lowering::kCast;
  if (op == "Max" || op == "Min" || op == "Sum" || op == "Mean") return Lowering::kVariadic;
  if (op == "PRelu") return Lowering::kPRelu;
  return Lowering::kNone;
}

}  // namespace

QuantizedModel Quantizer::Run() {
  for (ValueId id : graph_.inputs) {
    const Value& value = graph_.value(id);
    const int64_t size = NumElements(value.shape);
    if (size == 0) {
      throw FrontendError(fmt::format("model input '{}' has no elements", value.name));
    }
    // Integers (token ids) and booleans are exact at scale 1.
    const bool is_float = value.type == DataType::kFloat;
    views_[id] = AddTensor(id, QTensor::Kind::kInput, is_float ? InputFrac(id) : 0,
                           value.type == DataType::kBool ? 1 : activation_bound());
    model_.inputs.push_back(NewestTensor());
    if (value.type == DataType::kBool) {
      // What reads a boolean relies on 0 or 1, which a committed input does not promise: the
      // operators read the input clamped into [0, 1].
      views_[id] = EmitStep(MakeElementwise(ElementwiseOp::Kind::kAdd, views_[id]->refs, 0, 1,
                                            LiteralRefs(size, 0), 0, 0, 0, {0, 1}, value.name),
                            value.name + "/clamped", value.shape, 0, 1);
    }
  }
  for (size_t n = 0; n < graph_.nodes.size(); ++n) {
    if (!fused_.count(n)) QuantizeNode(graph_.nodes[n]);
  }
  for (ValueId id : graph_.outputs) model_.outputs.push_back(OutputTensor(id));
  return std::move(model_);
}

bool Quantizer::OnlyCompared(ValueId id) const {
  bool read = false;
  for (const Node& node : graph_.nodes) {
    for (size_t k = 0; k < node.inputs.size(); ++k) {
      if (node.inputs[k] != id) continue;
      read = true;
      const bool threshold = IsComparison(node.op_type) && graph_.IsConstant(node.inputs[1 - k]);
      const bool moved = IsIndexMapOp(node.op_type) && k == 0 && node.outputs.size() == 1 &&
                         OnlyCompared(node.outputs[0]);
      if (!threshold && !moved) return false;
    }
  }
  const auto& outputs = graph_.outputs;
  return read && std::find(outputs.begin(), outputs.end(), id) == outputs.end();
}

int Quantizer::InputFrac(ValueId id) const {
  if (!OnlyCompared(id)) return ActivationFrac(id);
  const int bits = std::min(options_.activation_bits + kComparedInputBits, activation_bound() - 1);
  const double max_abs = ranges_[id].MaxAbs();
  if (!(max_abs > 0) || !std::isfinite(max_abs)) return bits;
  return bits - CeilLog2(max_abs);
}

int Quantizer::ActivationFrac(ValueId id) const {
  if (graph_.value(id).type != DataType::kFloat) return 0;
  const double max_abs = ranges_[id].MaxAbs();
  if (!(max_abs > 0) || !std::isfinite(max_abs)) return options_.activation_bits;
  return options_.activation_bits - CeilLog2(max_abs);
}

View Quantizer::AddTensor(ValueId id, QTensor::Kind kind, int frac_bits, int bound_bits,
                          std::vector<int64_t> values) {
  const Value& value = graph_.value(id);
  const auto tensor = static_cast<TensorId>(model_.tensors.size());
  model_.tensors.push_back(
      {value.name, kind, value.type, value.shape, frac_bits, bound_bits, std::move(values)});
  return View{RefsOf(tensor, Iota(NumElements(value.shape))), frac_bits, bound_bits};
}

TensorId Quantizer::AddIntermediate(const std::string& name, const Shape& shape, int frac_bits,
                                    int bound_bits) {
  model_.tensors.push_back(
      {name, QTensor::Kind::kComputed, DataType::kFloat, shape, frac_bits, bound_bits, {}});
  return NewestTensor();
}

TensorId Quantizer::AddComputed(ValueId id, int frac_bits, int bound_bits) {
  views_[id] = AddTensor(id, QTensor::Kind::kComputed, frac_bits, bound_bits);
  return NewestTensor();
}

const View& Quantizer::ViewOf(const Node& node, ValueId id) {
  const Value& value = graph_.value(id);
  if (!views_[id]) {
    if (!value.constant) {
      throw FrontendError(
          fmt::format("{}: operand '{}' has no value", node.Describe(), value.name));
    }
    views_[id] = value.constant->is_float() ? QuantizeConstant(id, value.constant->values)
                                            : IntegerConstant(node, id, value.constant->ints);
  }
  const bool reads_masks = node.op_type == "Softmax" || IsIndexMapOp(node.op_type) ||
                           (node.op_type == "Where" && graph_.IsConstant(node.inputs[0]));
  if (!views_[id]->masked.empty() && !reads_masks) {
    throw FrontendError(
        fmt::format("{}: operand '{}' holds -inf (a mask); only Softmax, and index "
                    "maps on the way to it, read masked values",
                    node.Describe(), value.name));
  }
  return *views_[id];
}

View Quantizer::IntegerConstant(const Node& node, ValueId id, const std::vector<int64_t>& values) {
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

View Quantizer::QuantizeConstant(ValueId id, const std::vector<double>& values,
                                 std::optional<int> fixed_frac) {
  double max_abs = 0;
  std::vector<bool> masked(values.size());
  bool any_masked = false;
  for (size_t i = 0; i < values.size(); ++i) {
    const double x = values[i];
    // -inf, or float32's lowest value as torch's masked_fill(mask, finfo.min) writes it.
    if (x <= -0x1.fffffep127) {
      masked[i] = any_masked = true;
    } else if (!std::isfinite(x)) {
      throw FrontendError(
          fmt::format("constant '{}' element {} is {}: not a number the model can "
                      "compute with (only -inf, as a mask before a Softmax)",
                      graph_.value(id).name, i, x));
    } else {
      max_abs = std::max(max_abs, std::fabs(x));
    }
  }
  const int frac = fixed_frac.value_or(options_.weight_bits - 1 - CeilLog2(max_abs));
  std::vector<int64_t> q;
  int64_t max_q = 0;
  for (size_t i = 0; i < values.size(); ++i) {
    q.push_back(masked[i] ? 0 : RoundToInt(std::ldexp(values[i], frac)));
    max_q = std::max(max_q, std::abs(q.back()));
  }
  View view = AddTensor(id, QTensor::Kind::kConstant, frac, CeilLog2(max_q + 1.0) + 1, q);
  if (any_masked) view.masked = std::move(masked);
  return view;
}

const Node* Quantizer::FusableActivation(ValueId id) const {
  auto it = only_reader_.find(id);
  if (it == only_reader_.end()) return nullptr;
  const Node& reader = graph_.nodes[it->second];
  if (reader.op_type != "Relu" && reader.op_type != "Clip") return nullptr;
  if (reader.inputs[0] != id) return nullptr;
  return &reader;
}

Clamp Quantizer::ClampOf(const Node& activation, int frac) const {
  if (activation.op_type == "Relu") return {0, std::nullopt};
  const auto [lo, hi] = ClipBounds(activation, Operands(activation));
  const double bound = std::ldexp(1.0, activation_bound());
  Clamp clamp;
  if (std::ldexp(lo, frac) > -bound) clamp.lo = RoundToInt(std::ldexp(lo, frac));
  if (std::ldexp(hi, frac) < bound) clamp.hi = RoundToInt(std::ldexp(hi, frac));
  return clamp;
}

ValueId Quantizer::FuseActivation(ValueId id, const Node** activation) {
  *activation = FusableActivation(id);
  if (!*activation) return id;
  fused_.insert(static_cast<size_t>(only_reader_.at(id)));
  return (*activation)->outputs[0];
}

std::vector<Operand> Quantizer::Operands(const Node& node) const {
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

View Quantizer::Rescale(ValueId id, const View& from, int frac) {
  assert(frac <= from.frac_bits);
  const int shift = from.frac_bits - frac;
  if (shift > air::kMaxRescaleShift) {
    throw FrontendError(fmt::format(
        "'{}' would be rescaled by 2^{} to meet an operand at scale 2^-{}, more than the 2^{} the "
        "prover supports (values of very different magnitudes in one operator)",
        graph_.value(id).name, shift, frac, air::kMaxRescaleShift));
  }
  View out = AddTensor(id, QTensor::Kind::kComputed, frac, std::max(0, from.bound_bits - shift));
  out.masked = from.masked;
  ElementwiseOp op;
  op.out = NewestTensor();
  op.a = from.refs;
  op.b = LiteralRefs(from.refs.size(), 0);
  op.shift = shift;
  Emit(std::move(op));
  return out;
}

TensorId Quantizer::OutputTensor(ValueId id) {
  const Value& value = graph_.value(id);
  if (value.constant) {
    throw FrontendError(fmt::format("model output '{}' is a constant", value.name));
  }
  const View& view = *views_[id];
  if (!view.masked.empty()) {
    throw FrontendError(fmt::format("model output '{}' holds -inf (a mask)", value.name));
  }
  const TensorId t = view.refs.empty() ? ElementRef::kLiteral : view.refs[0].tensor;
  bool identity = t != ElementRef::kLiteral && model_.tensor(t).size() == NumElements(value.shape);
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

void Quantizer::QuantizeNode(const Node& node) {
  const Lowering lowering = LoweringOf(node.op_type);
  // Integers and booleans are exact at scale 1 where they are selected, compared, cast, used as
  // indices, added or subtracted (both at scale 1); other arithmetic would round them, which
  // ONNX's integer operators do not.
  const bool selects = lowering == Lowering::kIndexMap || lowering == Lowering::kWhere ||
                       lowering == Lowering::kCast || lowering == Lowering::kLogical ||
                       lowering == Lowering::kComparison || node.op_type == "Add" ||
                       node.op_type == "Sub" || node.op_type == "Neg";
  for (ValueId id : node.inputs) {
    if (!selects && id != kNoValue && !graph_.IsConstant(id) &&
        graph_.value(id).type != DataType::kFloat) {
      throw FrontendError(fmt::format(
          "{}: computes on {} values ('{}'); the quantizer computes on floats (Cast them first)",
          node.Describe(), ToString(graph_.value(id).type), graph_.value(id).name));
    }
  }
  switch (lowering) {
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
    case Lowering::kBatchNorm:
      return QuantizeBatchNorm(node);
    case Lowering::kComparison:
      return QuantizeComparison(node);
    case Lowering::kLogical:
      return QuantizeLogical(node);
    case Lowering::kWhere:
      return QuantizeWhere(node);
    case Lowering::kCast:
      return QuantizeCast(node);
    case Lowering::kVariadic:
      return QuantizeVariadic(node);
    case Lowering::kPRelu:
      return QuantizePRelu(node);
    case Lowering::kNone:
      break;
  }
  throw FrontendError(
      fmt::format("{}: the quantizer does not support this op type yet", node.Describe()));
}

void Quantizer::QuantizeIndexMap(const Node& node) {
  if (node.op_type == "Gather" && !graph_.IsConstant(node.inputs[1])) {
    return QuantizeGatherByIndex(node);
  }
  const std::vector<IndexMap> maps = ComputeIndexMaps(node, Operands(node));
  for (size_t k = 0; k < maps.size(); ++k) views_[node.outputs[k]] = QuantizedMap(node, maps[k]);
}

View Quantizer::QuantizedMap(const Node& node, const IndexMap& map) {
  std::map<int32_t, View> operands;
  for (const ElementSource& source : map.sources) {
    if (source.operand != ElementSource::kFill && !operands.count(source.operand)) {
      operands[source.operand] = ViewOf(node, node.inputs[source.operand]);
    }
  }
  const auto is_masked = [&](const ElementSource& source) {
    if (source.operand == ElementSource::kFill) return false;
    const std::vector<bool>& masked = operands.at(source.operand).masked;
    return !masked.empty() && masked[source.index];
  };
  // Operands at different scales (a Concat) meet at the coarsest one; an operand of which only
  // masked elements are copied (a mask's -inf) has no say.
  std::set<int32_t> live;
  bool any_masked = false;
  for (const ElementSource& source : map.sources) {
    const bool masked = is_masked(source);
    any_masked = any_masked || masked;
    if (source.operand != ElementSource::kFill && !masked) live.insert(source.operand);
  }
  int frac = 0, bound = 0;
  bool first = true;
  for (int32_t operand : live) {
    frac = first ? operands[operand].frac_bits : std::min(frac, operands[operand].frac_bits);
    first = false;
  }
  for (int32_t operand : live) {
    View& view = operands[operand];
    if (view.frac_bits != frac) view = Rescale(node.inputs[operand], view, frac);
    bound = std::max(bound, view.bound_bits);
  }
  View out({}, frac, bound);
  if (any_masked) out.masked.resize(map.sources.size());
  for (size_t i = 0; i < map.sources.size(); ++i) {
    const ElementSource& source = map.sources[i];
    if (any_masked) out.masked[i] = is_masked(source);
    out.refs.push_back(
        source.operand == ElementSource::kFill
            ? ElementRef{ElementRef::kLiteral, RoundToInt(std::ldexp(map.fill, frac))}
            : operands.at(source.operand).refs[source.index]);
  }
  return out;
}

QuantizedModel Quantize(const Graph& graph, const Calibration& calibration,
                        const QuantizeOptions& options, std::vector<std::string>* notes) {
  Quantizer quantizer(graph, calibration, options);
  QuantizedModel model = quantizer.Run();
  if (notes) *notes = quantizer.notes();
  return model;
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
