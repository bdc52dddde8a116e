// Elementwise lowerings: arithmetic with broadcasting, clamps, and unary functions as lookups.
#include <fmt/format.h>

#include <algorithm>
#include <cassert>
#include <cmath>

#include "frontend/frontend_error.h"
#include "frontend/quantizer.h"

namespace tensorstark::frontend {

void Quantizer::QuantizeClamp(const Node& node) {
  const View x = ViewOf(node, node.inputs[0]);
  const ValueId out_id = node.outputs[0];
  const int frac = std::min(ActivationFrac(out_id), x.frac_bits);
  EmitElementwise(ElementwiseOp::Kind::kAdd, out_id, x.refs, x.frac_bits, x.bound_bits,
                  LiteralRefs(x.refs.size(), 0), x.frac_bits, 0, frac, ClampOf(node, frac), node);
}

void Quantizer::QuantizeNeg(const Node& node) {
  const View x = ViewOf(node, node.inputs[0]);
  EmitElementwise(ElementwiseOp::Kind::kSub, node.outputs[0], LiteralRefs(x.refs.size(), 0),
                  x.frac_bits, 0, x.refs, x.frac_bits, x.bound_bits,
                  std::min(ActivationFrac(node.outputs[0]), x.frac_bits), {}, node);
}

void Quantizer::QuantizeBinary(const Node& node) {
  const Shape& out_shape = graph_.value(node.outputs[0]).shape;
  View a = ViewOf(node, node.inputs[0]);
  View b;
  ElementwiseOp::Kind kind = node.op_type == "Add"   ? ElementwiseOp::Kind::kAdd
                             : node.op_type == "Sub" ? ElementwiseOp::Kind::kSub
                                                     : ElementwiseOp::Kind::kMul;
  // A divisor's reciprocal may be small: its scale as fine as the product's rescale allows.
  const int finest_reciprocal =
      ActivationFrac(node.outputs[0]) + air::kMaxRescaleShift - a.frac_bits;
  if (node.op_type == "Div" && !graph_.IsConstant(node.inputs[1])) {
    // c / y for a single constant c is one lookup; x / y is x · (1/y).
    if (graph_.IsConstant(node.inputs[0]) && graph_.value(node.inputs[0]).constant->size() == 1) {
      return QuantizeLookup(node);
    }
    b = Reciprocal(node, node.inputs[1], finest_reciprocal);
  } else if (node.op_type == "Div") {
    // x / c is x · (1/c).
    std::vector<double> reciprocal;
    for (double v : graph_.value(node.inputs[1]).constant->values) {
      if (v == 0) throw FrontendError(fmt::format("{}: divides by zero", node.Describe()));
      reciprocal.push_back(1.0 / v);
    }
    double max_abs = 0;
    for (double r : reciprocal) max_abs = std::max(max_abs, std::fabs(r));
    b = QuantizeConstant(node.inputs[1], reciprocal,
                         ScaleFor(max_abs, options_.weight_bits - 1, finest_reciprocal));
  } else {
    b = ViewOf(node, node.inputs[1]);
  }
  if (kind == ElementwiseOp::Kind::kMul) NarrowForProduct(a, node.inputs[0], b, node.inputs[1]);
  const Node* activation = nullptr;
  const ValueId out_id = FuseActivation(node.outputs[0], &activation);
  const int natural = kind == ElementwiseOp::Kind::kMul ? a.frac_bits + b.frac_bits
                                                        : std::max(a.frac_bits, b.frac_bits);
  const int frac = std::min(ActivationFrac(out_id), natural);
  EmitElementwise(kind, out_id, BroadcastRefs(a, node.inputs[0], out_shape), a.frac_bits,
                  a.bound_bits, BroadcastRefs(b, node.inputs[1], out_shape), b.frac_bits,
                  b.bound_bits, frac, activation ? ClampOf(*activation, frac) : Clamp{}, node);
}

void Quantizer::NarrowForProduct(View& a, ValueId a_id, View& b, ValueId b_id) {
  while (a.bound_bits + b.bound_bits >= kAccumulatorBits) {
    View& wider = a.bound_bits >= b.bound_bits ? a : b;
    wider = Rescale(&wider == &a ? a_id : b_id, wider, wider.frac_bits - 1);
  }
}

ElementwiseOp Quantizer::MakeElementwise(ElementwiseOp::Kind kind, std::vector<ElementRef> a,
                                         int a_frac, int a_bound, std::vector<ElementRef> b,
                                         int b_frac, int b_bound, int out_frac, Clamp clamp,
                                         const std::string& what) {
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

void Quantizer::EmitElementwise(ElementwiseOp::Kind kind, ValueId out_id, std::vector<ElementRef> a,
                                int a_frac, int a_bound, std::vector<ElementRef> b, int b_frac,
                                int b_bound, int out_frac, Clamp clamp, const Node& node) {
  ElementwiseOp op = MakeElementwise(kind, std::move(a), a_frac, a_bound, std::move(b), b_frac,
                                     b_bound, out_frac, clamp, node.Describe());
  op.out = AddComputed(out_id, out_frac, activation_bound());
  Emit(std::move(op));
}

LookupOp Quantizer::MakeLookup(const std::string& function, const View& x, const ValueRange& range,
                               const std::function<Tensor(const Tensor&)>& evaluate, int out_frac,
                               const std::string& what, bool extend) {
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
      throw FrontendError(
          fmt::format("{}: the function is not finite or exceeds its output range at {} inside the "
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

void Quantizer::QuantizeLookup(const Node& node) {
  // The one computed operand; the others (Pow's exponent, PRelu's slope, a Div's numerator) are
  // single constants, so one table serves every element.
  std::optional<size_t> computed;
  for (size_t k = 0; k < node.inputs.size(); ++k) {
    const Value& operand = graph_.value(node.inputs[k]);
    if (!operand.constant) {
      if (computed) {
        throw FrontendError(
            fmt::format("{}: operands {} and {} are both computed; the quantizer "
                        "supports a computed base with a constant exponent",
                        node.Describe(), *computed, k));
      }
      computed = k;
    } else if (operand.constant->size() != 1) {
      throw FrontendError(
          fmt::format("{}: operand {} must be a single constant", node.Describe(), k));
    }
  }
  const ValueId in_id = node.inputs[*computed], out_id = node.outputs[0];
  if (NumElements(graph_.value(out_id).shape) != NumElements(graph_.value(in_id).shape)) {
    throw FrontendError(fmt::format("{}: the constant operands broadcast the computed one to {}",
                                    node.Describe(), ShapeToString(graph_.value(out_id).shape)));
  }
  const View x = ViewOf(node, in_id);
  const int out_frac = ActivationFrac(out_id);
  const auto evaluate = [&](const Tensor& domain) {
    std::vector<const Tensor*> operands;
    for (ValueId id : node.inputs) {
      operands.push_back(id == in_id ? &domain : &*graph_.value(id).constant);
    }
    Tensor values = EvaluateNode(node, operands)[0];
    values.shape = domain.shape;  // a [1]-shaped constant may have added a dimension
    return values;
  };
  LookupOp op = MakeLookup(node.op_type, x, ranges_[in_id], evaluate, out_frac, node.Describe());
  op.out = AddComputed(out_id, out_frac, activation_bound());
  Emit(std::move(op));
}

// x / y for a computed y: r = 1/y by lookup, at a scale from y's calibrated range (which must not
// include zero), then x·r.
View Quantizer::Reciprocal(const Node& node, ValueId y_id, int finest) {
  const ValueRange& range = ranges_[y_id];
  if (!(range.min > 0 || range.max < 0)) {
    throw FrontendError(
        fmt::format("{}: divides by '{}', whose calibrated range [{}, {}] includes zero",
                    node.Describe(), graph_.value(y_id).name, range.min, range.max));
  }
  const double max_reciprocal = 1.0 / std::min(std::fabs(range.min), std::fabs(range.max));
  const int frac = ScaleFor(max_reciprocal, options_.activation_bits, finest);
  const View y = ViewOf(node, y_id);
  const auto evaluate = [](const Tensor& domain) {
    Tensor out = domain;
    for (double& v : out.values) v = 1.0 / v;
    return out;
  };
  return EmitStep(MakeLookup("Reciprocal", y, range, evaluate, frac, node.Describe()),
                  graph_.value(node.outputs[0]).name + "/divisor_reciprocal",
                  graph_.value(y_id).shape, frac, activation_bound());
}

}  // namespace tensorstark::frontend
