// The quantizer's state and its lowerings, one file per family: quantize.cc (values, constants,
// index maps, the driver), quantize_elementwise.cc (arithmetic, clamps, lookups),
// quantize_linear.cc (MatMul, Gemm, Conv), quantize_reduce.cc (pooling, reductions, ArgMax,
// LayerNorm), quantize_softmax.cc, quantize_compare.cc (comparisons, Where, Max/Min). Internal to
// the frontend: users include frontend/quantize.h.
#pragma once

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "air/model_relations.h"
#include "frontend/index_map.h"
#include "frontend/linear_form.h"
#include "frontend/ops.h"
#include "frontend/quantize.h"
#include "frontend/reduction_windows.h"

namespace tensorstark::frontend {

using air::kAccumulatorBits;

// How the operators that read a graph value see it: where each element lives, and its scale.
// `masked` marks the elements that are -inf (an attention mask's constant, through the index maps
// on its way to a Softmax, which gives them weight 0); their refs are placeholders. Empty when
// none are.
struct View {
  View() = default;
  View(std::vector<ElementRef> refs, int frac_bits, int bound_bits)
      : refs(std::move(refs)), frac_bits(frac_bits), bound_bits(bound_bits) {}

  std::vector<ElementRef> refs;
  int frac_bits = 0;
  int bound_bits = 0;
  std::vector<bool> masked;
};

inline int64_t Pow2(int bits) { return int64_t{1} << bits; }

inline std::vector<int64_t> Iota(int64_t n) {
  std::vector<int64_t> all(n);
  for (int64_t i = 0; i < n; ++i) all[i] = i;
  return all;
}

// Elements `indices` of tensor t.
inline std::vector<ElementRef> RefsOf(TensorId t, const std::vector<int64_t>& indices) {
  std::vector<ElementRef> refs;
  refs.reserve(indices.size());
  for (int64_t i : indices) refs.push_back({t, i});
  return refs;
}

// The scale 2^-frac that puts a largest magnitude max_abs at about 2^top, from its exact
// magnitude (CeilLog2 stops at 1, which would keep 1/1000 at 2^-top), yet no finer than `finest`
// (what the operator reading it can rescale) and no coarser than CeilLog2 gives.
inline int ScaleFor(double max_abs, int top, int finest) {
  const int coarse = top - CeilLog2(max_abs);
  const int exact = top - static_cast<int>(std::ceil(std::log2(max_abs)));
  return std::max(coarse, std::min(exact, finest));
}

inline std::vector<ElementRef> LiteralRefs(size_t count, int64_t value) {
  return std::vector<ElementRef>(count, ElementRef{ElementRef::kLiteral, value});
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

  QuantizedModel Run();
  const std::vector<std::string>& notes() const { return notes_; }

 private:
  // The bound every computed tensor is proven to stay within.
  static int activation_bound() { return air::kValueBoundBits; }

  // The scale that puts the calibrated maximum |x| of a value at about 2^activation_bits.
  int ActivationFrac(ValueId id) const;
  // Whether a value is read only by comparisons with constant thresholds (a tree ensemble's
  // features), directly or through index maps.
  bool OnlyCompared(ValueId id) const;
  // A model input's scale: ActivationFrac, or kComparedInputBits finer for one only compared.
  int InputFrac(ValueId id) const;

  // A new tensor for graph value `id` and the identity view of it.
  View AddTensor(ValueId id, QTensor::Kind kind, int frac_bits, int bound_bits,
                 std::vector<int64_t> values = {});

  TensorId NewestTensor() const { return static_cast<TensorId>(model_.tensors.size() - 1); }

  // A computed tensor that is no graph value (a step of a decomposed operator).
  TensorId AddIntermediate(const std::string& name, const Shape& shape, int frac_bits,
                           int bound_bits);

  // Adds the tensor an operator computes for value `id`; it becomes the value's view.
  TensorId AddComputed(ValueId id, int frac_bits, int bound_bits);

  // The view of an operand: a computed or input value, or a constant, quantized with weight_bits
  // on first use.
  const View& ViewOf(const Node& node, ValueId id);

  // Integer constants are exact at scale 1, within the bound every proven value keeps.
  View IntegerConstant(const Node& node, ValueId id, const std::vector<int64_t>& values);

  // `values` for constant `id`, their largest magnitude at about 2^(weight_bits - 1) (1 or more:
  // CeilLog2 stops at 1) unless `frac` sets the scale.
  View QuantizeConstant(ValueId id, const std::vector<double>& values,
                        std::optional<int> frac = std::nullopt);

  // The Relu or Clip that is the only reader of value `id`, to fuse into the operator computing
  // it; null if there is none or the value is a model output.
  const Node* FusableActivation(ValueId id) const;

  // The clamp of an activation node at output scale 2^-frac.
  // A bound beyond the output's own bound changes nothing (a result past it is refused anyway),
  // so it is dropped: the AIR range-checks the distance to each bound it keeps.
  Clamp ClampOf(const Node& activation, int frac) const;

  // The value an operator computing `id` writes, after fusing a following activation (recorded in
  // fused_), and the clamp that activation adds, at scale 2^-frac (set later by the caller).
  ValueId FuseActivation(ValueId id, const Node** activation);

  std::vector<Operand> Operands(const Node& node) const;

  template <typename Op>
  void Emit(Op op) {
    model_.ops.emplace_back(std::in_place_type<Op>, std::move(op));
  }

  // Emits `op` into a new tensor that is no graph value (a step of a decomposed operator), named
  // `name`, and returns the identity view of it.
  template <typename Op>
  View EmitStep(Op op, const std::string& name, const Shape& shape, int frac_bits, int bound_bits) {
    op.out = AddIntermediate(name, shape, frac_bits, bound_bits);
    View view(RefsOf(op.out, Iota(NumElements(shape))), frac_bits, bound_bits);
    Emit(std::move(op));
    return view;
  }

  // A copy of `from` at the same or a coarser scale 2^-frac into a new tensor for value `id`
  // (rescaling, or making an index-mapped model output a tensor of its own). Its values are at most
  // 2^(bound - shift) in absolute value.
  View Rescale(ValueId id, const View& from, int frac);

  TensorId OutputTensor(ValueId id);

  void QuantizeNode(const Node& node);

  void QuantizeIndexMap(const Node& node);

  // The view of one output of an index map node: the operands' elements it copies, at the
  // coarsest of their scales.
  View QuantizedMap(const Node& node, const IndexMap& map);

  // MatMul or Gemm of two computed tensors: each operand first gives up the bits that would let
  // depth products reach 2^30. A computed Gemm bias is added by an elementwise operator after.
  void QuantizeDot(const Node& node);

  void QuantizeLinear(const Node& node);

  // The linear operator of `form` over x with constant weights w (and bias), computing value
  // out_id, with a fused activation's clamp.
  void EmitLinear(const LinearForm& form, const View& x, const Tensor& w, const Tensor* bias,
                  ValueId out_id, const Node* activation, const std::string& what);

  // onehot[i, v] = (index[i] == v) for v in [0, n) (integer indices): the differences
  // index[i] - v (step `difference_name`), then a lookup over [-(n - 1), n - 1] that is 1 at 0
  // (step `onehot_name`). An index outside [0, n) is outside the table: refused at proving.
  View OneHot(const View& index, int64_t n, const std::string& difference_name,
              const std::string& onehot_name, const std::string& what);

  // Gather by computed indices from a constant table.
  void QuantizeGatherByIndex(const Node& node);

  // A Relu or Clip that is not fused: a rescale with a clamp.
  void QuantizeClamp(const Node& node);

  void QuantizeNeg(const Node& node);

  // The view's elements at the positions of `shape` that broadcasting value `id` gives.
  std::vector<ElementRef> BroadcastRefs(const View& v, ValueId id, const Shape& shape);

  // 1 where operand a > operand b (both floats), else 0: the operator, its output unset.
  ElementwiseOp GreaterOp(const Node& node, ValueId a_id, ValueId b_id);
  // GreaterOp when one operand is a computed float and the other a constant threshold.
  std::optional<ElementwiseOp> ThresholdOp(const Node& node, ValueId a_id, ValueId b_id);

  // Greater, Less, GreaterOrEqual, LessOrEqual, Equal of float operands.
  void QuantizeComparison(const Node& node);

  // Not, And, Or, Xor.
  void QuantizeLogical(const Node& node);

  void QuantizeWhere(const Node& node);

  void QuantizeCast(const Node& node);

  // Max, Min, Sum, Mean of one or more operands.
  void QuantizeVariadic(const Node& node);

  void QuantizePRelu(const Node& node);

  void QuantizeBinary(const Node& node);

  // A product of two values at full bounds could reach 2^30: the wider operand gives up one bit
  // at a time (a rescaled copy of value a_id or b_id) until it cannot.
  void NarrowForProduct(View& a, ValueId a_id, View& b, ValueId b_id);

  // An elementwise operator up to its output tensor, checked against overflow and the largest
  // rescale the prover takes; `what` names it in errors.
  ElementwiseOp MakeElementwise(ElementwiseOp::Kind kind, std::vector<ElementRef> a, int a_frac,
                                int a_bound, std::vector<ElementRef> b, int b_frac, int b_bound,
                                int out_frac, Clamp clamp, const std::string& what);

  // The same, computing graph value out_id.
  void EmitElementwise(ElementwiseOp::Kind kind, ValueId out_id, std::vector<ElementRef> a,
                       int a_frac, int a_bound, std::vector<ElementRef> b, int b_frac, int b_bound,
                       int out_frac, Clamp clamp, const Node& node);

  // A unary function as a table over the inputs its operand can hold: every input within the
  // operand's bound whose result fits the output's bound, in one interval around the input range
  // `range` (the calibrated one). `evaluate` maps a tensor of inputs to the function's values.
  // Without `extend` the table covers `range` only (an input known to lie in it).
  LookupOp MakeLookup(const std::string& function, const View& x, const ValueRange& range,
                      const std::function<Tensor(const Tensor&)>& evaluate, int out_frac,
                      const std::string& what, bool extend = true);

  // A unary function of the node's one computed operand (Sigmoid, ..., Pow with a constant
  // exponent, PRelu with one slope, a constant divided by a computed value), as a table.
  void QuantizeLookup(const Node& node);

  // 1/y as a lookup, for dividing by computed value y, at a scale no finer than 2^-finest.
  View Reciprocal(const Node& node, ValueId y_id, int finest);

  // Softmax as operators the prover has (quantize_softmax.cc): m = the maximum along the axis;
  // d = max(x - m, -16) at a scale of at most 2^-8; e = exp(d) by lookup; s = Σ e; r = 1/s by
  // lookup (s lies in [1, n]); y = e·r. LogSoftmax ends with y = (x - m) - log(s) instead, x - m
  // not clamped. Rows longer than a lookup of 1/s takes precisely (256): y = exp(min(x - lse, 0))
  // and log y = (x - m) - log(s), from LogSumExp.
  void QuantizeSoftmax(const Node& node);

  // d = clamp(a - b, -16, 0 if at_most_zero) at a scale of at most 2^-8, emitted as step `name`.
  View EmitShifted(const View& a, const View& b, bool at_most_zero, const Shape& shape,
                   const std::string& name, const std::string& what);

  // exp(d) for d of EmitShifted, by lookup at 2^-out_frac; its output unset.
  LookupOp ExpLookup(const View& d, int out_frac, const std::string& what);

  // The maximum M of each row (refs to values of x's scale, rows of one or more elements) and
  // log Σ exp(x - M), in [0, log n] at a fine scale: each chunk of up to kMaxReduceWindow elements
  // gives max(its maximum - M, -16) + log Σ exp(x - its maximum) (a sum in [1, 64], by lookup),
  // and the rows of chunk values are reduced the same way until one value is left per row. Per
  // element, the rows' elements one after another: max(x - its chunk's maximum, -16), and the
  // row's log-sum-exp less that maximum, whose difference is x - lse (a softmax's exponent).
  struct RowLogSumExp {
    View max, above_max;           // per row
    View shifted, lse_over_chunk;  // per element
  };
  RowLogSumExp LogSumExp(std::vector<std::vector<ElementRef>> rows, const View& x,
                         const std::string& name, const std::string& what);

  // A windowed sum's multipliers and shift: out = floor((Σ · m + round) / 2^shift) with
  // m / 2^shift ≈ 2^(frac - x.frac) / divisor, with the most multiplier bits that cannot overflow.
  void SetAverage(ReduceOp& op, const std::vector<int64_t>& divisors, const View& x, int frac,
                  const std::string& what);

  void SetAverageMultipliers(ReduceOp& op, const std::vector<int64_t>& divisors, const View& x,
                             int frac, int multiplier_bits, const std::string& what);

  // LayerNormalization over rows of n elements: mean = the row average; c = x - mean; v = the
  // row average of c·c (one factor a bit coarser, so the product stays below 2^30); r =
  // 1/sqrt(v + epsilon) by lookup; y = (c·r)·scale + bias. The scales of c, c·c, v and r come from
  // the calibrated range of x and of the rows' variances.
  void QuantizeLayerNorm(const Node& node);

  // A maximum whose windows are wider than the prover takes (kMaxReduceWindow) as the maximum of
  // chunk maxima: emits the chunk stages and returns the last stage, its output unset.
  ReduceOp ChunkMaximum(ReduceOp op, int frac, int bound, const std::string& name);

  // An argmax whose windows are wider than the prover takes (kMaxReduceWindow, a power of two):
  // each chunk of them gives its maximum and its argmax; the argmax of the chunk maxima (chunked
  // again while wider) is the winning chunk k, whose own argmax a one-hot row of k selects (a dot
  // product with the chunk argmaxes); the index is k·64 + that. Returns that last operator, its
  // output unset. Ties go as ONNX says, within and across chunks: the first maximum, or the last
  // with select_last, for which the row is padded at its front so padding never follows it.
  ElementwiseOp ChunkArgMax(const ReduceOp& op, int frac, int bound, const std::string& name,
                            int level);

  void QuantizeReduce(const Node& node, const ReductionWindows& windows);

  void QuantizeBatchNorm(const Node& node);

  const Graph& graph_;
  const Calibration& calibration_;
  std::span<const ValueRange> ranges_;
  QuantizeOptions options_;
  std::vector<std::optional<View>> views_;
  std::map<ValueId, size_t> only_reader_;  // the node index of a value's only reader
  std::set<size_t> fused_;                 // activation nodes fused into the operator before
  QuantizedModel model_;
  std::vector<std::string> notes_;  // for compile's report (Quantize's `notes`)
};

}  // namespace tensorstark::frontend
