// A model input kept out of the statement (compile --visibility input=private): its values are a
// trace column instead of public inputs. Each row yields one element v at its address to the
// tensor relation with multiplicity -(its reads), as the verifier's public terms do for a public
// input, and proves v in [-2^bound_bits, 2^bound_bits), the range the model was compiled for and
// its no-wrap analysis assumes (for a public input the verifier checks it on the statement).
//
// The range check is exact for any bound_bits ≤ kValueBoundBits: u = v + 2^bound_bits is checked
// in [0, 2^16) (RangeCheck16), and so is u + 2^16 - 2^(bound_bits + 1), which holds only for
// u < 2^(bound_bits + 1).
//
// Data columns, from first_data_column on: active (1 on rows holding an element), address, reads.
// Main columns: v, then the limbs of the two range checks.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>

#include "air/data_component.h"
#include "air/model_relations.h"
#include "field/m31.h"

namespace tensorstark::air {

struct PrivateInputShape {
  std::string name;
  uint32_t log_size = 0;
  uint32_t bound_bits = 0;  // at most kValueBoundBits
  uint32_t first_data_column = 0;

  static constexpr uint32_t kDataColumns = 3;
  static constexpr uint32_t kTraceColumns = 5;
};

class PrivateInputComponent : public DataComponent {
 public:
  PrivateInputComponent(PrivateInputShape shape, std::shared_ptr<const DataColumns> data)
      : DataComponent(shape.name, shape.log_size, shape.first_data_column, std::move(data)),
        shape_(std::move(shape)) {}

  template <class E>
  void Evaluate(E& eval) const {
    using F = typename E::F;
    using field::M31;
    const F active = Data(eval, 0);
    const F v = eval.NextTraceMask();
    const F u = v + M31::FromCanonical(1u << shape_.bound_bits);
    RangeCheck16(eval, range_, active, u);
    RangeCheck16(eval, range_, active,
                 u + M31::FromCanonical((1u << kRangeCheckBits) - (2u << shape_.bound_bits)));
    eval.AddToRelation(tensor_, -Data(eval, 2), {Data(eval, 1), v});
    eval.FinalizeLogupInPairs();
  }

 private:
  PrivateInputShape shape_;
  Relation tensor_ = TensorRelation();
  Relation range_ = RangeCheckRelation(kRangeLimbBits);
};

}  // namespace tensorstark::air
