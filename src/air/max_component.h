// Maximum and argmax over windows (MaxPool, ReduceMax, GlobalMaxPool, ArgMax): one output per row,
// reading the window's W elements x_w from the tensor relation.
//
// One-hot selectors s_w mark the chosen element: s_w·(s_w - 1) = 0, Σ s_w = active, and
// s_w·(out - x_w) = 0, so out is one of the x_w. Every element is range-checked below it:
// out - x_w - strict_w in [0, 2^16), where strict_w = 1 for elements that must be strictly
// smaller: those before the chosen one for ArgMax's first index, those after it for its last
// index, none for a plain maximum. So out is the maximum, and the chosen position the first (or
// last) one holding it. The component yields out, or the position Σ_w w·s_w for ArgMax, at the
// output address with multiplicity -(its reads).
//
// Data columns, from first_data_column on: active (1 on rows holding an output), x_address_w per
// w, out_address, out_reads. Main columns: x_w per w, s_w per w, out, then the two limb columns
// of each range check (RangeCheck16), per w.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "air/data_component.h"
#include "air/model_relations.h"
#include "field/m31.h"

namespace tensorstark::air {

struct MaxComponentShape {
  enum class Tie : uint8_t { kAny, kFirst, kLast };  // kAny: a maximum; else ArgMax's index

  std::string name;
  uint32_t log_size = 0;
  uint32_t window = 1;
  Tie tie = Tie::kAny;
  uint32_t first_data_column = 0;

  uint32_t n_data_columns() const { return window + 3; }
  uint32_t n_trace_columns() const { return 4 * window + 1; }
};

class MaxComponent : public DataComponent {
 public:
  MaxComponent(MaxComponentShape shape, ComponentData data)
      : DataComponent(shape.name, shape.log_size, shape.first_data_column, std::move(data)),
        shape_(std::move(shape)) {}

  template <class E>
  void Evaluate(E& eval) const {
    using F = typename E::F;
    using field::M31;
    const uint32_t W = shape_.window;
    const F active = Data(eval, 0);
    std::vector<F> x, s;
    for (uint32_t w = 0; w < W; ++w) {
      x.push_back(eval.NextTraceMask());
      eval.AddToRelation(tensor_, active, {Data(eval, 1 + w), x[w]});
    }
    for (uint32_t w = 0; w < W; ++w) s.push_back(eval.NextTraceMask());
    const F out = eval.NextTraceMask();
    const F zero = eval.ConstantF(M31::Zero());
    F selected = s[0];
    F position = zero;
    for (uint32_t w = 0; w < W; ++w) {
      eval.AddConstraint(s[w] * (s[w] - M31::One()));
      eval.AddConstraint(s[w] * (out - x[w]));
      if (w > 0) {
        selected = selected + s[w];
        position = position + s[w] * M31::FromCanonical(w);
      }
    }
    eval.AddConstraint(selected - active);
    // Prefix sums of the selectors: before_w = Σ_{v<w} s_v, through_w = before_w + s_w.
    F before = zero;
    for (uint32_t w = 0; w < W; ++w) {
      const F through = before + s[w];
      F difference = out - x[w];
      if (shape_.tie == MaxComponentShape::Tie::kFirst)
        difference = difference - (M31::One() - through);
      if (shape_.tie == MaxComponentShape::Tie::kLast) difference = difference - before;
      RangeCheck16(eval, range_, active, difference);
      before = through;
    }
    const F value = shape_.tie == MaxComponentShape::Tie::kAny ? out : position;
    eval.AddToRelation(tensor_, -Data(eval, W + 2), {Data(eval, W + 1), value});
    eval.FinalizeLogupInPairs();
  }

 private:
  MaxComponentShape shape_;
  Relation tensor_ = TensorRelation();
  Relation range_ = RangeCheckRelation(kRangeLimbBits);
};

}  // namespace tensorstark::air
