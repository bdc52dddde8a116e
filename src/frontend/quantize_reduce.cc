// Reduction lowerings: pooling, ReduceSum/Mean/Max, ArgMax, Softmax and LayerNormalization.
#include <fmt/format.h>

#include <algorithm>
#include <cassert>
#include <cmath>

#include "frontend/frontend_error.h"
#include "frontend/quantizer.h"

namespace tensorstark::frontend {
namespace {

// The precision of the multiplier that divides a windowed sum by its count: 12 bits, fewer (down
// to 8) where a wide window of values at full bound would otherwise overflow the accumulator.
constexpr int kMultiplierBits = 12;
constexpr int kMinMultiplierBits = 8;

}  // namespace

void Quantizer::QuantizeSoftmax(const Node& node) {
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
  // A row's sum of exponentials, in [1, n], is kept below the value bound at 2^-(14 - log2 n): a
  // peaked row's weights are then precise to about n / 2^14, 1.6% at the longest rows taken.
  constexpr int64_t kMaxSoftmaxRow = 256;
  if (n > kMaxSoftmaxRow) {
    throw FrontendError(fmt::format("{}: rows of {} elements; the quantizer takes up to {}", what,
                                    n, kMaxSoftmaxRow));
  }
  std::vector<int64_t> row_of(size), window;  // window: element indices, row by row
  for (int64_t r = 0; r < rows; ++r) {
    const int64_t base = (r / inner) * n * inner + r % inner;
    for (int64_t j = 0; j < n; ++j) {
      window.push_back(base + j * inner);
      row_of[base + j * inner] = r;
    }
  }
  const std::string name = graph_.value(node.outputs[0]).name;
  // Masked elements (-inf, a causal mask) get weight 0: the maximum reads another element of their
  // row instead, and the shift and exponential run over the others (`live`) only.
  const auto masked = [&](int64_t i) { return !x.masked.empty() && x.masked[i]; };
  std::vector<int64_t> live, first_live(rows, -1), live_position(size, -1);
  for (int64_t j = 0; j < rows * n; ++j) {
    const int64_t i = window[j];
    if (!masked(i) && first_live[j / n] < 0) first_live[j / n] = i;
  }
  for (int64_t i = 0; i < size; ++i) {
    if (masked(i)) continue;
    live_position[i] = static_cast<int64_t>(live.size());
    live.push_back(i);
  }
  if (std::find(first_live.begin(), first_live.end(), -1) != first_live.end()) {
    throw FrontendError(fmt::format("{}: a row whose every element is -inf", what));
  }
  const Shape live_shape = x.masked.empty() ? shape : Shape{static_cast<int64_t>(live.size())};
  const std::vector<int64_t> live_rows = [&] {
    std::vector<int64_t> r;
    for (int64_t i : live) r.push_back(row_of[i]);
    return r;
  }();

  ReduceOp max;
  max.kind = ReduceOp::Kind::kMax;
  max.window = n;
  for (int64_t j = 0; j < rows * n; ++j) {
    max.in.push_back(x.refs[masked(window[j]) ? first_live[j / n] : window[j]]);
  }
  max = ChunkMaximum(std::move(max), x.frac_bits, x.bound_bits, name);
  max.out = AddIntermediate(name + "/max", {rows}, x.frac_bits, x.bound_bits);
  const TensorId max_tensor = max.out;
  Emit(std::move(max));

  const int fd = std::min(x.frac_bits, 8);
  std::vector<ElementRef> live_x;
  for (int64_t i : live) live_x.push_back(x.refs[i]);
  ElementwiseOp shifted = MakeElementwise(
      ElementwiseOp::Kind::kSub, live_x, x.frac_bits, x.bound_bits, RefsOf(max_tensor, live_rows),
      x.frac_bits, x.bound_bits, fd, {RoundToInt(std::ldexp(-16.0, fd)), std::nullopt}, what);
  const int bound_d = CeilLog2(std::ldexp(16.0, fd) + 1) + 1;
  shifted.out = AddIntermediate(name + "/shifted", live_shape, fd, bound_d);
  const View d{RefsOf(shifted.out, Iota(static_cast<int64_t>(live.size()))), fd, bound_d};
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
  exp.out = AddIntermediate(name + "/exp", live_shape, kUnitFrac, kUnitFrac + 1);
  std::vector<ElementRef> e;  // exp(d) for every element, 0 for the masked ones
  for (int64_t i = 0; i < size; ++i) {
    e.push_back(masked(i) ? ElementRef{ElementRef::kLiteral, 0}
                          : ElementRef{exp.out, live_position[i]});
  }
  Emit(std::move(exp));

  ReduceOp sum;
  sum.kind = ReduceOp::Kind::kSum;
  sum.window = n;
  for (int64_t i : window) sum.in.push_back(e[i]);
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
  // y and 1/s are at most 1: 2^-14, the finest scale that holds 1, keeps long rows' small
  // weights precise.
  constexpr int fr = 14;
  LookupOp reciprocal =
      MakeLookup("Reciprocal", s, {1.0, static_cast<double>(n)},
                 apply([](double v) { return 1.0 / v; }), fr, what, /*extend=*/false);
  reciprocal.out = AddIntermediate(name + "/reciprocal", {rows}, fr, activation_bound());
  const TensorId reciprocal_tensor = reciprocal.out;
  Emit(std::move(reciprocal));

  const int natural = kUnitFrac + fr;
  const int out_frac =
      std::clamp(std::max(fr, ActivationFrac(out_id)), natural - air::kMaxRescaleShift, natural);
  std::vector<ElementRef> live_e;
  for (int64_t i : live) live_e.push_back(e[i]);
  ElementwiseOp product = MakeElementwise(ElementwiseOp::Kind::kMul, live_e, kUnitFrac,
                                          kUnitFrac + 1, RefsOf(reciprocal_tensor, live_rows), fr,
                                          activation_bound(), out_frac, {}, what);
  if (x.masked.empty()) {
    product.out = AddComputed(out_id, out_frac, activation_bound());
    Emit(std::move(product));
    return;
  }
  // The masked elements' zeros as a computed tensor of their own (a product cannot mix computed
  // and constant elements), and the output a view of both.
  product.out = AddIntermediate(name + "/live", live_shape, out_frac, activation_bound());
  const int64_t n_masked = size - static_cast<int64_t>(live.size());
  ElementwiseOp zeros = MakeElementwise(ElementwiseOp::Kind::kAdd, LiteralRefs(n_masked, 0), 0, 0,
                                        LiteralRefs(n_masked, 0), 0, 0, 0, {}, what);
  zeros.out = AddIntermediate(name + "/masked", {n_masked}, out_frac, 0);
  View out({}, out_frac, activation_bound());
  for (int64_t i = 0, masked_index = 0; i < size; ++i) {
    out.refs.push_back(masked(i) ? ElementRef{zeros.out, masked_index++}
                                 : ElementRef{product.out, live_position[i]});
  }
  views_[out_id] = std::move(out);
  Emit(std::move(product));
  Emit(std::move(zeros));
}

void Quantizer::SetAverage(ReduceOp& op, const std::vector<int64_t>& divisors, const View& x,
                           int frac, const std::string& what) {
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

void Quantizer::SetAverageMultipliers(ReduceOp& op, const std::vector<int64_t>& divisors,
                                      const View& x, int frac, int multiplier_bits,
                                      const std::string& what) {
  const int64_t max_divisor = *std::max_element(divisors.begin(), divisors.end());
  op.shift =
      std::clamp(multiplier_bits + CeilLog2(static_cast<double>(max_divisor)) + x.frac_bits - frac,
                 0, air::kMaxRescaleShift);
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

void Quantizer::QuantizeLayerNorm(const Node& node) {
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
    return EmitStep(std::move(op), name + suffix, shape, frac, bound);
  };
  const ValueRange& range = ranges_[node.inputs[0]];
  const auto variance = calibration_.row_variances.find(node.outputs[0]);
  if (variance == calibration_.row_variances.end()) {
    throw FrontendError(fmt::format("{}: no calibrated row variances", what));
  }

  const TensorId mean = emit_average(x, x.frac_bits, "/mean");
  const int fc = std::min(x.frac_bits, options_.activation_bits - CeilLog2(range.max - range.min));
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

ReduceOp Quantizer::ChunkMaximum(ReduceOp op, int frac, int bound, const std::string& name) {
  for (int level = 0; op.window > kMaxReduceWindow; ++level) {
    const int64_t outputs = static_cast<int64_t>(op.in.size()) / op.window;
    const int64_t chunks = (op.window + kMaxReduceWindow - 1) / kMaxReduceWindow;
    ReduceOp stage;
    stage.kind = ReduceOp::Kind::kMax;
    stage.window = (op.window + chunks - 1) / chunks;
    for (int64_t o = 0; o < outputs; ++o) {
      for (int64_t c = 0; c < chunks; ++c) {
        const int64_t first = c * stage.window;
        for (int64_t w = 0; w < stage.window; ++w) {
          // A short last chunk repeats its own first element, never another chunk's.
          const int64_t i = first + w < op.window ? first + w : first;
          stage.in.push_back(op.in[o * op.window + i]);
        }
      }
    }
    op.in = EmitStep(std::move(stage), fmt::format("{}/chunk_max{}", name, level),
                     {outputs * chunks}, frac, bound)
                .refs;
    op.window = chunks;
  }
  return op;
}

void Quantizer::QuantizeReduce(const Node& node, const ReductionWindows& windows) {
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
  } else {
    op = ChunkMaximum(std::move(op), frac, bound, graph_.value(out_id).name);
  }
  op.out = AddComputed(out_id, frac, bound);
  Emit(std::move(op));
}

// BatchNormalization that no Conv or Gemm before it absorbed (FoldBatchNormalization): per channel
// (axis 1), y = x·s + t with s = scale / sqrt(var + epsilon) and t = bias - mean·s, constants.
void Quantizer::QuantizeBatchNorm(const Node& node) {
  for (size_t i = 1; i < 5; ++i) {
    if (!graph_.IsConstant(node.inputs[i])) {
      throw FrontendError(
          fmt::format("{}: the scale, bias, mean and variance must be constants", node.Describe()));
    }
  }
  const auto constant = [&](size_t i) -> const Tensor& {
    return *graph_.value(node.inputs[i]).constant;
  };
  const ChannelAffine affine =
      BatchNormAffine(node, constant(1), constant(2), constant(3), constant(4));
  double max_t = 0;
  for (double t : affine.shift) max_t = std::max(max_t, std::fabs(t));
  const ValueId x_id = node.inputs[0], out_id = node.outputs[0];
  const Shape& shape = graph_.value(x_id).shape;
  const int64_t size = NumElements(shape), channels = shape[1], inner = size / shape[0] / channels;
  std::vector<int64_t> channel_of(size);
  for (int64_t i = 0; i < size; ++i) channel_of[i] = i / inner % channels;
  const View x = ViewOf(node, x_id);
  const View sv = QuantizeConstant(node.inputs[1], affine.scale);
  const View tv = QuantizeConstant(node.inputs[2], affine.shift);
  const auto per_channel = [&](const View& v) {
    std::vector<ElementRef> refs;
    for (int64_t c : channel_of) refs.push_back(v.refs[c]);
    return refs;
  };
  // x·s = y - t: its scale leaves room for the calibrated |y| plus the largest |t|.
  const int out_frac = ActivationFrac(out_id);
  const int scaled_frac =
      std::min(x.frac_bits + sv.frac_bits,
               options_.activation_bits - CeilLog2(ranges_[out_id].MaxAbs() + max_t));
  const View scaled = EmitStep(
      MakeElementwise(ElementwiseOp::Kind::kMul, x.refs, x.frac_bits, x.bound_bits, per_channel(sv),
                      sv.frac_bits, sv.bound_bits, scaled_frac, {}, node.Describe()),
      graph_.value(out_id).name + "/channel_scaled", shape, scaled_frac, activation_bound());
  EmitElementwise(ElementwiseOp::Kind::kAdd, out_id, scaled.refs, scaled_frac, activation_bound(),
                  per_channel(tv), tv.frac_bits, tv.bound_bits,
                  std::min(out_frac, std::max(scaled_frac, tv.frac_bits)), {}, node);
}

}  // namespace tensorstark::frontend
