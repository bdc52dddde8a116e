// Reduction lowerings: pooling, ReduceSum/Mean/Max, ArgMax and LayerNormalization.
#include <fmt/format.h>

#include <algorithm>
#include <bit>
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

ElementwiseOp Quantizer::ChunkArgMax(const ReduceOp& op, int frac, int bound,
                                     const std::string& name, int level) {
  static_assert(std::has_single_bit(static_cast<uint64_t>(kMaxReduceWindow)));
  constexpr int64_t m = kMaxReduceWindow;
  const auto step = [&](const char* kind) { return fmt::format("{}/{}{}", name, kind, level); };
  const int64_t outputs = static_cast<int64_t>(op.in.size()) / op.window;
  const int64_t chunks = (op.window + m - 1) / m, padding = chunks * m - op.window;
  const std::string what = fmt::format("the argmax computing '{}'", name);
  // Each padded row: a short chunk repeats an element of its own (the row's first element at the
  // front with select_last, the last chunk's first element at the back otherwise).
  ReduceOp chunk_max, chunk_argmax;
  chunk_max.kind = ReduceOp::Kind::kMax;
  chunk_argmax.kind = ReduceOp::Kind::kArgMax;
  chunk_argmax.select_last = op.select_last;
  chunk_max.window = chunk_argmax.window = m;
  for (int64_t o = 0; o < outputs; ++o) {
    const auto row = op.in.begin() + o * op.window;
    std::vector<ElementRef> padded(row, row + op.window);
    if (op.select_last) {
      padded.insert(padded.begin(), padding, row[0]);
    } else {
      padded.insert(padded.end(), padding, row[(chunks - 1) * m]);
    }
    chunk_max.in.insert(chunk_max.in.end(), padded.begin(), padded.end());
  }
  chunk_argmax.in = chunk_max.in;
  const int index_bound = CeilLog2(static_cast<double>(m)) + 1;
  const View maxima =
      EmitStep(std::move(chunk_max), step("chunk_max"), {outputs * chunks}, frac, bound);
  const View argmaxes =
      EmitStep(std::move(chunk_argmax), step("chunk_argmax"), {outputs * chunks}, 0, index_bound);
  ReduceOp top;
  top.kind = ReduceOp::Kind::kArgMax;
  top.select_last = op.select_last;
  top.window = chunks;
  top.in = maxima.refs;
  const int chunk_bound = CeilLog2(static_cast<double>(chunks)) + 1;
  const View winner =
      chunks > m ? EmitStep(ChunkArgMax(top, frac, bound, name, level + 1), step("winning_chunk"),
                            {outputs}, 0, chunk_bound)
                 : EmitStep(std::move(top), step("winning_chunk"), {outputs}, 0, chunk_bound);
  const View onehot = OneHot(winner, chunks, step("chunk_difference"), step("chunk_onehot"), what);
  // The winning chunk's argmax, less the front padding: Σ_c onehot[c]·argmax[c] - padding.
  DotOp select;
  select.depth = chunks;
  select.a = onehot.refs;
  select.b = argmaxes.refs;
  select.bias.assign(outputs, op.select_last ? -padding : 0);
  const View within = EmitStep(std::move(select), step("chunk_winner"), {outputs}, 0, index_bound);
  ElementwiseOp index;  // within + winner·m
  index.kind = ElementwiseOp::Kind::kAdd;
  index.a = within.refs;
  index.b = winner.refs;
  index.b_left = std::countr_zero(static_cast<uint64_t>(m));
  return index;
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
    const int index_bound = CeilLog2(static_cast<double>(op.window)) + 1;
    if (op.window > kMaxReduceWindow) {
      ElementwiseOp index = ChunkArgMax(op, frac, bound, graph_.value(out_id).name, 0);
      index.out = AddComputed(out_id, 0, index_bound);
      Emit(std::move(index));
      return;
    }
    frac = 0;
    bound = index_bound;
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
