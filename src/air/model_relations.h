// The relations the operator components share.
//   - tensor (address, value): every tensor element of a model has a global address; the operator
//     that computes an element yields it with multiplicity -(number of reads), each read adds it
//     with multiplicity +1, and the verifier adds the model's inputs and outputs itself (public
//     LogUp terms), so the sums cancel only if every read sees the value that was computed.
//   - range_check_8: limbs in [0, 2^8), against one RangeTable(8); a value in [0, 2^16) is
//     checked as two limbs (RangeCheck16), which keeps the table small: a 2^16-row table would
//     cost more than a small model's whole trace, most of all with Poseidon252 Merkle trees.
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

// Range checks prove values in [0, 2^16) with limbs of 8 bits; every tensor value v is proven to
// lie in [-2^15, 2^15) by range-checking v + 2^15.
inline constexpr uint32_t kRangeLimbBits = 8;
inline constexpr uint32_t kRangeCheckBits = 16;
inline constexpr uint32_t kValueBoundBits = 15;
// A rescale floor(acc / 2^shift) is proven by acc = q·2^shift + r with r range-checked; with
// |acc| < 2^30 (checked at compile time) and |q| < 3·2^15, that pins q down for shifts up to 13.
inline constexpr int kMaxRescaleShift = 13;
inline constexpr int kAccumulatorBits = 30;

// v in [0, 2^16) on rows where `multiplicity` is 1 (nothing where it is 0): the next two trace
// columns hold v's limbs lo, hi, looked up in range_check_8, and multiplicity·(v - lo - 2^8·hi)
// = 0. `limbs` is RangeCheckRelation(kRangeLimbBits).
template <class E>
void RangeCheck16(E& eval, const Relation& limbs, const typename E::F& multiplicity,
                  const typename E::F& v) {
  const typename E::F lo = eval.NextTraceMask();
  const typename E::F hi = eval.NextTraceMask();
  eval.AddConstraint(multiplicity *
                     (v - lo - hi * field::M31::FromCanonical(1u << kRangeLimbBits)));
  eval.AddToRelation(limbs, multiplicity, {lo});
  eval.AddToRelation(limbs, multiplicity, {hi});
}

}  // namespace tensorstark::air
