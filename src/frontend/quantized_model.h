// The compiled model: the ONNX graph quantized to exact integer semantics, as a list of integer
// operators over integer tensors. Every tensor has a power-of-two scale (a real value x is held as
// q = round(x · 2^frac_bits)) chosen by calibration, and a bound: |q| <= 2^bound_bits for each
// element, which the compiler's no-wrap analysis relies on. An input's bound is checked (by `run`
// and by the verifier, on the statement); a computed value is proven to lie in [-2^15, 2^15), and
// a tighter bound follows from how it is computed (a table's values, a rescaled copy).
// Every operator's semantics is exact
// integer arithmetic, and each rescale is a floor division by a power of two whose remainder the
// AIR range-checks, so the integer interpreter (quantized_eval.h) and the AIR agree bit for bit.
//
// Shape-only operators (index maps) leave no operator behind: an operator reads each operand
// element through an ElementRef, the composition of all index maps between it and the tensor the
// element lives in.
#pragma once

#include <array>
#include <cmath>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

#include "frontend/tensor.h"

namespace tensorstark::frontend {

using TensorId = int32_t;

// A model's AIR addresses the elements of its inputs and computed tensors below 2^30
// (model_air.h): a model file stating more is refused.
inline constexpr int64_t kMaxTensorElements = int64_t{1} << 30;

struct QTensor {
  enum class Kind : uint8_t { kInput, kComputed, kConstant };

  std::string name;  // the ONNX value's name
  Kind kind = Kind::kComputed;
  DataType type = DataType::kFloat;  // of the ONNX value; kInt64 for ArgMax's indices
  Shape shape;
  int frac_bits = 0;
  int bound_bits = 0;
  std::vector<int64_t> values;  // constants only

  int64_t size() const { return NumElements(shape); }
  double scale() const;  // 2^-frac_bits, the real value of q = 1
  // The tensor of real values that quantized values q (size() of them) stand for: q · 2^-frac_bits
  // for a float tensor, q itself for an integer one (at scale 1).
  Tensor Dequantize(std::span<const int64_t> q) const;
};

// floor((v + RoundingOffset(shift)) / 2^shift) rounds v / 2^shift to nearest: every rescale's
// rounding.
inline int64_t RoundingOffset(int shift) { return shift > 0 ? int64_t{1} << (shift - 1) : 0; }

// The integer bits a magnitude x needs above the binary point: ⌈log2 x⌉, and 0 for x ≤ 1.
inline int CeilLog2(double x) { return x <= 1 ? 0 : static_cast<int>(std::ceil(std::log2(x))); }

inline int64_t RoundToInt(double x) { return std::llround(x); }

// One operand element: element `index` of tensor `tensor`, or the integer `index` itself when
// tensor is kLiteral (padding and fill values).
struct ElementRef {
  static constexpr TensorId kLiteral = -1;
  TensorId tensor = kLiteral;
  int64_t index = 0;

  bool operator==(const ElementRef&) const = default;
};

// The optional clamp a fused activation adds after the rescale: ReLU is [0, +inf), Clip is
// [round(min · 2^frac), round(max · 2^frac)].
struct Clamp {
  std::optional<int64_t> lo, hi;

