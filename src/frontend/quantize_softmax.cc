// Softmax and LogSoftmax lowerings: rows up to kMaxReciprocalRow elements through the reciprocal
// of their sum of exponentials, longer rows through their log-sum-exp, computed over chunks.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "frontend/frontend_error.h"
#include "frontend/quantizer.h"

namespace tensorstark::frontend {
namespace {

// exp(d) <= 1 at 2^-13 (a sum's terms, a product's factor): a product with a value at 2^-14 needs
// no extra bit.
constexpr int kUnitFrac = 13;
// Softmax weights (and 1/s) at 2^-14, the finest scale that holds 1.
constexpr int kWeightFrac = 14;
// The finest scale of a long row's weights (2^-24 holds weights down to 2^-12 at 12 bits).
constexpr int kMaxWeightFrac = 24;
// A row's sum of exponentials lies in [1, n]; a lookup of its reciprocal takes it at
// 2^-(14 - log2 n), so a peaked row's weights are precise to about n / 2^14: 1.6% at this length.
// Longer rows go through their log-sum-exp, whose sums never exceed a chunk's 64 elements.
constexpr int64_t kMaxReciprocalRow = 256;

// A unary function of every element, for MakeLookup.
std::function<Tensor(const Tensor&)> Elementwise(double (*f)(double)) {
  return [f](const Tensor& t) {
    Tensor out = t;
    for (double& v : out.values) v = f(v);
    return out;
  };
}

double Log(double v) { return std::log(v); }

// log s for a sum s in [1, n]: the finest scale that keeps log n below 2^13.
int LogFrac(int64_t n) {
  return std::min(kUnitFrac, 13 - CeilLog2(std::log(static_cast<double>(n)) + 1));
}

// v.refs[i] for each i of `at`.
std::vector<ElementRef> Select(const View& v, const std::vector<int64_t>& at) {
  std::vector<ElementRef> refs;
  refs.reserve(at.size());
  for (int64_t i : at) refs.push_back(v.refs[i]);
  return refs;
}

}  // namespace

View Quantizer::EmitShifted(const View& a, const View& b, bool at_most_zero, const Shape& shape,
                            const std::string& name, const std::string& what) {
  const int fd = std::min(std::max(a.frac_bits, b.frac_bits), 8);
  Clamp clamp{RoundToInt(std::ldexp(-16.0, fd)), std::nullopt};
  if (at_most_zero) clamp.hi = 0;
  const int bound_d = CeilLog2(std::ldexp(16.0, fd) + 1) + 1;
  return EmitStep(MakeElementwise(ElementwiseOp::Kind::kSub, a.refs, a.frac_bits, a.bound_bits,
                                  b.refs, b.frac_bits, b.bound_bits, fd, clamp, what),
                  name, shape, fd, bound_d);
}

LookupOp Quantizer::ExpLookup(const View& d, int out_frac, const std::string& what) {
  // At an output scale finer than 2^-14 the table stops at the last d whose exp(d) stays in the
  // bound.
  const double last = std::log(std::ldexp(Pow2(activation_bound()) - 2, -out_frac));
  const double top =
      last >= 0 ? 0 : std::ldexp(std::floor(std::ldexp(last, d.frac_bits)), -d.frac_bits);
  return MakeLookup("Exp", d, {-16.0, top}, Elementwise([](double v) { return std::exp(v); }),
                    out_frac, what, /*extend=*/false);
}

Quantizer::RowLogSumExp Quantizer::LogSumExp(std::vector<std::vector<ElementRef>> rows,
                                             const View& x, const std::string& name,
                                             const std::string& what) {
  RowLogSumExp result;
  // Chunk values lie in [-16, log n], relative to the row's maximum: the scale that holds them.
  double longest = 1;
  for (const auto& row : rows) longest = std::max(longest, static_cast<double>(row.size()));
  const int frac =
      std::min(LogFrac(kMaxReduceWindow), activation_bound() - CeilLog2(17 + std::log(longest)));
  int in_frac = x.frac_bits, in_bound = x.bound_bits;
  View offset0;  // the first level's chunk offsets, max(chunk max - M, -16)
  std::vector<int64_t> row_of_chunk0, chunk_of_element;  // the first level's chunks
  for (int level = 0;; ++level) {
    const auto step = [&](const char* kind) {
      return fmt::format("{}/lse_{}{}", name, kind, level);
    };
    std::vector<std::vector<ElementRef>> chunks;
    std::vector<size_t> chunk_row, first_chunk(rows.size());
    int64_t window = 1, row_chunks = 1;
    for (size_t r = 0; r < rows.size(); ++r) {
      first_chunk[r] = chunks.size();
      for (size_t first = 0; first < rows[r].size(); first += kMaxReduceWindow) {
        const size_t last = std::min<size_t>(rows[r].size(), first + kMaxReduceWindow);
        chunks.emplace_back(rows[r].begin() + first, rows[r].begin() + last);
        chunk_row.push_back(r);
        window = std::max(window, static_cast<int64_t>(last - first));
      }
      row_chunks = std::max(row_chunks, static_cast<int64_t>(chunks.size() - first_chunk[r]));
    }
    const Shape shape{static_cast<int64_t>(chunks.size())};
    const auto in_chunk = [&](size_t c, int64_t w) {
      return w < static_cast<int64_t>(chunks[c].size());
    };
    // Each chunk's maximum (a short chunk repeats its first element).
    ReduceOp max;
    max.kind = ReduceOp::Kind::kMax;
    max.window = window;
    for (size_t c = 0; c < chunks.size(); ++c) {
      for (int64_t w = 0; w < window; ++w) max.in.push_back(chunks[c][in_chunk(c, w) ? w : 0]);
    }
    const View m = EmitStep(std::move(max), step("max"), shape, in_frac, in_bound);
    View elements({}, in_frac, in_bound), their_max({}, in_frac, in_bound);
    for (size_t c = 0; c < chunks.size(); ++c) {
      elements.refs.insert(elements.refs.end(), chunks[c].begin(), chunks[c].end());
      their_max.refs.insert(their_max.refs.end(), chunks[c].size(), m.refs[c]);
    }
    // log s, s = Σ exp(x - chunk maximum) over the chunk, in [1, window].
    const Shape element_shape{static_cast<int64_t>(elements.refs.size())};
    const View d = EmitShifted(elements, their_max, /*at_most_zero=*/false, element_shape,
                               step("shifted"), what);
    if (level == 0) {
      result.shifted = d;
      for (size_t c = 0; c < chunks.size(); ++c) {
        chunk_of_element.insert(chunk_of_element.end(), chunks[c].size(), static_cast<int64_t>(c));
      }
    }
    const View e = EmitStep(ExpLookup(d, kUnitFrac, what), step("exp"), element_shape, kUnitFrac,
                            kUnitFrac + 1);
    ReduceOp sum;
    sum.kind = ReduceOp::Kind::kSum;
    sum.window = window;
    for (size_t c = 0, next = 0; c < chunks.size(); ++c) {
      for (int64_t w = 0; w < window; ++w) {
        sum.in.push_back(in_chunk(c, w) ? e.refs[next++] : ElementRef{ElementRef::kLiteral, 0});
      }
    }
    const int fs = std::min(kUnitFrac, activation_bound() - 1 - CeilLog2(window));
    sum.shift = kUnitFrac - fs;
    sum.multiplier.assign(chunks.size(), 1);
    const View s = EmitStep(std::move(sum), step("sum"), shape, fs, activation_bound());
    const int fl = LogFrac(window);
    const View l = EmitStep(MakeLookup("Log", s, {1.0, static_cast<double>(window)},
                                       Elementwise(Log), fl, what, /*extend=*/false),
                            step("log_sum"), shape, fl, activation_bound());
    // The chunk's value relative to the row maximum M: on the first level max(chunk max - M, -16)
    // + log s (a chunk 16 below M adds under 64·e^-16 to a sum of at least 1); after it, the
    // values are relative already.
    View offset = m;
    if (level == 0) {
      ReduceOp row_max;
      row_max.kind = ReduceOp::Kind::kMax;
      row_max.window = row_chunks;
      for (size_t r = 0; r < rows.size(); ++r) {
        const size_t end = r + 1 < rows.size() ? first_chunk[r + 1] : chunks.size();
        for (int64_t k = 0; k < row_chunks; ++k) {
          const size_t c = first_chunk[r] + k;
          row_max.in.push_back(m.refs[c < end ? c : first_chunk[r]]);
        }
      }
      row_max = ChunkMaximum(std::move(row_max), in_frac, in_bound, name);
      result.max = EmitStep(std::move(row_max), name + "/max", {static_cast<int64_t>(rows.size())},
                            in_frac, in_bound);
      row_of_chunk0.assign(chunk_row.begin(), chunk_row.end());
      const int offset_frac = std::min(in_frac, frac);
      offset = EmitStep(
          MakeElementwise(ElementwiseOp::Kind::kSub, m.refs, in_frac, in_bound,
                          Select(result.max, row_of_chunk0), in_frac, in_bound, offset_frac,
                          {RoundToInt(std::ldexp(-16.0, offset_frac)), std::nullopt}, what),
          step("offset"), shape, offset_frac, activation_bound());
      offset0 = offset;
    }
    const View value =
        EmitStep(MakeElementwise(ElementwiseOp::Kind::kAdd, offset.refs, offset.frac_bits,
                                 offset.bound_bits, l.refs, fl, l.bound_bits, frac, {}, what),
                 step("value"), shape, frac, activation_bound());
    if (chunks.size() == rows.size()) {
      result.above_max = value;
      // log s minus each first-level chunk's offset: the log-sum-exp over the chunk's maximum.
      const View lse_over_chunk =
          EmitStep(MakeElementwise(ElementwiseOp::Kind::kSub, Select(value, row_of_chunk0), frac,
                                   value.bound_bits, offset0.refs, offset0.frac_bits,
                                   offset0.bound_bits, frac, {}, what),
                   name + "/lse_over_chunk", {static_cast<int64_t>(row_of_chunk0.size())}, frac,
                   activation_bound());
      result.lse_over_chunk =
          View(Select(lse_over_chunk, chunk_of_element), frac, activation_bound());
      return result;
    }
    // The next level reduces each row's chunk values the same way.
    std::vector<std::vector<ElementRef>> next(rows.size());
    for (size_t c = 0; c < chunks.size(); ++c) next[chunk_row[c]].push_back(value.refs[c]);
    rows = std::move(next);
    in_frac = frac;
    in_bound = activation_bound();
  }
}

void Quantizer::QuantizeSoftmax(const Node& node) {
  const std::string what = node.Describe();
  const ValueId x_id = node.inputs[0], out_id = node.outputs[0];
  const View x = ViewOf(node, x_id);
  const Shape& shape = graph_.value(x_id).shape;
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
  const std::string name = graph_.value(out_id).name;
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
  std::vector<int64_t> live_rows;
  std::vector<ElementRef> live_x;
  for (int64_t i : live) {
    live_rows.push_back(row_of[i]);
    live_x.push_back(x.refs[i]);
  }

  // The weights of the live elements (`op`, any operator kind, its output unset) are the output;
  // with masked elements, a view of them and of a tensor of zeros (an operator cannot mix
  // computed and constant elements).
  const auto emit_weights = [&](auto op, int out_frac) {
    if (x.masked.empty()) {
      op.out = AddComputed(out_id, out_frac, activation_bound());
      Emit(std::move(op));
      return;
    }
    op.out = AddIntermediate(name + "/live", live_shape, out_frac, activation_bound());
    const int64_t n_masked = size - static_cast<int64_t>(live.size());
    ElementwiseOp zeros = MakeElementwise(ElementwiseOp::Kind::kAdd, LiteralRefs(n_masked, 0), 0, 0,
                                          LiteralRefs(n_masked, 0), 0, 0, 0, {}, what);
    zeros.out = AddIntermediate(name + "/masked", {n_masked}, out_frac, 0);
    View out({}, out_frac, activation_bound());
    for (int64_t i = 0, masked_index = 0; i < size; ++i) {
      out.refs.push_back(masked(i) ? ElementRef{zeros.out, masked_index++}
                                   : ElementRef{op.out, live_position[i]});
    }
    views_[out_id] = std::move(out);
    Emit(std::move(op));
    Emit(std::move(zeros));
  };

  // log y = (x - M) - log s for the row maximum M and s = Σ exp(x - M), x - M not clamped.
  const auto emit_log_weights = [&](const View& m, const View& log_sum) {
    const int out_frac = std::min(ActivationFrac(out_id), x.frac_bits);
    const View centered =
        EmitStep(MakeElementwise(ElementwiseOp::Kind::kSub, x.refs, x.frac_bits, x.bound_bits,
                                 Select(m, row_of), x.frac_bits, x.bound_bits, out_frac, {}, what),
                 name + "/minus_max", shape, out_frac, activation_bound());
    EmitElementwise(ElementwiseOp::Kind::kSub, out_id, centered.refs, out_frac, activation_bound(),
                    Select(log_sum, row_of), log_sum.frac_bits, log_sum.bound_bits, out_frac, {},
                    node);
  };

  if (n > kMaxReciprocalRow) {
    // Long rows: y = exp(min(x - lse, 0)), LogSumExp giving lse over each chunk's maximum.
    std::vector<std::vector<ElementRef>> row_elements(rows);
    for (int64_t i : live) row_elements[row_of[i]].push_back(x.refs[i]);
    const RowLogSumExp lse = LogSumExp(std::move(row_elements), x, name, what);
    if (node.op_type == "LogSoftmax") return emit_log_weights(lse.max, lse.above_max);
    // d = max(x - chunk max, -16) - (lse - chunk max), the live elements in their order (LogSumExp
    // keeps them row after row).
    std::vector<int64_t> next_of_row(rows + 1, 0), order;
    for (int64_t row : live_rows) ++next_of_row[row + 1];
    for (int64_t r = 0; r < rows; ++r) next_of_row[r + 1] += next_of_row[r];
    for (int64_t row : live_rows) order.push_back(next_of_row[row]++);
    const View d =
        EmitShifted(View(Select(lse.shifted, order), lse.shifted.frac_bits, lse.shifted.bound_bits),
                    View(Select(lse.lse_over_chunk, order), lse.lse_over_chunk.frac_bits,
                         lse.lse_over_chunk.bound_bits),
                    /*at_most_zero=*/true, live_shape, name + "/minus_log_sum", what);
    // The weights at the scale that puts the calibrated largest at about 2^activation_bits (each
    // is as precise as d, relatively), at least 2^-14.
    const double largest = ranges_[out_id].MaxAbs();
    const int out_frac =
        largest > 0 && largest <= 1
            ? std::max(kWeightFrac, ScaleFor(largest, options_.activation_bits, kMaxWeightFrac))
            : kWeightFrac;
    emit_weights(ExpLookup(d, out_frac, what), out_frac);
    return;
  }

  ReduceOp max;
  max.kind = ReduceOp::Kind::kMax;
  max.window = n;
  for (int64_t j = 0; j < rows * n; ++j) {
    max.in.push_back(x.refs[masked(window[j]) ? first_live[j / n] : window[j]]);
  }
  max = ChunkMaximum(std::move(max), x.frac_bits, x.bound_bits, name);
  const View m = EmitStep(std::move(max), name + "/max", {rows}, x.frac_bits, x.bound_bits);
  const View d = EmitShifted(View(live_x, x.frac_bits, x.bound_bits),
                             View(Select(m, live_rows), x.frac_bits, x.bound_bits),
                             /*at_most_zero=*/false, live_shape, name + "/shifted", what);
  const View exp =
      EmitStep(ExpLookup(d, kUnitFrac, what), name + "/exp", live_shape, kUnitFrac, kUnitFrac + 1);

  ReduceOp sum;
  sum.kind = ReduceOp::Kind::kSum;
  sum.window = n;
  for (int64_t i : window) {  // exp(d), 0 for the masked elements
    sum.in.push_back(masked(i) ? ElementRef{ElementRef::kLiteral, 0} : exp.refs[live_position[i]]);
  }
  // The sum lies in [1, n]: n·2^fs stays below the bound.
  const int fs = std::min(kUnitFrac, activation_bound() - 1 - CeilLog2(static_cast<double>(n)));
  sum.shift = kUnitFrac - fs;
  sum.multiplier.assign(rows, 1);
  const View s = EmitStep(std::move(sum), name + "/sum", {rows}, fs, activation_bound());

  if (node.op_type == "LogSoftmax") {
    const int fl = LogFrac(n);
    return emit_log_weights(m, EmitStep(MakeLookup("Log", s, {1.0, static_cast<double>(n)},
                                                   Elementwise(Log), fl, what, /*extend=*/false),
                                        name + "/log_sum", {rows}, fl, activation_bound()));
  }
  const View reciprocal =
      EmitStep(MakeLookup("Reciprocal", s, {1.0, static_cast<double>(n)},
                          Elementwise([](double v) { return 1.0 / v; }), kWeightFrac, what,
                          /*extend=*/false),
               name + "/reciprocal", {rows}, kWeightFrac, activation_bound());
  const int natural = kUnitFrac + kWeightFrac;
  const int out_frac = std::clamp(std::max(kWeightFrac, ActivationFrac(out_id)),
                                  natural - air::kMaxRescaleShift, natural);
  emit_weights(MakeElementwise(ElementwiseOp::Kind::kMul, exp.refs, kUnitFrac, kUnitFrac + 1,
                               Select(reciprocal, live_rows), kWeightFrac, activation_bound(),
                               out_frac, {}, what),
               out_frac);
}

}  // namespace tensorstark::frontend
