// Values the statement does not hold: a model input kept out of it (compile --visibility
// input=private or committed). Its values are a trace column instead of public inputs. Each row
// yields one value v at its address to the tensor relation with multiplicity -(its reads), as the
// verifier's public terms do for a public input. (Private weights are yielded by their sponge:
// poseidon2_sponge.h.)
//
// Each value is range-checked: v in [-2^bound_bits, 2^bound_bits), the range the model was
// compiled for and its no-wrap analysis assumes (for a public input the verifier checks it on the
// statement). The check is exact for any bound_bits ≤ kValueBoundBits: u = v + 2^bound_bits is
// checked in [0, 2^16) (RangeCheck16), and so is u + 2^16 - 2^(bound_bits + 1), which holds only
// for u < 2^(bound_bits + 1).
//
// Data columns, from first_data_column on: address, reads, active (1 on rows holding a value).
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

struct PrivateValuesShape {
  std::string name;
  uint32_t log_size = 0;
  uint32_t bound_bits = 0;  // at most kValueBoundBits
  uint32_t first_data_column = 0;

  static constexpr uint32_t kDataColumns = 3;
  static constexpr uint32_t kTraceColumns = 5;
};

class PrivateValuesComponent : public DataComponent {
 public:
  PrivateValuesComponent(PrivateValuesShape shape, ComponentData data)
      : DataComponent(shape.name, shape.log_size, shape.first_data_column, std::move(data)),
        shape_(std::move(shape)) {}

  template <class E>
  void Evaluate(E& eval) const {
    using F = typename E::F;
    using field::M31;
    const F v = eval.NextTraceMask();
    const uint32_t bits = shape_.bound_bits;
    const F active = Data(eval, 2);
    const F u = v + M31::FromCanonical(1u << bits);
    RangeCheck16(eval, range_, active, u);
    RangeCheck16(eval, range_, active,
                 u + M31::FromCanonical((1u << kRangeCheckBits) - (2u << bits)));
    eval.AddToRelation(tensor_, -Data(eval, 1), {Data(eval, 0), v});
    eval.FinalizeLogupInPairs();
  }

 private:
  PrivateValuesShape shape_;
  Relation tensor_ = TensorRelation();
  Relation range_ = RangeCheckRelation(kRangeLimbBits);
};

}  // namespace tensorstark::air