  bool active() const { return lo || hi; }
  int64_t Apply(int64_t q) const;
};

// out[out_index[r·cols + c]] = clamp(floor((Σ_k x[r, c, k] · weights[k·cols + c]
//                                           + bias[r·cols + c]) / 2^shift))
// where x[r, c, k] = x[(r·groups + c / (cols / groups))·depth + k]. The bias already holds the
// rounding offset 2^(shift-1), so the floor rounds to nearest.
struct LinearOp {
  TensorId out = 0;
  int64_t rows = 0, depth = 0, cols = 0, groups = 1;
  std::vector<ElementRef> x;
  std::vector<int64_t> weights;
  std::vector<int64_t> bias;
  std::vector<int64_t> out_index;
  int shift = 0;
  Clamp clamp;
  // The bias is one row repeated (bias[r·cols + c] = bias[c]: a Conv's per channel, a Gemm's
  // broadcast C), known from the model's shapes: with private weights only one row of it is
  // private (linear_plan.h, BiasPeriod), and a verifying model, whose bias is zero, keeps it.
  bool bias_per_column = false;
  // Every weight lies in [-2^(weight_bits-1), 2^(weight_bits-1)] (0: not known to): with private
  // weights, weights of at most 10 bits may be packed three to a word of their digest
  // (air/weight_packing.h; ModelAir says when), so a verifying model, whose weights are zero,
  // keeps it.
  int weight_bits = 0;
};

// out[i] = clamp(floor(((a[i] · 2^a_left) op (b[i] · 2^b_left) + round) / 2^shift)), op one of
// +, -, ×; the left shifts align the scales of an addition's operands.
struct ElementwiseOp {
  enum class Kind : uint8_t { kAdd, kSub, kMul };
  Kind kind = Kind::kAdd;
  TensorId out = 0;
  std::vector<ElementRef> a, b;
  int a_left = 0, b_left = 0;
  int shift = 0;
  Clamp clamp;
};

// out[i] = table[in[i] - table_lo]: any unary function (Sigmoid, Tanh, Exp, GELU's Erf, ...) as a
// lookup into a table over the inputs' range; an input outside the table is an error.
struct LookupOp {
  std::string function;  // the ONNX op type, for reports
  TensorId out = 0;
  std::vector<ElementRef> in;
  int64_t table_lo = 0;
  std::vector<int64_t> table;
};

// A reduction over windows of `window` elements each, one window per output element:
//   kSum:    out[i] = floor((Σ_w in[i·window + w] · multiplier + round) / 2^shift), the form of
//            average pooling, ReduceMean and ReduceSum;
//   kMax:    out[i] = max_w in[i·window + w] (MaxPool, ReduceMax), padding never selected;
//   kArgMax: out[i] = the first (or last) w at which the window's maximum is.
// The widest window the prover's maximum (and argmax) takes; the quantizer splits a wider maximum
// into chunks.
inline constexpr int64_t kMaxReduceWindow = 64;

struct ReduceOp {
  enum class Kind : uint8_t { kSum, kMax, kArgMax };
  Kind kind = Kind::kSum;
  TensorId out = 0;
  int64_t window = 0;
  std::vector<ElementRef> in;
  std::vector<int64_t> multiplier;  // kSum: one per output element
  int shift = 0;
  bool select_last = false;  // kArgMax
};

// out[i] = clamp(floor((Σ_k a[i·depth + k] · b[i·depth + k] + bias[i]) / 2^shift)): dot products
// of two computed tensors (MatMul and Gemm whose operands are both computed), one per output
// element in row-major order. The bias holds the rounding offset, as in LinearOp.
struct DotOp {
  TensorId out = 0;
  int64_t depth = 0;
  std::vector<ElementRef> a, b;
  std::vector<int64_t> bias;
  int shift = 0;
  Clamp clamp;
};

using QOp = std::variant<LinearOp, ElementwiseOp, LookupOp, ReduceOp, DotOp>;

// How the linear operators lay out their trace (frontend/linear_plan.h). Wide: each trace row
// computes all of an output row's outputs: the fewest rows, the fastest proofs. Narrow: few inputs
// and outputs per trace row: the fewest columns, so every query opens fewer values and proofs are
// several times smaller (for verification on Starknet), at the cost of a longer trace.
enum class TraceShape : uint8_t { kWide, kNarrow };

// What a proof states about the model inputs (or outputs): their values (public), their Poseidon2
// digest, computed in the AIR (committed), or nothing (private). Committed and private tensors
// live in the trace only, which a zero-knowledge proof hides. Weights are public (in the
// preprocessed tree) or private (in the trace, their digest fixed by the AIR: model_air.h).
enum class Visibility : uint8_t { kPublic, kCommitted, kPrivate };

// A slice's link to the slice before it (in) or after it (out): the tensors the two share, which
// both state as one Poseidon2 digest of a salt and their values (ModelAir), so that the digest
// hides them. The salt is an input of kSaltSize private values the prover draws.
struct SliceLink {
  static constexpr int64_t kSaltSize = 8;
  TensorId salt = 0;
  std::vector<TensorId> tensors;
};

struct QuantizedModel {
  std::vector<QTensor> tensors;
  std::vector<QOp> ops;           // in evaluation order
  std::vector<TensorId> inputs;   // the model inputs, in ONNX order
  std::vector<TensorId> outputs;  // the model outputs, in ONNX order
  std::string onnx;               // the ONNX model's bytes: float inference for `run`
  std::string source;             // the path it was compiled from, for reports
  TraceShape trace_shape = TraceShape::kNarrow;
  Visibility input_visibility = Visibility::kPublic;
  Visibility output_visibility = Visibility::kPublic;
  Visibility weights_visibility = Visibility::kPublic;  // public or private
  // A verifying model's (WithoutWeights): the digest of the private weights it no longer holds.
  std::optional<std::array<uint32_t, 8>> weights_digest;
  // How many context felts its proofs state (compile --context; frontend/context.h).
  uint32_t context_felts = 0;
  // Where compile cut the model into slices, each proved on its own (frontend/slices.h): the
  // first operator of every slice after the first, ascending; empty for a model of one slice.
  std::vector<size_t> slice_starts;
  // A verifying model's of a model of several slices: each slice's private weights' digest (as
  // weights_digest, which it then does not hold).
  std::vector<std::array<uint32_t, 8>> slice_weights_digests;
  // A slice's (SliceOf): its links to the slices before and after it. Not in a model file.
  std::optional<SliceLink> link_in, link_out;

