// The range of a packed private weight's parts (weight_packing.h): the table of 0 … B - 1,
// B = 2^bits + 1, against which the weights' sponge (poseidon2_sponge.h) looks up every part of a
// packed word. B is not a power of two, so the table is a data column of 2^(bits + 1) rows whose
// rows from B on repeat B - 1, next to a main-trace multiplicity column m; row r yields its value
// with multiplicity -m(r) to relation weight_part_<bits>. Exactly the values in [0, B) balance.
//
// Data column, at first_data_column: the values. Main column: m.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "air/data_component.h"
#include "air/relation.h"
#include "air/weight_packing.h"
#include "field/m31.h"

namespace tensorstark::air {

Relation WeightPartRelation(uint32_t bits);

class WeightPartTable : public DataComponent {
 public:
  static constexpr uint32_t kDataColumns = 1;
  // Its rows: 2^(bits+1), room for the 2^bits + 1 parts.
  static constexpr uint32_t LogSize(uint32_t bits) { return bits + 1; }

  WeightPartTable(std::string name, uint32_t bits, uint32_t first_data_column);

  template <class E>
  void Evaluate(E& eval) const {
    const typename E::F multiplicity = eval.NextTraceMask();
    eval.AddToRelation(relation_, -multiplicity, {Data(eval, 0)});
    eval.FinalizeLogupInPairs();
  }

 private:
  Relation relation_;
};

// The multiplicity column (storage order): the parts of the packed words among `words`.
std::vector<field::M31> WeightPartCounts(std::span<const WeightWord> words,
                                         std::span<const int64_t> values, uint32_t bits);

}  // namespace tensorstark::air
