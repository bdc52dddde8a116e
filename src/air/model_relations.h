// The relations the operator components share.
//   - tensor (address, value): every tensor element of a model has a global address; the operator
//     that computes an element yields it with multiplicity -(number of reads), each read adds it
//     with multiplicity +1, and the verifier adds the model's inputs and outputs itself (public
//     LogUp terms), so the sums cancel only if every read sees the value that was computed.
//   - range_check_16: values in [0, 2^16), against one RangeTable(16).
#pragma once

#include <cstdint>
#include <vector>

#include "air/range_table.h"
#include "air/relation.h"
#include "field/m31.h"

namespace tensorstark::air {

inline Relation TensorRelation() { return {"tensor", 2}; }

// The fixed data of an operator component (weights, addresses, tables), one vector per data
// column, in coset row order.
using DataColumns = std::vector<std::vector<field::M31>>;

// Range checks use one table of 2^16 entries; every tensor value v is proven to lie in
// [-2^15, 2^15) by looking up v + 2^15.
inline constexpr uint32_t kRangeCheckBits = 16;
inline constexpr uint32_t kValueBoundBits = 15;
// A rescale floor(acc / 2^shift) is proven by acc = q·2^shift + r with r range-checked; with
// |acc| < 2^30 (checked at compile time) and |q| < 3·2^15, that pins q down for shifts up to 13.
inline constexpr int kMaxRescaleShift = 13;
inline constexpr int kAccumulatorBits = 30;

}  // namespace tensorstark::air
