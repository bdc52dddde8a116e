// The LogUp range table (protocol reference §9.4): the preprocessed column Seq(log_range) =
// 0 … 2^log_range - 1 and a main-trace multiplicity column m, yielding table value r with
// multiplicity -m(r) to the relation range_check_<log_range>. A component proves v in
// [0, 2^log_range) by adding v to that relation with multiplicity +1; the claimed sums cancel
// exactly when every looked-up value is in the table.
#pragma once

#include <cstdint>
#include <string>

#include "air/preprocessed.h"
#include "air/relation.h"
#include "field/m31.h"

namespace tensorstark::air {

Relation RangeCheckRelation(uint32_t log_range);

class RangeTable {
 public:
  explicit RangeTable(uint32_t log_range)
      : log_range_(log_range), relation_(RangeCheckRelation(log_range)) {}

  std::string name() const { return "range_table_" + std::to_string(log_range_); }
  uint32_t log_size() const { return log_range_; }

  template <class E>
  void Evaluate(E& eval) const {
    using F = typename E::F;
    const F table = eval.GetPreprocessedColumn({PreprocessedColumnId::Kind::kSeq, log_range_});
    const F multiplicity = eval.NextTraceMask();
    eval.AddToRelation(relation_, -multiplicity, {table});
    eval.FinalizeLogupInPairs();
  }

 private:
  uint32_t log_range_;
  Relation relation_;
};

}  // namespace tensorstark::air
