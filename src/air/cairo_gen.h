// The Cairo code of an AIR's constraints (verifier-cairo/src/air.cairo reads it), generated from
// the C++ constraint definitions through the expression evaluator (expr.h), never written by
// hand: per component a function that folds its constraints at the out-of-domain point into the
// composition in Horner form, acc = acc·α + c_k(p)·Z(p)^{-1}, as PointEvaluator does; and
// evaluate_composition over all components, in order. Every expression node becomes one `let`,
// so shared subexpressions (the LogUp batches) are computed once.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "air/component.h"
#include "air/layout.h"

namespace tensorstark::air {

// The module for these components (the layout gives the relations' order). With
// `with_test_seed`, it ends with a test that evaluates the composition at random mask values,
// statement, lookup elements and point (drawn from the seed) and compares it with the C++
// evaluator's value, written into the test.
std::string GenerateCairoAir(std::span<const Component* const> components,
                             const AirLayout& layout, std::string_view source,
                             const uint64_t* with_test_seed = nullptr);

}  // namespace tensorstark::air
