// The DEEP quotients of one query in a circuit (fri/quotients.h): each sample batch's constants
// (once per proof) and the combined quotient at the query's domain point (once per query and
// column size), with the native template code over wires. Taking a QM31 wire apart (its
// conjugate, its CM31 halves) guesses its four coordinates and checks that they form it.
#pragma once

#include <cstddef>
#include <map>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

#include "fri/quotients.h"
#include "recursion/circuit_builder.h"
#include "recursion/domain_point.h"

namespace tensorstark::recursion {

using BatchWires = fri::BatchConstantsOf<Wire, Wire>;

struct SampleBatchWires {
  Wire x, y;  // the sample point
  std::vector<std::pair<size_t, Wire>> columns_and_values;
};

// Asserts that a sample point's y lies outside CM31 (its u-part has an inverse), as the native
// verifier's DrawnOodsSample refuses otherwise: at such a point every DEEP column coefficient
// conj(y) − y is 0, its batch's quotient does not depend on the values sampled there, and they
// would be free.
void AssertOutsideCM31(CircuitBuilder& builder, Wire y, std::string_view what);

std::vector<BatchWires> PrepareBatches(CircuitBuilder& builder,
                                       std::span<const SampleBatchWires> batches,
                                       Wire random_coeff);

// The combined quotient at the domain point of a query, given the columns' values there (M31
// wires) in the batches' column numbering.
Wire CombinedQuotientAt(const PointWires& point, std::span<const Wire> column_values,
                        std::span<const BatchWires> batches);

}  // namespace tensorstark::recursion
