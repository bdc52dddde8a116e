// The composition at the out-of-domain point in a circuit (air::CompositionAtPoint): every
// component's constraints as the Expr trees cairo-gen walks (Component::Constraints), evaluated
// over wires from the sampled values, divided by the component's vanishing polynomial at the
// point (inverted with a check) and combined with powers of the random coefficient in the
// native order. No code per component: any AIR the frontend lowers a model to is covered.
#pragma once

#include <span>
#include <vector>

#include "air/component.h"
#include "air/layout.h"
#include "air/relation.h"
#include "recursion/circuit_builder.h"

namespace tensorstark::recursion {

using LookupElementWiresMap = air::LookupElementsMapOf<Wire>;
using SampledValueWires = std::vector<std::vector<std::vector<Wire>>>;  // [tree][column][sample]

Wire CompositionAtPoint(std::span<const air::Component* const> components,
                        const air::AirLayout& layout, const SampledValueWires& sampled_values,
                        Wire point_x, Wire random_coeff, std::span<const Wire> public_inputs,
                        const LookupElementWiresMap& elements, std::span<const Wire> claimed_sums);

}  // namespace tensorstark::recursion
