// The composition at the out-of-domain point in a circuit (air::CompositionAtPoint): every
// component's constraints as the Expr trees cairo-gen walks (Component::Constraints), evaluated
// over wires from the sampled values, divided by the component's vanishing polynomial at the
// point (inverted with a check) and combined with powers of the random coefficient in the
// native order. No code per component: any AIR the frontend lowers a model to is covered.
#pragma once

#include <map>
#include <span>
#include <string>
#include <vector>

#include "air/component.h"
#include "air/layout.h"
#include "recursion/circuit_builder.h"

namespace tensorstark::recursion {

struct LookupElementWires {
  Wire z;
  std::vector<Wire> alpha_powers;  // [1, α, α², …]
};
using LookupElementWiresMap = std::map<std::string, LookupElementWires, std::less<>>;
using SampledValueWires = std::vector<std::vector<std::vector<Wire>>>;  // [tree][column][sample]

Wire CompositionAtPoint(std::span<const air::Component* const> components,
                        const air::AirLayout& layout, const SampledValueWires& sampled_values,
                        Wire point_x, Wire random_coeff, std::span<const Wire> public_inputs,
                        const LookupElementWiresMap& elements, std::span<const Wire> claimed_sums);

}  // namespace tensorstark::recursion
