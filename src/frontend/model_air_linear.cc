// ModelAir's linear components (MatMul, Gemm, Conv, products; air/linear_component.h): their data
// columns, their private weights, the weight tables that hold repeated ones, and their traces.
#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cassert>
#include <functional>

#include "air/framework.h"
#include "air/linear_component.h"
#include "air/model_relations.h"
#include "air/weight_packing.h"
#include "air/weight_table_component.h"
#include "frontend/frontend_error.h"
#include "frontend/linear_plan.h"
#include "frontend/model_air_impl.h"

namespace tensorstark::frontend {
namespace {

using air::FrameworkComponent;
using air::LinearComponent;
using field::M31;

// The fewest rows of a weight table (2^9). A zero-knowledge proof randomizes a column as
// f + Z_H·r, r of up to 2^8 coefficients (air::ZkRandomizerLogSize, the fast profile's 76
// queries); a reader sees the table's polynomial composed with π^j, so r's share of its degree
// grows with j, and a table of fewer than 2^9 rows would raise its readers' composition by a
// size (air::ZkEvalLogSize).
constexpr uint32_t kMinWeightTableLogSize = 9;

}  // namespace

void ModelAir::Impl::AddLinear(LinearPlan op, bool weights_private) {
  LinearComponentShape shape = ShapeOf(op, op.inputs_per_row);
  shape.name = fmt::format("linear_{}", components.size());
  const uint32_t D = shape.inputs_per_row;
  const int64_t chunks = Chunks(op, D), stride = ChunkStride(op, D);
  shape.log_size = LogRows(op.rows * stride);
  const size_t n_rows = size_t{1} << shape.log_size;
  // Shared weights repeat every groups·stride rows: where that is a power of two, the weight
  // columns hold one period (at least the smallest column the AIR commits).
  const size_t repeat = static_cast<size_t>(op.groups * stride);
  const bool periodic = op.shared_weights() && std::has_single_bit(repeat);
  shape.private_weights = weights_private && !shape.products;
  // Private weights repeated by the rows are borrowed from a weight table of a few periods.
  const int64_t bias_period = BiasPeriod(op);
  const size_t table_rows = std::max(repeat, size_t{1} << kMinWeightTableLogSize);
  shape.weight_table = shape.private_weights && periodic && table_rows < n_rows &&
                       bias_period == op.groups * op.cols;
  const size_t period =
      shape.weight_table
          ? table_rows
          : std::min(n_rows, std::max(repeat, size_t{1} << air::kMinComponentLogSize));
  if (shape.weight_table) {
    shape.weight_table_log_size = std::countr_zero(period);
    shape.weight_table_name = fmt::format("weight_table_{}", components.size() + 1);
  }
  shape.first_data_column = AllocateDataColumns(shape.n_data_columns());
  // With private weights, the weight and bias columns hold addresses (linear_component.h):
  // the plan's weights, then its bias, join weight_values from these indices on.
  const auto first_weight = static_cast<int64_t>(weight_values.size());
  const auto first_bias = first_weight + static_cast<int64_t>(op.weights.size());
  if (shape.private_weights) {
    AddPackableWeights(op);
    weight_values.insert(weight_values.end(), op.bias.begin(), op.bias.begin() + bias_period);
    weight_reads.resize(weight_values.size(), 0);
    weight_packable.resize(weight_values.size(), false);
  }
  const auto weight_cell = [&](int64_t m, int64_t k, int64_t n) {
    if (!shape.private_weights) return M31::FromSigned(op.Weight(m, k, n));
    return WeightAddress(first_weight + op.WeightIndex(m, k, n));
  };
  // A private bias is read where its cell is written (its reads are counted here).
  const auto bias_cell = [&](int64_t index) {
    if (!shape.private_weights) return M31::FromSigned(op.bias[index]);
    ++weight_reads[first_bias + index % bias_period];
    return WeightAddress(first_bias + index % bias_period);
  };

  // Periodic weight columns hold one period; the others a value per row.
  std::vector<uint32_t> log_sizes(shape.n_data_columns(), shape.log_size);
  for (uint32_t d = 0; d < D && periodic && !shape.weight_table; ++d) {
    for (uint32_t n = 0; n < shape.cols; ++n) {
      log_sizes[shape.WeightColumn(d, n)] = static_cast<uint32_t>(std::countr_zero(period));
    }
  }
  const auto data = air::ComponentData::Zeros(log_sizes, with_data);
  if (data) {
    auto& columns = *data;
    if (periodic && !shape.weight_table) {
      for (uint32_t d = 0; d < D; ++d) {
        for (uint32_t n = 0; n < shape.cols; ++n) {
          std::vector<M31>& column = columns[shape.WeightColumn(d, n)];
          for (size_t row = 0; row < period; ++row) {
            const int64_t group = static_cast<int64_t>(row / stride) % op.groups;
            const int64_t k = static_cast<int64_t>(row) % stride * D + d;
            if (k < op.depth) column[row] = weight_cell(group, k, n);
          }
        }
      }
    }
    for (size_t row = 0; row < n_rows; ++row) {
      const int64_t m = static_cast<int64_t>(row) / stride, c = static_cast<int64_t>(row) % stride;
      if (m >= op.rows) {
        // Padding rows restart the accumulators: at zero, or at the first row's private bias,
        // which they read.
        columns[0][row] = M31::One();
        if (shape.private_weights && !shape.weight_table) {
          for (uint32_t n = 0; n < shape.cols; ++n)
            columns[shape.BiasColumn(n)][row] = bias_cell(n);
        }
        continue;
      }
      if (c >= chunks) continue;  // padding chunks: no reads, the accumulators carry on
      columns[0][row] = c == 0 ? M31::One() : M31::Zero();
      columns[1][row] = c == chunks - 1 ? M31::One() : M31::Zero();
      for (uint32_t d = 0; d < D; ++d) {
        const int64_t k = c * D + d;
        if (k >= op.depth) continue;
        const ElementRef& ref = op.X(m, k);
        if (ref.tensor != ElementRef::kLiteral) {
          columns[2 + 2 * d][row] = Address(ref.tensor, ref.index);
          columns[3 + 2 * d][row] = M31::One();
          // A private weight is read where its input is (or by its weight table).
          for (uint32_t n = 0; n < shape.cols && shape.private_weights && !shape.weight_table;
               ++n) {
            ++weight_reads[first_weight + op.WeightIndex(m, k, n)];
          }
        }
        if (shape.products) {
          const ElementRef& factor = op.Y(m, k);
          if (ref.tensor == ElementRef::kLiteral || factor.tensor == ElementRef::kLiteral) {
            throw FrontendError(
                fmt::format("the prover does not support padding into a product ('{}')",
                            model.tensor(op.out).name));
          }
          columns[shape.YAddressColumn(d)][row] = Address(factor.tensor, factor.index);
          continue;
        }
        if (periodic) continue;
        for (uint32_t n = 0; n < shape.cols; ++n) {
          columns[shape.WeightColumn(d, n)][row] = weight_cell(m, k, n);
        }
      }
      for (uint32_t n = 0; n < shape.cols; ++n) {
        if (c == 0 && !shape.weight_table) {
          columns[shape.BiasColumn(n)][row] = bias_cell(m * op.cols + n);
        }
        if (c == chunks - 1) {
          const int64_t index = op.out_index[m * op.cols + n];
          columns[shape.OutColumn(n)][row] = Address(op.out, index);
          columns[shape.OutColumn(n) + 1][row] =
              M31::FromCanonical(static_cast<uint32_t>(reads[op.out][index]));
        }
      }
    }
  }
  const auto row_pitch = static_cast<uint32_t>(op.cols * op.groups);
  auto table = std::make_shared<WeightTableRows>();
  for (size_t t = 0; t < period && shape.weight_table; ++t) {
    std::vector<int64_t>& slots =
        table->emplace_back(WeightTableRow(op, D, static_cast<int64_t>(t)));
    for (int64_t& slot : slots) slot = slot < 0 ? -1 : first_weight + slot;
  }
  components.push_back(std::make_unique<FrameworkComponent<LinearComponent>>(
      LinearComponent(shape, {log_sizes, data})));
  trace_builders.push_back(
      [this, op = std::move(op), shape, table, index = components.size() - 1](
          const QuantizedRun& run, const RescaleHook& hook, std::vector<uint32_t>& range_counts) {
        const auto rescale = [&](int64_t element, int64_t& q, int64_t& r) {
          if (hook) hook(index, element, q, r);
        };
        return LinearTrace(op, shape, *table, run, rescale, range_counts);
      });
  if (shape.weight_table) AddWeightTable(shape, row_pitch, std::move(table));
}

void ModelAir::Impl::AddWeightTable(const LinearComponentShape& linear, uint32_t row_pitch,
                                    std::shared_ptr<const WeightTableRows> rows) {
  const uint32_t D = linear.inputs_per_row, N = linear.cols;
  air::WeightTableShape shape{
      linear.weight_table_name, linear.weight_table_log_size, D, N, row_pitch, 0};
  assert(shape.name == fmt::format("weight_table_{}", components.size()));
  shape.first_data_column = AllocateDataColumns(shape.n_data_columns());
  const std::vector<uint32_t> log_sizes(shape.n_data_columns(), shape.log_size);
  const auto data = air::ComponentData::Zeros(log_sizes, with_data);
  for (size_t t = 0; data && t < rows->size(); ++t) {
    const std::vector<int64_t>& slots = (*rows)[t];
    if (slots[0] >= 0) (*data)[0][t] = WeightAddress(slots[0]);
    (*data)[1][t] = WeightAddress(slots[D * N]);
    for (uint32_t d = 0; d < D; ++d) {
      (*data)[2 + d][t] = slots[d * N] >= 0 ? M31::One() : M31();
      for (uint32_t n = 0; n < N; ++n) {
        const int64_t index = slots[d * N + n];
        assert(index < 0 || index == slots[0] + int64_t{d} * row_pitch + n);
        if (index >= 0) ++weight_reads[index];
      }
    }
    for (uint32_t n = 0; n < N; ++n) {
      assert(slots[D * N + n] == slots[D * N] + n);
      ++weight_reads[slots[D * N + n]];
    }
  }
  const uint32_t n_slots = shape.n_slots();
  components.push_back(std::make_unique<FrameworkComponent<air::WeightTableComponent>>(
      air::WeightTableComponent(shape, {log_sizes, data})));
  trace_builders.push_back(
      [this, rows, n_slots](const QuantizedRun&, const RescaleHook&, std::vector<uint32_t>&) {
        std::vector<std::vector<M31>> trace(n_slots, std::vector<M31>(rows->size()));
        for (size_t t = 0; t < rows->size(); ++t) {
          for (uint32_t s = 0; s < n_slots; ++s) trace[s][t] = WeightValue((*rows)[t][s]);
        }
        for (std::vector<M31>& column : trace) column = ToStorageOrder(std::move(column));
        return trace;
      });
}

void ModelAir::Impl::AddPackableWeights(const LinearPlan& op) {
  const bool packable =
      op.weight_bits > 0 && op.weight_bits <= static_cast<int>(air::kMaxPackedWeightBits);
  if (packable) {
    const auto bits = static_cast<uint32_t>(op.weight_bits);
    const auto wide = std::find_if(op.weights.begin(), op.weights.end(),
                                   [&](int64_t w) { return !air::WeightFits(w, bits); });
    if (wide != op.weights.end()) {
      throw FrontendError(fmt::format(
          "the weights of '{}' are said to fit in {} bits, but one is {}: the model file is "
          "inconsistent",
          DescribeTensor(model, op.out), op.weight_bits, *wide));
    }
    weight_part_bits = std::max(weight_part_bits, static_cast<uint32_t>(op.weight_bits));
  }
  weight_values.insert(weight_values.end(), op.weights.begin(), op.weights.end());
  weight_packable.resize(weight_values.size(), packable);
}

std::vector<std::vector<M31>> ModelAir::Impl::LinearTrace(
    const LinearPlan& op, const LinearComponentShape& shape, const WeightTableRows& table,
    const QuantizedRun& run, const std::function<void(int64_t, int64_t&, int64_t&)>& rescale,
    std::vector<uint32_t>& range_counts) const {
  const size_t n_rows = size_t{1} << shape.log_size;
  const uint32_t D = shape.inputs_per_row;
  const int64_t chunks = Chunks(op, D), stride = ChunkStride(op, D);
  // With a weight table, the weight and bias columns are the table's: left out.
  const size_t weights = shape.n_input_columns();
  const size_t borrowed = shape.weight_table ? shape.n_private_weight_columns() : 0;
  std::vector<std::vector<M31>> trace(shape.n_trace_columns());
  for (size_t col = 0; col < trace.size(); ++col) {
    if (col < weights || col >= weights + borrowed) trace[col].resize(n_rows);
  }
  std::vector<int64_t> acc(op.cols, 0);
  for (int64_t m = 0; m < op.rows; ++m) {
    for (int64_t c = 0; c < chunks; ++c) {
      const size_t row = static_cast<size_t>(m * stride + c);
      std::vector<int64_t> x(D, 0), y(D, 0);
      const uint32_t per_input = shape.products ? 2 : 1;  // x_d (and y_d) per d
      for (uint32_t d = 0; d < D; ++d) {
        const int64_t k = c * D + d;
        if (k >= op.depth) continue;
        const ElementRef& ref = op.X(m, k);
        x[d] = ref.tensor == ElementRef::kLiteral ? 0 : run.values[ref.tensor][ref.index];
        trace[per_input * d][row] = M31::FromSigned(x[d]);
        if (shape.products) {
          const ElementRef& factor = op.Y(m, k);
          y[d] = run.values[factor.tensor][factor.index];
          trace[per_input * d + 1][row] = M31::FromSigned(y[d]);
        }
      }
      if (shape.private_weights && !shape.weight_table) {
        for (uint32_t d = 0; d < D; ++d) {
          const int64_t k = c * D + d;
          for (uint32_t n = 0; n < shape.cols && k < op.depth; ++n) {
            trace[weights + d * shape.cols + n][row] = M31::FromSigned(op.Weight(m, k, n));
          }
        }
        for (uint32_t n = 0; n < shape.cols && c == 0; ++n) {
          trace[weights + D * shape.cols + n][row] = M31::FromSigned(op.bias[m * op.cols + n]);
        }
      }
      for (uint32_t n = 0; n < shape.cols; ++n) {
        if (c == 0) acc[n] = op.bias[m * op.cols + n];
        for (uint32_t d = 0; d < D; ++d) {
          const int64_t k = c * D + d;
          if (k < op.depth) acc[n] += x[d] * (shape.products ? y[d] : op.Weight(m, k, n));
        }
        const uint32_t col = shape.OutputColumns(n);
        trace[col][row] = M31::FromSigned(acc[n]);
        if (c != chunks - 1) continue;
        int64_t q = acc[n] >> shape.shift;
        int64_t r = acc[n] - (q << shape.shift);
        rescale(op.out_index[m * op.cols + n], q, r);
        trace[col + 1][row] = M31::FromSigned(q);
        trace[col + 2][row] = M31::FromSigned(r);
        // The clamp's output and selectors, then the range checks' limbs, in
        // LinearComponent::Evaluate's order.
        size_t next = col + 3;
        const int64_t out = op.clamp.Apply(q);
        const bool below = shape.clamp_lo && q < *shape.clamp_lo;
        const bool above = shape.clamp_hi && q > *shape.clamp_hi;
        if (shape.clamped()) trace[next++][row] = M31::FromSigned(out);
        if (shape.clamp_lo) trace[next++][row] = below ? M31::One() : M31::Zero();
        if (shape.clamp_hi) trace[next++][row] = above ? M31::One() : M31::Zero();
        const auto check = [&](int64_t v) {
          PutRangeCheck(trace, next, row, v, range_counts);
          next += 2;
        };
        check(r);
        check(r + (int64_t{1} << air::kRangeCheckBits) - (int64_t{1} << shape.shift));
        if (shape.clamp_lo) check(below ? *shape.clamp_lo - q : q - *shape.clamp_lo);
        if (shape.clamp_hi) check(above ? q - *shape.clamp_hi : *shape.clamp_hi - q);
        check(out + (int64_t{1} << air::kValueBoundBits));
      }
    }
    for (int64_t c = chunks; c < stride; ++c) {  // padding chunks carry the final sums
      for (uint32_t n = 0; n < shape.cols; ++n) {
        trace[shape.OutputColumns(n)][static_cast<size_t>(m * stride + c)] =
            M31::FromSigned(acc[n]);
      }
    }
  }
  // Padding rows start from a private bias, which they read: the first row's, or their table
  // row's.
  for (size_t row = static_cast<size_t>(op.rows * stride); row < n_rows && shape.private_weights;
       ++row) {
    for (uint32_t n = 0; n < shape.cols; ++n) {
      const size_t slot = D * shape.cols + n;
      const M31 bias = shape.weight_table ? WeightValue(table[row % table.size()][slot])
                                          : M31::FromSigned(op.bias[n]);
      if (!shape.weight_table) trace[weights + slot][row] = bias;
      trace[shape.OutputColumns(n)][row] = bias;
    }
  }
  trace.erase(trace.begin() + static_cast<std::ptrdiff_t>(weights),
              trace.begin() + static_cast<std::ptrdiff_t>(weights + borrowed));
  for (std::vector<M31>& column : trace) column = ToStorageOrder(std::move(column));
  return trace;
}

}  // namespace tensorstark::frontend
