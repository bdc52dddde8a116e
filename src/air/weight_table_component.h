// The private weights of a linear component whose rows repeat them (a convolution's output
// positions, a batch's rows; linear_component.h), one period of rows: row t holds the weights and
// biases that every linear row r with r mod period = t uses, in main columns the linear component
// borrows (component.h: it reads them periodically, at no LogUp cost), and reads each from the
// tensor relation, once per table row that holds it.
//
// Slots: w_{d,n} (d-major, D·N of them), then b_n (N). Row t holds chunk c of group g's weights;
// w_{d,n}'s address is weight_base(t) + d·row_pitch + n (the plan's weights are k-major, row_pitch
// apart, linear_plan.h), b_n's bias_base(t) + n. A weight slot past the depth (holds_d(t) = 0)
// holds nothing and must be 0. Data columns, from first_data_column on: weight_base, bias_base,
// holds_d per d; main columns: the S values.
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
  uint32_t log_size = 0;        // the period's, at least kMinComponentLogSize
  uint32_t inputs_per_row = 1;  // D
  uint32_t cols = 1;            // N
  uint32_t row_pitch = 0;       // address distance from w_{d,n} to w_{d+1,n}
  uint32_t first_data_column = 0;

  uint32_t n_slots() const { return (inputs_per_row + 1) * cols; }
  uint32_t n_data_columns() const { return 2 + inputs_per_row; }
};

class WeightTableComponent : public DataComponent {
 public:
  WeightTableComponent(WeightTableShape shape, ComponentData data)
      : DataComponent(shape.name, shape.log_size, shape.first_data_column, std::move(data)),
        shape_(std::move(shape)) {}

  template <class E>
  void Evaluate(E& eval) const {
    using F = typename E::F;
    using field::M31;
    const F weight_base = Data(eval, 0), bias_base = Data(eval, 1);
    for (uint32_t d = 0; d < shape_.inputs_per_row; ++d) {
      const F holds = Data(eval, 2 + d);
      for (uint32_t n = 0; n < shape_.cols; ++n) {
        const F w = eval.NextTraceMask();
        eval.AddConstraint((M31::One() - holds) * w);
        const M31 offset = M31::FromCanonical(d * shape_.row_pitch + n);
        eval.AddToRelation(tensor_, holds, {weight_base + offset, w});
      }
    }
    for (uint32_t n = 0; n < shape_.cols; ++n) {
      const F b = eval.NextTraceMask();
      eval.AddToRelation(tensor_, M31::One(), {bias_base + M31::FromCanonical(n), b});
    }
    eval.FinalizeLogupInPairs();
  }

 private:
  WeightTableShape shape_;
  Relation tensor_ = TensorRelation();
};

}  // namespace tensorstark::air
