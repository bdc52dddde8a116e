// The fused linear operator (MatMul, Gemm, Conv): a dot product with a weight matrix, the bias,
// the rescale (a floor division by 2^shift whose remainder is range-checked) and an optional ReLU,
// in one component.
//
// Rows: output row m (a matrix row, a convolution's output position) takes ceil(depth / D)
// consecutive rows, chunk c reading D inputs x_d = x[m, c·D + d] (with shared weights, a
// power-of-two stride of rows, the rows past the last chunk reading nothing). Columns acc_n (one
// per output column n) accumulate along the chunk:
//   acc_n = (1 - first)·acc_n[row - 1] + bias_n + Σ_d x_d·w_{d,n}
// and on the last chunk's row the result is rescaled and clamped:
//   acc_n = q_n·2^shift + r_n,  r_n in [0, 2^shift),  out_n = min(max(q_n, lo), hi) with a
//   clamp (ReLU, Clip), else q_n,  out_n in [-2^15, 2^15),
// then yielded to the tensor relation at its address with multiplicity -(its number of reads).
// The weights, the bias, the input and output addresses and the multiplicities are data columns:
// fixed by the model, committed in the preprocessed tree. Each x_d is read from the tensor relation
// at its address (or is zero where the data says there is no input: padding, the last chunk's
// tail). A weight is a data column value on the row that uses it. Where every output row has the
// same weights (a convolution's positions, a batch), the rows repeat with the stride, and the
// weight columns are periodic preprocessed columns of one stride (at least 16 rows): committed
// once, not once per output position (preprocessed.h, circle/doubling.h).
//
// Private weights (compile --visibility weights=private): the weights and the bias are main
// columns w_{d,n} and b_n instead, which a zero-knowledge proof hides, and the data columns in
// their place hold their addresses in the tensor relation, where the model's weights are yielded
// (and hashed into the digest the AIR fixes: frontend/model_air.h). Each w_{d,n} is read at its
// address where x_d is read (elsewhere x_d = 0 and the product with it is zero whatever w is); each
// b_n is read where `first` is, and enters the sum as first·b_n (on other rows it is free and
// multiplied by zero). Padding rows (first = 1, nothing yielded) read the first output row's bias.
// Where the rows repeat the weights with a period shorter than the component (a convolution's
// output positions, a batch; weight_table), the w_{d,n} and b_n columns are instead borrowed from
// a WeightTableComponent (weight_table_component.h) of one period of rows, which reads them from
// the tensor relation: row r reads the table's row r mod period (component.h), with no LogUp
// fraction and no main column of its own, so the weights cost one period of rows, not every
// output position's. Every row, padding included, reads its table row's values.
//
// Soundness of the rescale: the compiler checks that |acc| < 2^30 for all inputs in their proven
// ranges, so acc is an integer in the field; with r in [0, 2^16) and |q| < 2^16 (from the range
// checks), q·2^shift + r = acc holds over the integers when shift ≤ 13, so q = floor(acc/2^shift).
#pragma once

#include <cassert>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "air/component.h"
#include "air/data_component.h"
#include "air/model_relations.h"
#include "air/weight_table_component.h"
#include "field/m31.h"

namespace tensorstark::air {

struct LinearComponentShape {
  std::string name;
  uint32_t log_size = 0;
  uint32_t inputs_per_row = 1;  // D
  uint32_t cols = 1;            // N
  uint32_t shift = 0;
  std::optional<int64_t> clamp_lo, clamp_hi;  // out = min(max(q, lo), hi): ReLU, Clip
  // Products of two computed tensors (one column): each x_d is multiplied by a second element
  // y_d read from the tensor relation, instead of by a weight.
  bool products = false;
  bool private_weights = false;  // not with products, which have no weights
  // Private weights borrowed from the weight table named weight_table_name, of
  // 2^weight_table_log_size rows.
  bool weight_table = false;
  uint32_t weight_table_log_size = 0;
  std::string weight_table_name;
  uint32_t first_data_column = 0;