  const QTensor& tensor(TensorId id) const { return tensors.at(id); }
};

// Whether proofs of the model must be zero-knowledge: it has committed or private inputs or
// outputs, or private weights, which a plain proof opens at enough points to interpolate them, or
// slices, whose links are private.
bool RequiresZeroKnowledge(const QuantizedModel& model);

// "wide" or "narrow", and back (nullopt for anything else).
std::string TraceShapeName(TraceShape shape);
std::optional<TraceShape> ParseTraceShape(std::string_view name);
// "public", "committed" or "private", and back (nullopt for anything else).
std::string VisibilityName(Visibility visibility);
std::optional<Visibility> ParseVisibility(std::string_view name);

// The model a verifier of its proofs needs when its weights are private: the same operators with
// every MatMul, Gemm and Conv weight and bias zero (LinearOp's: the private weights) and no ONNX
// bytes, holding the weights' digest instead (ModelAir::WeightsDigest of the model), one per
// slice.
QuantizedModel WithoutWeights(QuantizedModel model,
                              std::span<const std::array<uint32_t, 8>> slice_weights_digests);

// Whether the model is a verifying model (WithoutWeights): it holds its weights' digests instead.
bool IsVerifyingModel(const QuantizedModel& model);

// The output tensor of an operator.
TensorId OutputOf(const QOp& op);
// How errors name a tensor: 'X' for an ONNX value, and for a step of a decomposed operator (a
// tensor named 'X/max', 'X/variance', ...) what the step computes, e.g. "the row maxima of the
// softmax computing 'X'".
std::string DescribeTensor(const QuantizedModel& model, TensorId id);
// Calls f on each operand list of an operator (a QOp, const or not): a linear operator's x, an
// elementwise or dot operator's a and b, any other's in.
template <class Op, class F>
void ForEachOperand(Op& qop, F&& f) {
  std::visit(
      [&](auto& op) {
        using T = std::decay_t<decltype(op)>;
        if constexpr (std::is_same_v<T, LinearOp>) {
          f(op.x);
        } else if constexpr (std::is_same_v<T, ElementwiseOp> || std::is_same_v<T, DotOp>) {
          f(op.a);
          f(op.b);
        } else {
          f(op.in);
        }
      },
      qop);
}

// How many element references the operator holds (its operands').
int64_t ElementRefCount(const QOp& op);
// A short name of an operator's kind: "linear", "add", "lookup(Tanh)", "avgpool/sum", ...
std::string OpKindName(const QOp& op);

// The compiled model file (.tsm): a magic line and the model as CBOR. Load throws FrontendError
// with a one-line message for a missing, truncated or foreign file.
// The bytes SaveQuantizedModel writes; FrontendError for a model holding more element references
// than a file of its size may (ModelRefBudget), which its readers would refuse.
std::string SerializeQuantizedModel(const QuantizedModel& model);
void SaveQuantizedModel(const QuantizedModel& model, const std::string& path);
QuantizedModel LoadQuantizedModel(const std::string& path);
// The same from a model file's bytes; `path` names them in errors.
QuantizedModel ParseQuantizedModel(std::string_view bytes, const std::string& path);

}  // namespace tensorstark::frontend
