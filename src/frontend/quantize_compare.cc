// Comparisons and what reads their results (Where, Cast), and the elementwise operators of several
// tensors that select or add (Max, Min, Sum, Mean, PRelu): each is a few elementwise operators the
// prover already has, mostly a difference clamped at zero.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "frontend/frontend_error.h"
#include "frontend/quantizer.h"

namespace tensorstark::frontend {

std::vector<ElementRef> Quantizer::BroadcastRefs(const View& v, ValueId id, const Shape& shape) {
  std::vector<ElementRef> refs;
  for (int64_t i : BroadcastIndices(graph_.value(id).shape, shape)) refs.push_back(v.refs[i]);
  return refs;
}

// a > b exactly when the difference of their integers at the common scale is at least 1, so the
// comparison is that difference clamped into [0, 1], a BOOL at scale 1. The AIR range-checks how
// far a clamp moves a value (below 2^16): the difference is first shifted right until it fits,
// which decides values closer than that shift's step by rounding.
ElementwiseOp Quantizer::GreaterOp(const Node& node, ValueId a_id, ValueId b_id) {
  if (auto op = ThresholdOp(node, a_id, b_id)) return std::move(*op);
  const Shape& shape = graph_.value(node.outputs[0]).shape;
  const View a = ViewOf(node, a_id), b = ViewOf(node, b_id);
  const int natural = std::max(a.frac_bits, b.frac_bits);
  const double worst = std::ldexp(1.0, a.bound_bits + natural - a.frac_bits) +
                       std::ldexp(1.0, b.bound_bits + natural - b.frac_bits);
  const int shift = std::max(0, CeilLog2(worst) - (static_cast<int>(air::kRangeCheckBits) - 1));
  return MakeElementwise(ElementwiseOp::Kind::kSub, BroadcastRefs(a, a_id, shape), a.frac_bits,
                         a.bound_bits, BroadcastRefs(b, b_id, shape), b.frac_bits, b.bound_bits,
                         natural - shift, {0, 1}, node.Describe());
}

// A computed x against a constant threshold t: t becomes an integer T at x's own scale 2^-f, so
// that the quantized comparison decides exactly as float's does on the quantized x: x > t when
// q > floor(t·2^f), and t > x when q < ceil(t·2^f). Where the calibration values lie within a
// step of t, T moves to the integer that keeps every calibration decision float's (for the
// rounded q of each value); when no integer does (values closer than a step on both sides), the
// threshold is counted in compile's report. Nothing else is rounded: the difference needs no shift
// while x's bound is below the clamp's reach.
std::optional<ElementwiseOp> Quantizer::ThresholdOp(const Node& node, ValueId a_id, ValueId b_id) {
  const bool t_first = graph_.IsConstant(a_id);
  if (t_first == graph_.IsConstant(b_id)) return std::nullopt;
  const ValueId x_id = t_first ? b_id : a_id, t_id = t_first ? a_id : b_id;
  const Tensor& t = *graph_.value(t_id).constant;
  if (!t.is_float() || graph_.value(x_id).type != DataType::kFloat) return std::nullopt;
  const View& x = ViewOf(node, x_id);
  const Shape& shape = graph_.value(node.outputs[0]).shape;
  const std::vector<int64_t> t_index = BroadcastIndices(t.shape, shape);
  const auto spreads = calibration_.decision_spreads.find(node.outputs[0]);
  const auto q = [&](double v) { return std::round(std::ldexp(v, x.frac_bits)); };  // ±inf stays
  // q lies in [-2^b, 2^b): a threshold beyond decides every q alike, and is clamped to where
  // the difference stays within the clamp's reach, 2^(b + 1) - 1 at most.
  const double bound = std::ldexp(1.0, x.bound_bits);
  const double lowest = t_first ? -bound : -bound - 1, highest = t_first ? bound : bound - 1;
  std::vector<ElementRef> thresholds;
  int64_t inseparable = 0;
  for (size_t i = 0; i < t_index.size(); ++i) {
    const double threshold = t.values[t_index[i]];
    if (std::isnan(threshold)) {
      throw FrontendError(fmt::format("{}: a threshold is NaN", node.Describe()));
    }
    const double scaled = std::ldexp(threshold, x.frac_bits);
    double chosen = t_first ? std::ceil(scaled) : std::floor(scaled);
    if (spreads != calibration_.decision_spreads.end()) {
      const DecisionSpread& s = spreads->second.at(i);
      // The integers T that put every calibration value on its float side.
      const double lo = t_first ? q(s.below) + 1 : q(s.at ? threshold : s.below);
      const double hi = t_first ? q(s.at ? threshold : s.above) : q(s.above) - 1;
      if (lo <= hi) {
        chosen = std::clamp(chosen, lo, hi);
      } else {
        ++inseparable;
      }
    }
    chosen = std::clamp(chosen, lowest, highest);
    thresholds.push_back({ElementRef::kLiteral, static_cast<int64_t>(chosen)});
  }
  if (inseparable > 0) {
    notes_.push_back(fmt::format(
        "{}: {} of {} thresholds lie closer than a step (2^-{}) to calibration values on both "
        "sides: decisions that near them may differ from float's",
        node.Describe(), inseparable, t_index.size(), x.frac_bits));
  }
  const int t_bound = x.bound_bits + 1;
  const int shift = std::max(0, x.bound_bits + 1 - static_cast<int>(air::kRangeCheckBits));
  std::vector<ElementRef> x_refs = BroadcastRefs(x, x_id, shape);
  return t_first ? MakeElementwise(ElementwiseOp::Kind::kSub, thresholds, x.frac_bits, t_bound,
                                   x_refs, x.frac_bits, x.bound_bits, x.frac_bits - shift, {0, 1},
                                   node.Describe())
                 : MakeElementwise(ElementwiseOp::Kind::kSub, x_refs, x.frac_bits, x.bound_bits,
                                   thresholds, x.frac_bits, t_bound, x.frac_bits - shift, {0, 1},
                                   node.Describe());
}

// x < y is y > x; x >= y is 1 - (y > x), x <= y is 1 - (x > y) and x == y is
// 1 - (x > y) - (y > x).
void Quantizer::QuantizeComparison(const Node& node) {
  const std::string& type = node.op_type;
  for (ValueId id : node.inputs) {
    if (graph_.value(id).type != DataType::kFloat) {
      throw FrontendError(fmt::format("{}: compares {} values; the quantizer compares floats",
                                      node.Describe(), ToString(graph_.value(id).type)));
    }
  }
  const ValueId x = node.inputs[0], y = node.inputs[1], out_id = node.outputs[0];
  const Shape& shape = graph_.value(out_id).shape;
  const int64_t size = NumElements(shape);
  const std::string name = graph_.value(out_id).name;
  if (type == "Greater" || type == "Less") {
    ElementwiseOp op = type == "Greater" ? GreaterOp(node, x, y) : GreaterOp(node, y, x);
    op.out = AddComputed(out_id, 0, 1);
    Emit(std::move(op));
    return;
  }
  const auto intermediate = [&](ElementwiseOp op, const std::string& suffix) {
    return EmitStep(std::move(op), name + suffix, shape, 0, 1).refs;
  };
  std::vector<ElementRef> excluded;  // 1 where the comparison is false
  if (type == "GreaterOrEqual") {
    excluded = intermediate(GreaterOp(node, y, x), "/less");
  } else if (type == "LessOrEqual") {
    excluded = intermediate(GreaterOp(node, x, y), "/greater");
  } else {  // Equal: at most one of the two is 1
    const std::vector<ElementRef> greater = intermediate(GreaterOp(node, x, y), "/greater");
    const std::vector<ElementRef> less = intermediate(GreaterOp(node, y, x), "/less");
    excluded = intermediate(
        MakeElementwise(ElementwiseOp::Kind::kAdd, greater, 0, 1, less, 0, 1, 0, {}, name),
        "/unequal");
  }
  EmitElementwise(ElementwiseOp::Kind::kSub, out_id, LiteralRefs(size, 1), 0, 1, excluded, 0, 1, 0,
                  {}, node);
}

// Not, And, Or and Xor of booleans (0 or 1 at scale 1): 1 - a, a·b, min(a + b, 1) and (a - b)².
void Quantizer::QuantizeLogical(const Node& node) {
  const ValueId out_id = node.outputs[0];
  const Shape& shape = graph_.value(out_id).shape;
  const int64_t size = NumElements(shape);
  const std::string& type = node.op_type;
  const View a = ViewOf(node, node.inputs[0]);
  if (type == "Not") {
    EmitElementwise(ElementwiseOp::Kind::kSub, out_id, LiteralRefs(size, 1), 0, 1, a.refs, 0, 1, 0,
                    {}, node);
    return;
  }
  const View b = ViewOf(node, node.inputs[1]);
  std::vector<ElementRef> a_refs = BroadcastRefs(a, node.inputs[0], shape);
  std::vector<ElementRef> b_refs = BroadcastRefs(b, node.inputs[1], shape);
  if (type == "Xor") {
    a_refs = b_refs = EmitStep(MakeElementwise(ElementwiseOp::Kind::kSub, a_refs, 0, 1, b_refs, 0,
                                               1, 0, {}, node.Describe()),
                               graph_.value(out_id).name + "/difference", shape, 0, 1)
                          .refs;
  }
  EmitElementwise(type == "Or" ? ElementwiseOp::Kind::kAdd : ElementwiseOp::Kind::kMul, out_id,
                  a_refs, 0, 1, b_refs, 0, 1, 0, type == "Or" ? Clamp{std::nullopt, 1} : Clamp{},
                  node);
}

// Where(c, x, y): with a constant condition, an index map choosing each element from x or y;
// with a computed one (0 or 1), y + c·(x - y).
void Quantizer::QuantizeWhere(const Node& node) {
  if (graph_.IsConstant(node.inputs[0])) {
    views_[node.outputs[0]] = QuantizedMap(node, WhereMap(node, Operands(node)));
    return;
  }
  if (graph_.value(node.outputs[0]).type != DataType::kFloat) {
    throw FrontendError(
        fmt::format("{}: selects {} values by a computed condition; the quantizer selects floats",
                    node.Describe(), ToString(graph_.value(node.outputs[0]).type)));
  }
  const ValueId c_id = node.inputs[0], x_id = node.inputs[1], y_id = node.inputs[2];
  const ValueId out_id = node.outputs[0];
  const Shape& shape = graph_.value(out_id).shape;
  const std::string what = node.Describe(), name = graph_.value(out_id).name;
  const View c = ViewOf(node, c_id), x = ViewOf(node, x_id), y = ViewOf(node, y_id);
  // x - y at the finer scale, or coarser where the calibrated values would not fit its bound.
  const double max_difference = ranges_[x_id].MaxAbs() + ranges_[y_id].MaxAbs();
  const int d_frac = std::min(std::max(x.frac_bits, y.frac_bits),
                              options_.activation_bits - CeilLog2(max_difference));
  const View d = EmitStep(MakeElementwise(ElementwiseOp::Kind::kSub, BroadcastRefs(x, x_id, shape),
                                          x.frac_bits, x.bound_bits, BroadcastRefs(y, y_id, shape),
                                          y.frac_bits, y.bound_bits, d_frac, {}, what),
                          name + "/difference", shape, d_frac, activation_bound());
  const View p =
      EmitStep(MakeElementwise(ElementwiseOp::Kind::kMul, BroadcastRefs(c, c_id, shape), 0, 1,
                               d.refs, d.frac_bits, d.bound_bits, d.frac_bits, {}, what),
               name + "/chosen", shape, d.frac_bits, activation_bound());
  EmitElementwise(ElementwiseOp::Kind::kAdd, out_id, BroadcastRefs(y, y_id, shape), y.frac_bits,
                  y.bound_bits, p.refs, p.frac_bits, p.bound_bits,
                  std::min(ActivationFrac(out_id), std::max(y.frac_bits, p.frac_bits)), {}, node);
}

// A cast to float reads the same integers at the same scale: booleans and integers are exact at
// scale 1. Casting a float to an integer or a boolean would need a proven rounding.
void Quantizer::QuantizeCast(const Node& node) {
  const Value& in = graph_.value(node.inputs[0]);
  const DataType to = graph_.value(node.outputs[0]).type;
  if (to != DataType::kFloat && to != in.type) {
    throw FrontendError(fmt::format("{}: casts a computed {} to {}; the quantizer casts to float",
                                    node.Describe(), ToString(in.type), ToString(to)));
  }
  views_[node.outputs[0]] = ViewOf(node, node.inputs[0]);
}

// Max and Min fold their operands pairwise: max(m, b) = m + max(b - m, 0) and
// min(m, b) = m - max(m - b, 0), each difference a clamp at zero. Sum adds pairwise; Mean is that
// sum times 1/n.
void Quantizer::QuantizeVariadic(const Node& node) {
  const std::string& type = node.op_type;
  const ValueId out_id = node.outputs[0];
  const Shape& shape = graph_.value(out_id).shape;
  const int64_t size = NumElements(shape);
  const std::string what = node.Describe(), name = graph_.value(out_id).name;
  const bool mean = type == "Mean";
  const int out_frac = ActivationFrac(out_id);
  View m = ViewOf(node, node.inputs[0]);
  m.refs = BroadcastRefs(m, node.inputs[0], shape);
  const size_t steps = node.inputs.size() - 1;
  for (size_t k = 1; k <= steps; ++k) {
    View b = ViewOf(node, node.inputs[k]);
    b.refs = BroadcastRefs(b, node.inputs[k], shape);
    const int frac = std::min(out_frac, std::max(m.frac_bits, b.frac_bits));
    const bool last = k == steps && !mean;
    const auto emit = [&](ElementwiseOp op, const std::string& suffix) {
      op.out = last && suffix.empty() ? AddComputed(out_id, frac, activation_bound())
                                      : AddIntermediate(fmt::format("{}/{}{}", name, k, suffix),
                                                        shape, frac, activation_bound());
      const View v{RefsOf(op.out, Iota(size)), frac, activation_bound()};
      Emit(std::move(op));
      return v;
    };
    if (type == "Sum" || mean) {
      m = emit(MakeElementwise(ElementwiseOp::Kind::kAdd, m.refs, m.frac_bits, m.bound_bits, b.refs,
                               b.frac_bits, b.bound_bits, frac, {}, what),
               "");
      continue;
    }
    const bool max = type == "Max";
    const View& from = max ? b : m;  // the difference clamped at zero: b - m or m - b
    const View& to = max ? m : b;
    const View excess =
        emit(MakeElementwise(ElementwiseOp::Kind::kSub, from.refs, from.frac_bits, from.bound_bits,
                             to.refs, to.frac_bits, to.bound_bits, frac, {0, std::nullopt}, what),
             "/excess");
    m = emit(MakeElementwise(max ? ElementwiseOp::Kind::kAdd : ElementwiseOp::Kind::kSub, m.refs,
                             m.frac_bits, m.bound_bits, excess.refs, excess.frac_bits,
                             excess.bound_bits, frac, {}, what),
             "");
  }
  if (!mean) {
    if (steps == 0) views_[out_id] = m;  // one operand: the operator is an identity
    return;
  }
  // 1/n at 2^-12 (exact when n is a power of two).
  const auto n = static_cast<double>(node.inputs.size());
  constexpr int kReciprocalFrac = 12;
  const int64_t reciprocal = RoundToInt(std::ldexp(1.0 / n, kReciprocalFrac));
  EmitElementwise(ElementwiseOp::Kind::kMul, out_id, m.refs, m.frac_bits, m.bound_bits,
                  LiteralRefs(size, reciprocal), kReciprocalFrac, CeilLog2(reciprocal + 1.0) + 1,
                  std::min(out_frac, m.frac_bits + kReciprocalFrac), {}, node);
}

// PRelu(x, slope) = max(x, 0) - slope·max(-x, 0); with one constant slope, a lookup like
// LeakyRelu's.
void Quantizer::QuantizePRelu(const Node& node) {
  const ValueId x_id = node.inputs[0], slope_id = node.inputs[1], out_id = node.outputs[0];
  if (graph_.IsConstant(slope_id) && graph_.value(slope_id).constant->size() == 1) {
    return QuantizeLookup(node);
  }
  const Shape& shape = graph_.value(out_id).shape;
  const Shape& x_shape = graph_.value(x_id).shape;
  const std::string what = node.Describe(), name = graph_.value(out_id).name;
  const View x = ViewOf(node, x_id);
  const auto rectified = [&](bool negated, const std::string& suffix) {
    const std::vector<ElementRef> zero = LiteralRefs(x.refs.size(), 0);
    return EmitStep(
        MakeElementwise(ElementwiseOp::Kind::kSub, negated ? zero : x.refs, x.frac_bits,
                        negated ? 0 : x.bound_bits, negated ? x.refs : zero, x.frac_bits,
                        negated ? x.bound_bits : 0, x.frac_bits, {0, std::nullopt}, what),
        name + suffix, x_shape, x.frac_bits, x.bound_bits);
  };
  const View positive = rectified(false, "/positive");
  View negative = rectified(true, "/negative");
  View slope = ViewOf(node, slope_id);
  NarrowForProduct(negative, x_id, slope, slope_id);
  const int p_frac = std::min(ActivationFrac(out_id), negative.frac_bits + slope.frac_bits);
  const View p =
      EmitStep(MakeElementwise(ElementwiseOp::Kind::kMul, BroadcastRefs(negative, x_id, shape),
                               negative.frac_bits, negative.bound_bits,
                               BroadcastRefs(slope, slope_id, shape), slope.frac_bits,
                               slope.bound_bits, p_frac, {}, what),
               name + "/slope_product", shape, p_frac, activation_bound());
  EmitElementwise(ElementwiseOp::Kind::kSub, out_id, BroadcastRefs(positive, x_id, shape),
                  positive.frac_bits, positive.bound_bits, p.refs, p.frac_bits, p.bound_bits,
                  std::min(ActivationFrac(out_id), std::max(x.frac_bits, p.frac_bits)), {}, node);
}

}  // namespace tensorstark::frontend