  // Data columns, in this order: first, last, (x_address_d, x_read_d) per d, then w_{d,n}
  // (d-major) or, for products, y_address_d per d (read where x_d is), then bias_n,
  // (out_address_n, out_reads_n) per n. With private weights, w_{d,n} and bias_n hold addresses;
  // with a weight table, there are none.
  uint32_t n_multiplier_columns() const { return inputs_per_row * (products ? 1 : cols); }
  uint32_t n_weight_data_columns() const {
    return weight_table ? 0 : n_multiplier_columns() + cols;
  }
  uint32_t n_data_columns() const {
    return 2 + 2 * inputs_per_row + n_weight_data_columns() + 2 * cols;
  }
  uint32_t WeightColumn(uint32_t d, uint32_t n) const {
    return 2 + 2 * inputs_per_row + d * cols + n;
  }
  uint32_t YAddressColumn(uint32_t d) const { return 2 + 2 * inputs_per_row + d; }
  uint32_t BiasColumn(uint32_t n) const {
    return 2 + 2 * inputs_per_row + n_multiplier_columns() + n;
  }
  uint32_t OutColumn(uint32_t n) const {
    return 2 + 2 * inputs_per_row + n_weight_data_columns() + 2 * n;
  }
  // Main columns: x_d (and y_d after it, for products) per d, with private weights w_{d,n}
  // (d-major) and b_n per n (with a weight table, its columns, borrowed), then per n: acc_n, q_n,
  // r_n, with a clamp out_n and its selectors, and two limb columns per range check (r, r + 2^16 -
  // 2^shift, the distances to the clamp's bounds, out + 2^15).
  bool clamped() const { return clamp_lo || clamp_hi; }
  uint32_t columns_per_output() const {
    const uint32_t bounds = (clamp_lo ? 1 : 0) + (clamp_hi ? 1 : 0);
    return 3 + (clamped() ? 1 : 0) + bounds + 2 * (3 + bounds);
  }
  uint32_t n_input_columns() const { return inputs_per_row * (products ? 2 : 1); }
  uint32_t n_private_weight_columns() const {
    return private_weights ? inputs_per_row * cols + cols : 0;
  }
  // The first of output n's main columns (acc_n).
  uint32_t OutputColumns(uint32_t n) const {
    return n_input_columns() + n_private_weight_columns() + n * columns_per_output();
  }
  uint32_t n_trace_columns() const { return OutputColumns(cols); }
  // LogUp: a read per input, per output its yield and two limbs per range check, two fractions
  // to a QM31 column of four coordinates.
  uint32_t n_interaction_columns() const {
    const uint32_t range_checks = 3 + (clamp_lo ? 1 : 0) + (clamp_hi ? 1 : 0);
    const uint32_t weight_reads = weight_table ? 0 : n_private_weight_columns();
    const uint32_t fractions = n_input_columns() + weight_reads + cols * (1 + 2 * range_checks);
    return 4 * ((fractions + 1) / 2);
  }
};

class LinearComponent : public DataComponent {
 public:
  LinearComponent(LinearComponentShape shape, ComponentData data)
      : DataComponent(shape.name, shape.log_size, shape.first_data_column, std::move(data)),
        shape_(std::move(shape)) {
    assert(shape_.shift <= 13 && n_data_columns() == shape_.n_data_columns());
    assert(!shape_.products || (shape_.cols == 1 && !shape_.private_weights));
    assert(!shape_.weight_table || shape_.private_weights);
  }

  const LinearComponentShape& shape() const { return shape_; }

  // With a weight table, the private weight and bias columns are its columns, in its order.
  std::vector<BorrowedTraceColumn> BorrowedTrace() const {
    std::vector<BorrowedTraceColumn> borrowed;
    const uint32_t first = shape_.n_input_columns();
    for (uint32_t s = 0; shape_.weight_table && s < shape_.n_private_weight_columns(); ++s) {
      borrowed.push_back({first + s, shape_.weight_table_name, s});
    }
    return borrowed;
  }

