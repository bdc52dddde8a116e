// A LogUp range check (protocol reference §9.4), the example of lookups between two components:
//   - RangeCheckedValues (log_size): value columns v_0 … v_{k-1}, each entry looked up in the
//     relation range_check_<log_range> with multiplicity +1, and v_0 on row 0 equal to public
//     input 0 (IsFirst·(v_0 - public_input_0) = 0, the preprocessed IsFirst(log_size));
//   - RangeTable (log_range): the preprocessed table Seq(log_range) = 0 … 2^log_range - 1 and a
//     multiplicity column m, yielding each table value m times (multiplicity -m).
// The two components' claimed sums cancel exactly when every value is in the table. With k
// value columns the fractions form ceil(k/2) LogUp batches; odd k ends with a single fraction.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "air/framework.h"
#include "air/preprocessed.h"
#include "air/range_table.h"
#include "air/relation.h"
#include "field/m31.h"

namespace tensorstark::examples {

using field::M31;

class RangeCheckedValues {
 public:
  // n_columns ≥ 1.
  RangeCheckedValues(uint32_t log_size, uint32_t log_range, uint32_t n_columns);

  std::string name() const { return "range_checked_values"; }
  uint32_t log_size() const { return log_size_; }

  template <class E>
  void Evaluate(E& eval) const {
    using F = typename E::F;
    const F is_first =
        eval.GetPreprocessedColumn({air::PreprocessedColumnId::Kind::kIsFirst, log_size_});
    for (uint32_t c = 0; c < n_columns_; ++c) {
      const F value = eval.NextTraceMask();
      if (c == 0) eval.AddConstraint(is_first * (value - eval.PublicInput(0)));
      eval.AddToRelation(relation_, M31::One(), {value});
    }
    eval.FinalizeLogupInPairs();
  }

 private:
  uint32_t log_size_;
  uint32_t n_columns_;
  air::Relation relation_;
};

struct RangeCheckInstance {
  air::FrameworkComponent<RangeCheckedValues> values;
  air::FrameworkComponent<air::RangeTable> table;
  std::vector<std::vector<M31>> values_trace;  // the value columns, storage order
  std::vector<std::vector<M31>> table_trace;   // the multiplicity column, storage order
  std::vector<M31> public_inputs;              // {v_0 on row 0}
};

// values[c] is value column c in storage order (2^log_size entries < 2^log_range); position 0 is
// coset row 0. The multiset is what the LogUp argument sees, so the order is otherwise free.
RangeCheckInstance MakeRangeCheck(uint32_t log_size, uint32_t log_range,
                                  const std::vector<std::vector<uint32_t>>& values);

// n_columns columns of 2^log_size values uniform in [0, 2^log_range), from a seeded generator.
std::vector<std::vector<uint32_t>> RandomRangeCheckValues(uint32_t log_size, uint32_t log_range,
                                                          uint32_t n_columns, uint64_t seed);

// MakeRangeCheck on RandomRangeCheckValues.
RangeCheckInstance MakeRandomRangeCheck(uint32_t log_size, uint32_t log_range, uint32_t n_columns,
                                        uint64_t seed);

}  // namespace tensorstark::examples
