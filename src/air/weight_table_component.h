// The private weights of a linear component whose rows repeat them (a convolution's output
// positions, a batch's rows; linear_component.h), one period of rows: row t holds the weights and
// biases that every linear row r with r mod period = t uses, and yields them as one tuple
// (t, v_0, …, v_{S-1}) to the relation weight_rows_<linear component>, with multiplicity
// -(the linear rows per table row). Each linear row reads its tuple once, so its S weight and bias
// columns cost one LogUp fraction instead of S reads of the tensor relation, and each weight is
// read from the tensor relation here, once per table row that holds it.
//
// Data columns, from first_data_column on: t, then per slot s its address and whether it holds a
// weight (1) or nothing (0: a chunk past the depth, whose value must be 0). Main columns: v_s.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "air/data_component.h"
#include "air/model_relations.h"
#include "field/m31.h"

namespace tensorstark::air {

struct WeightTableShape {
  std::string name;
  uint32_t log_size = 0;   // the period's, at least kMinComponentLogSize
  uint32_t slots = 0;      // S: the linear component's private weight and bias columns
  uint32_t uses = 0;       // linear rows per table row
  Relation relation;       // weight_rows_<linear component>, 1 + S values
  uint32_t first_data_column = 0;

  uint32_t n_data_columns() const { return 1 + 2 * slots; }
};

// The relation a linear component with `slots` private weight columns reads its rows from.
inline Relation WeightRowsRelation(const std::string& linear_name, uint32_t slots) {
  return {"weight_rows_" + linear_name, 1 + slots};
}

class WeightTableComponent : public DataComponent {
 public:
  WeightTableComponent(WeightTableShape shape, std::shared_ptr<const DataColumns> data)
      : DataComponent(shape.name, shape.log_size, shape.first_data_column, std::move(data)),
        shape_(std::move(shape)) {}

  template <class E>
  void Evaluate(E& eval) const {
    using F = typename E::F;
    using field::M31;
    std::vector<F> tuple = {Data(eval, 0)};
    for (uint32_t s = 0; s < shape_.slots; ++s) {
      const F value = eval.NextTraceMask();
      const F holds = Data(eval, 2 + 2 * s);
      eval.AddConstraint((M31::One() - holds) * value);
      eval.AddToRelation(tensor_, holds, {Data(eval, 1 + 2 * s), value});
      tuple.push_back(value);
    }
    eval.AddToRelation(shape_.relation, -M31::FromCanonical(shape_.uses),
                       std::span<const F>(tuple));
    eval.FinalizeLogupInPairs();
  }

 private:
  WeightTableShape shape_;
  Relation tensor_ = TensorRelation();
};

}  // namespace tensorstark::air