  template <class E>
  void Evaluate(E& eval) const {
    using F = typename E::F;
    using field::M31;
    const uint32_t D = shape_.inputs_per_row;
    const F first = Data(eval, 0);
    const F last = Data(eval, 1);
    std::vector<F> x, y;
    for (uint32_t d = 0; d < D; ++d) {
      const F address = Data(eval, 2 + 2 * d);
      const F read = Data(eval, 3 + 2 * d);
      x.push_back(eval.NextTraceMask());
      eval.AddConstraint((M31::One() - read) * x[d]);
      eval.AddToRelation(tensor_, read, {address, x[d]});
      if (shape_.products) {
        y.push_back(eval.NextTraceMask());
        eval.AddConstraint((M31::One() - read) * y[d]);
        eval.AddToRelation(tensor_, read, {Data(eval, shape_.YAddressColumn(d)), y[d]});
      }
    }
    // Private weights and biases: main values read at the data columns' addresses, or the weight
    // table's (read there).
    std::vector<F> private_weights, private_bias;
    if (shape_.private_weights) {
      for (uint32_t d = 0; d < D; ++d) {
        for (uint32_t n = 0; n < shape_.cols; ++n) {
          private_weights.push_back(eval.NextTraceMask());
          if (!shape_.weight_table) {
            eval.AddToRelation(tensor_, Data(eval, 3 + 2 * d),
                               {Data(eval, shape_.WeightColumn(d, n)), private_weights.back()});
          }
        }
      }
      for (uint32_t n = 0; n < shape_.cols; ++n) {
        const F b = eval.NextTraceMask();
        if (!shape_.weight_table) {
          eval.AddToRelation(tensor_, first, {Data(eval, shape_.BiasColumn(n)), b});
        }
        private_bias.push_back(first * b);
      }
    }
    const M31 value_offset = M31::FromCanonical(1u << kValueBoundBits);
    const M31 remainder_offset = M31::FromCanonical((1u << kRangeCheckBits) - (1u << shape_.shift));
    for (uint32_t n = 0; n < shape_.cols; ++n) {
      const auto [acc_prev, acc] = eval.template NextInteractionMask<2>(kTraceTree, {-1, 0});
      const F q = eval.NextTraceMask();
      const F r = eval.NextTraceMask();
      const auto weight = [&](uint32_t d) {
        if (shape_.products) return y[d];
        if (shape_.private_weights) return private_weights[d * shape_.cols + n];
        return Data(eval, shape_.WeightColumn(d, n));
      };
      F sum = shape_.private_weights ? private_bias[n] : Data(eval, shape_.BiasColumn(n));
      for (uint32_t d = 0; d < D; ++d) sum = sum + x[d] * weight(d);
      eval.AddConstraint(acc - (M31::One() - first) * acc_prev - sum);
      eval.AddConstraint(last * (acc - q * M31::FromCanonical(1u << shape_.shift) - r));
      F out = q;
      F select_lo = q, select_hi = q;  // selectors: q moved up to lo, down to hi
      if (shape_.clamped()) out = eval.NextTraceMask();
      if (shape_.clamp_lo) select_lo = eval.NextTraceMask();
      if (shape_.clamp_hi) select_hi = eval.NextTraceMask();
      RangeCheck16(eval, range_, last, r);
      RangeCheck16(eval, range_, last, r + remainder_offset);
      if (shape_.clamped()) {
        // out = q + select_lo·(lo - q) + select_hi·(hi - q); a selector is 1 exactly when q is
        // beyond its bound: (1 - 2·select)·(q - lo) >= 0 and (1 - 2·select)·(hi - q) >= 0.
        F moved = eval.ConstantF(M31::Zero());
        if (shape_.clamp_lo) {
          const M31 lo = M31::FromSigned(*shape_.clamp_lo);
          eval.AddConstraint(select_lo * (select_lo - M31::One()));
          moved = moved + select_lo * (lo - q);
          RangeCheck16(eval, range_, last, (M31::One() - select_lo - select_lo) * (q - lo));
        }
        if (shape_.clamp_hi) {
          const M31 hi = M31::FromSigned(*shape_.clamp_hi);
          eval.AddConstraint(select_hi * (select_hi - M31::One()));
          moved = moved + select_hi * (hi - q);
          RangeCheck16(eval, range_, last, (M31::One() - select_hi - select_hi) * (hi - q));
        }
        if (shape_.clamp_lo && shape_.clamp_hi) eval.AddConstraint(select_lo * select_hi);
        eval.AddConstraint(out - q - moved);
      }
      RangeCheck16(eval, range_, last, out + value_offset);
      const F address = Data(eval, shape_.OutColumn(n));
      const F reads = Data(eval, shape_.OutColumn(n) + 1);
      eval.AddToRelation(tensor_, -reads, {address, out});
    }
    eval.FinalizeLogupInPairs();
  }

 private:
  LinearComponentShape shape_;
  Relation tensor_ = TensorRelation();
  Relation range_ = RangeCheckRelation(kRangeLimbBits);
};

}  // namespace tensorstark::air
