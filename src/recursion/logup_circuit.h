// LogUp in a circuit (air/verifier.h): the lookup elements drawn on the circuit channel with the
// native code (air::DrawLookupElementsOf), and the check that every relation's fractions cancel:
// the components' claimed sums plus the verifier's public terms (a model's public inputs and
// outputs, each value a wire of the statement) must add up to 0, a component without relations
// must claim 0, and a public term's denominator is inverted with a check.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "air/layout.h"
#include "air/relation.h"
#include "recursion/circuit_channel.h"
#include "recursion/composition_circuit.h"

namespace tensorstark::recursion {

LookupElementWiresMap DrawLookupElements(CircuitChannel& channel,
                                         const std::vector<air::Relation>& relations);

struct PublicLogupTermWires {
  std::string relation;
  std::vector<Wire> values;
  field::M31 multiplicity;
};

// Relations and widths must match (the native pre-check, as for any shape of the proof).
void CheckLogupSums(const air::AirLayout& layout, std::span<const Wire> claimed_sums,
                    std::span<const PublicLogupTermWires> public_terms,
                    const LookupElementWiresMap& elements);

}  // namespace tensorstark::recursion
