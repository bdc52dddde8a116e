// The linear component's plans (air/linear_component.h): each operator the linear component
// proves (a matmul, convolution or Gemm with its bias, rescale and clamp, a windowed sum, an
// elementwise operator, a dot product of two computed tensors) as rows of dot products, and the
// row layout chosen for it.
#pragma once

#include <cstdint>
#include <vector>

#include "air/linear_component.h"
#include "frontend/quantized_model.h"

namespace tensorstark::frontend {

// What the linear component proves, from a LinearOp or a windowed sum (average pooling, ReduceSum,
// ReduceMean: one column, the window as the depth, the multiplier as a per-row weight) or an
// elementwise operator:
//   out[out_index[m·cols + n]] = clamp(floor((Σ_k X(m, k)·Weight(m, k, n) + bias) / 2^shift)),
// where for products of two computed tensors (y non-empty, one column) Weight(m, k, 0) is the
// element Y(m, k) instead. After SplitOutputs, an operator's output row is `groups` consecutive
// plan rows of `cols` outputs each, which read its inputs (x and y hold them once per operator
// row; the flat bias and out_index do not change).
struct LinearPlan {
  TensorId out = 0;
  int64_t rows = 0, depth = 0, cols = 0;
  int64_t groups = 1;
  std::vector<ElementRef> x;
  std::vector<ElementRef> y;     // products only
  std::vector<int64_t> weights;  // depth × cols, or rows × depth × cols when per_row_weights
  bool per_row_weights = false;
  std::vector<int64_t> bias;     // rows × cols
  bool bias_per_column = false;  // the bias is one output row's repeated (LinearOp's, unfolded)
  int weight_bits = 0;           // LinearOp's
  std::vector<int64_t> out_index;
  int shift = 0;
  Clamp clamp;
  uint32_t inputs_per_row = 1;  // D, the trace layout's (ChooseRowLayout)

  // Where row m's weight for input k and output n is in `weights`.
  int64_t WeightIndex(int64_t m, int64_t k, int64_t n) const {
    const int64_t operator_row = m / groups, all_cols = cols * groups;
    return ((per_row_weights ? operator_row * depth : 0) + k) * all_cols + m % groups * cols + n;
  }
  int64_t Weight(int64_t m, int64_t k, int64_t n) const { return weights[WeightIndex(m, k, n)]; }
  // Row m's input k (and for products its factor): its operator row's, which the row's group
  // shares.
  const ElementRef& X(int64_t m, int64_t k) const { return x[m / groups * depth + k]; }
  const ElementRef& Y(int64_t m, int64_t k) const { return y[m / groups * depth + k]; }
  // Row m's weights depend on m % groups only (the operator's output rows share them).
  bool shared_weights() const { return y.empty() && !per_row_weights; }
};

// The log size of a component of `rows` rows: the next power of two, at least the smallest
// component the AIR allows.
uint32_t LogRows(int64_t rows);

// The trace rows one output row's dot products take with D inputs per row.
int64_t Chunks(const LinearPlan& op, uint32_t inputs_per_row);

// The rows per plan row m (rows m·stride … m·stride + chunks - 1 hold its chunks). With shared
// weights the chunks are padded to a power of two, so that the weight columns repeat every
// groups·stride rows and, where that is a power of two, are committed once at that size instead
// of once per output position (a convolution's positions, a batch's rows).
int64_t ChunkStride(const LinearPlan& op, uint32_t inputs_per_row);

// The operators the linear component proves (linear ones, elementwise ones, windowed sums) as
// one plan each, or one per group; none for the others.
std::vector<LinearPlan> PlansOf(const QuantizedModel& model, const QOp& qop);

// The elements an operator reads that no linear plan covers (lookups, maxima).
const std::vector<ElementRef>& DirectInputs(const QOp& qop);

// Inputs that are literals or constant tensor elements move into the bias, so that the component
// reads computed elements only.
void FoldConstantInputs(const QuantizedModel& model, LinearPlan& plan);

// Each output row computed by `groups` plan rows of cols / groups outputs (groups divides cols):
// each plan row reads the output row's inputs (X, Y).
void SplitOutputs(LinearPlan& plan, int64_t groups);

// How many of the plan's bias values are private values (ModelAir, private weights): its flat
// bias holds one per output row and column; where the weights are shared and the bias is one row
// repeated (bias_per_column: a convolution's per channel), one output row's (`groups` plan rows,
// groups·cols values) are hashed and read by every row instead of one per output position. A bias
// that varies (a Gemm's C matrix, constant inputs folded in) is private whole. The shapes decide,
// not the values, so that a verifying model's AIR is the full model's.
int64_t BiasPeriod(const LinearPlan& op);

// Row t of the plan's weight table (air/weight_table_component.h), for shared weights whose bias
// repeats (BiasPeriod is groups·cols): per slot, w_{d,n} d-major then b_n, the index of its value
// among the plan's private values (its weights, then BiasPeriod bias values), or -1 for a slot
// past the depth, which holds nothing. Trace row r holds row r mod the period's.
std::vector<int64_t> WeightTableRow(const LinearPlan& op, uint32_t inputs_per_row, int64_t t);

// The plan's trace layout: the inputs each trace row reads, and the outputs it computes, which
// SplitOutputs applies. Wide: all of an output row's outputs on one trace row, with the inputs
// per row that minimise the trace area. Narrow: the layout with the fewest columns (the values
// every query opens) for a trace that stays small, weighing one column like 2^12 trace cells;
// shared weights keep a power-of-two period, so that they stay periodic columns.
void ChooseRowLayout(LinearPlan& plan, TraceShape shape);

// The linear component of a plan with D inputs per row (name, log size and data columns unset).
air::LinearComponentShape ShapeOf(const LinearPlan& plan, uint32_t inputs_per_row);

}  // namespace tensorstark::frontend
