#include "frontend/linear_plan.h"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cassert>

#include "air/layout.h"
#include "frontend/frontend_error.h"

namespace tensorstark::frontend {
namespace {

constexpr uint32_t kMaxInputsPerRow = 32;

// A grouped convolution is one plan per group: the group's inputs, weight columns and outputs.
std::vector<LinearPlan> PlansOf(const LinearOp& op) {
  const int64_t group_cols = op.cols / op.groups;
  std::vector<LinearPlan> plans;
  for (int64_t g = 0; g < op.groups; ++g) {
    LinearPlan plan;
    plan.out = op.out;
    plan.rows = op.rows;
    plan.depth = op.depth;
    plan.cols = group_cols;
    plan.shift = op.shift;
    plan.clamp = op.clamp;
    plan.bias_per_column = op.bias_per_column;
    plan.weight_bits = op.weight_bits;
    for (int64_t r = 0; r < op.rows; ++r) {
      const auto x = op.x.begin() + (r * op.groups + g) * op.depth;
      plan.x.insert(plan.x.end(), x, x + op.depth);
      for (int64_t n = 0; n < group_cols; ++n) {
        plan.bias.push_back(op.bias[r * op.cols + g * group_cols + n]);
        plan.out_index.push_back(op.out_index[r * op.cols + g * group_cols + n]);
      }
    }
    for (int64_t k = 0; k < op.depth; ++k) {
      for (int64_t n = 0; n < group_cols; ++n) {
        plan.weights.push_back(op.weights[k * op.cols + g * group_cols + n]);
      }
    }
    plans.push_back(std::move(plan));
  }
  return plans;
}

LinearPlan PlanOf(const ReduceOp& op) {
  assert(op.kind == ReduceOp::Kind::kSum);
  LinearPlan plan;
  plan.out = op.out;
  plan.rows = static_cast<int64_t>(op.multiplier.size());
  plan.depth = op.window;
  plan.cols = 1;
  plan.x = op.in;
  plan.per_row_weights = true;
  for (int64_t m : op.multiplier) plan.weights.insert(plan.weights.end(), op.window, m);
  plan.bias.assign(plan.rows, RoundingOffset(op.shift));
  for (int64_t i = 0; i < plan.rows; ++i) plan.out_index.push_back(i);
  plan.shift = op.shift;
  return plan;
}

// An elementwise operator as a linear plan: one element per row; an addition or subtraction
// reads both operands with weights 2^a_left and ±2^b_left, a multiplication by a constant reads
// the other operand with the constant as its weight. A product of two computed tensors is not
// linear.
LinearPlan PlanOf(const QuantizedModel& model, const ElementwiseOp& op) {
  const auto is_constant = [&](const ElementRef& ref) {
    return ref.tensor == ElementRef::kLiteral ||
           model.tensor(ref.tensor).kind == QTensor::Kind::kConstant;
  };
  const auto constant = [&](const ElementRef& ref) {
    return ref.tensor == ElementRef::kLiteral ? ref.index
                                              : model.tensor(ref.tensor).values[ref.index];
  };
  LinearPlan plan;
  plan.out = op.out;
  plan.rows = static_cast<int64_t>(op.a.size());
  plan.cols = 1;
  plan.per_row_weights = true;
  plan.shift = op.shift;
  plan.clamp = op.clamp;
  plan.bias.assign(plan.rows, RoundingOffset(op.shift));
  for (int64_t i = 0; i < plan.rows; ++i) plan.out_index.push_back(i);
  if (op.kind != ElementwiseOp::Kind::kMul) {
    plan.depth = 2;
    const int64_t sign = op.kind == ElementwiseOp::Kind::kAdd ? 1 : -1;
    for (int64_t i = 0; i < plan.rows; ++i) {
      plan.x.push_back(op.a[i]);
      plan.x.push_back(op.b[i]);
      plan.weights.push_back(int64_t{1} << op.a_left);
      plan.weights.push_back(sign * (int64_t{1} << op.b_left));
    }
    return plan;
  }
  plan.depth = 1;
  const bool a_computed = std::none_of(op.a.begin(), op.a.end(), is_constant);
  const bool b_computed = std::none_of(op.b.begin(), op.b.end(), is_constant);
  if (a_computed && b_computed) {
    plan.x = op.a;
    plan.y = op.b;
    return plan;
  }
  for (int64_t i = 0; i < plan.rows; ++i) {
    const ElementRef &a = op.a[i], &b = op.b[i];
    if (!is_constant(a) && !is_constant(b)) {
      throw FrontendError(
          fmt::format("the prover does not support a product of partly constant tensors ('{}')",
                      model.tensor(op.out).name));
    }
    const bool a_varies = !is_constant(a);
    plan.x.push_back(a_varies ? a : b);
    // Both constant: the product goes through the bias (FoldConstantInputs).
    plan.weights.push_back(a_varies ? constant(b) : constant(a));
  }
  return plan;
}

// A dot product of two computed tensors per output element: a product plan of one column.
LinearPlan PlanOf(const DotOp& op) {
  LinearPlan plan;
  plan.out = op.out;
  plan.rows = static_cast<int64_t>(op.bias.size());
  plan.depth = op.depth;
  plan.cols = 1;
  plan.x = op.a;
  plan.y = op.b;
  plan.bias = op.bias;
  for (int64_t i = 0; i < plan.rows; ++i) plan.out_index.push_back(i);
  plan.shift = op.shift;
  plan.clamp = op.clamp;
  return plan;
}

}  // namespace

uint32_t LogRows(int64_t rows) {
  return std::max(
      air::kMinComponentLogSize,
      static_cast<uint32_t>(std::bit_width(static_cast<uint64_t>(std::max<int64_t>(rows, 1) - 1))));
}

int64_t Chunks(const LinearPlan& op, uint32_t inputs_per_row) {
  return (op.depth + inputs_per_row - 1) / inputs_per_row;
}

int64_t ChunkStride(const LinearPlan& op, uint32_t inputs_per_row) {
  const int64_t chunks = Chunks(op, inputs_per_row);
  return op.shared_weights() ? static_cast<int64_t>(std::bit_ceil(static_cast<uint64_t>(chunks)))
                             : chunks;
}

int64_t BiasPeriod(const LinearPlan& op) {
  const auto size = static_cast<int64_t>(op.bias.size());
  if (!op.shared_weights() || !op.bias_per_column) return size;
  return std::min(size, op.groups * op.cols);
}

std::vector<int64_t> WeightTableRow(const LinearPlan& op, uint32_t inputs_per_row, int64_t t) {
  const int64_t stride = ChunkStride(op, inputs_per_row);
  const int64_t group = t / stride % op.groups, chunk = t % stride;
  std::vector<int64_t> slots;
  for (uint32_t d = 0; d < inputs_per_row; ++d) {
    const int64_t k = chunk * inputs_per_row + d;
    for (int64_t n = 0; n < op.cols; ++n) {
      slots.push_back(k < op.depth ? op.WeightIndex(group, k, n) : -1);
    }
  }
  const auto first_bias = static_cast<int64_t>(op.weights.size());
  for (int64_t n = 0; n < op.cols; ++n) slots.push_back(first_bias + group * op.cols + n);
  return slots;
}

std::vector<LinearPlan> PlansOf(const QuantizedModel& model, const QOp& qop) {
  if (const auto* op = std::get_if<LinearOp>(&qop)) return PlansOf(*op);
  // Moved in: a braced list would copy the plan.
  std::vector<LinearPlan> plans;
  if (const auto* op = std::get_if<ElementwiseOp>(&qop)) plans.push_back(PlanOf(model, *op));
  if (const auto* op = std::get_if<DotOp>(&qop)) plans.push_back(PlanOf(*op));
  const auto* op = std::get_if<ReduceOp>(&qop);
  if (op && op->kind == ReduceOp::Kind::kSum) plans.push_back(PlanOf(*op));
  return plans;
}

const std::vector<ElementRef>& DirectInputs(const QOp& qop) {
  if (const auto* op = std::get_if<LookupOp>(&qop)) return op->in;
  return std::get<ReduceOp>(qop).in;
}

void FoldConstantInputs(const QuantizedModel& model, LinearPlan& plan) {
  if (!plan.y.empty()) return;  // both factors computed
  for (int64_t m = 0; m < plan.rows; ++m) {
    for (int64_t k = 0; k < plan.depth; ++k) {
      ElementRef& ref = plan.x[m * plan.depth + k];
      int64_t value = 0;
      if (ref.tensor == ElementRef::kLiteral) {
        value = ref.index;
      } else if (model.tensor(ref.tensor).kind == QTensor::Kind::kConstant) {
        value = model.tensor(ref.tensor).values[ref.index];
      } else {
        continue;
      }
      // A value folded into some rows' bias: the bias varies (whatever the weights, so that a
      // verifying model, with none, decides alike).
      if (value != 0) plan.bias_per_column = false;
      for (int64_t n = 0; n < plan.cols; ++n) {
        plan.bias[m * plan.cols + n] += value * plan.Weight(m, k, n);
      }
      ref = {ElementRef::kLiteral, 0};
    }
  }
}

void SplitOutputs(LinearPlan& plan, int64_t groups) {
  assert(plan.groups == 1 && plan.cols % groups == 0);
  plan.rows *= groups;
  plan.cols /= groups;
  plan.groups = groups;
}

void ChooseRowLayout(LinearPlan& plan, TraceShape shape) {
  assert(plan.groups == 1);
  const uint32_t max_d = static_cast<uint32_t>(std::min<int64_t>(plan.depth, kMaxInputsPerRow));
  double best_cost = 0;
  int64_t best_groups = 1;
  // Each candidate's sizes are tried on the plan itself (a copy would copy its reads and
  // weights), then restored.
  const int64_t rows = plan.rows, cols = plan.cols;
  for (int64_t groups = 1; groups <= cols; ++groups) {
    if (cols % groups != 0 || (shape == TraceShape::kWide && groups > 1)) continue;
    // Weights shared by several output rows are committed once only if they repeat with a
    // power-of-two period of rows (groups·stride, the stride being one).
    if (plan.shared_weights() && rows > 1 && !std::has_single_bit(static_cast<uint64_t>(groups))) {
      continue;
    }
    plan.rows = rows * groups;
    plan.cols = cols / groups;
    plan.groups = groups;
    for (uint32_t d = 1; d <= max_d; ++d) {
      const double trace_rows =
          static_cast<double>(int64_t{1} << LogRows(plan.rows * ChunkStride(plan, d)));
      const air::LinearComponentShape component = ShapeOf(plan, d);
      const double columns = component.n_trace_columns() + component.n_interaction_columns();
      const double cost =
          shape == TraceShape::kWide
              ? trace_rows * (3.0 * d + 14.0 * static_cast<double>(plan.cols))
              : component.n_data_columns() + columns + trace_rows * columns / 4096.0;
      if (best_cost == 0 || cost < best_cost) {
        best_cost = cost;
        best_groups = groups;
        plan.inputs_per_row = d;
      }
    }
  }
  plan.rows = rows;
  plan.cols = cols;
  plan.groups = 1;
  SplitOutputs(plan, best_groups);
}

air::LinearComponentShape ShapeOf(const LinearPlan& plan, uint32_t inputs_per_row) {
  air::LinearComponentShape shape;
  shape.inputs_per_row = inputs_per_row;
  shape.cols = static_cast<uint32_t>(plan.cols);
  shape.shift = static_cast<uint32_t>(plan.shift);
  shape.clamp_lo = plan.clamp.lo;
  shape.clamp_hi = plan.clamp.hi;
  shape.products = !plan.y.empty();
  return shape;
}

}  // namespace tensorstark::frontend
