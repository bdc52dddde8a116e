// LogUp relations (protocol reference §9.4): a relation is a named multiset of tuples of M31
// values. A component adds fractions multiplicity / (Σ_i α^i·v_i - z) to a relation; the LogUp
// argument proves that each relation's fractions over all components sum to zero.
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "field/m31.h"
#include "field/qm31.h"

namespace tensorstark::air {

using field::QM31;

struct Relation {
  std::string name;
  uint32_t n_values = 1;  // tuple width
  friend bool operator==(const Relation&, const Relation&) = default;
};

// The random challenges of one relation, drawn from the channel after the main trace is
// committed: denominator(v) = Σ_i alpha_powers[i]·v_i - z. Over any value type (a recursion
// circuit's wires too).
template <class V>
struct LookupElementsOf {
  V z;
  V alpha;
  std::vector<V> alpha_powers;  // [1, α, α², …], n_values entries
};
using LookupElements = LookupElementsOf<QM31>;

// A LogUp fraction the verifier adds itself, computed from public values (a model's inputs and
// outputs): multiplicity / denominator(values) in relation `relation`.
struct PublicLogupTerm {
  std::string relation;
  std::vector<field::M31> values;
  field::M31 multiplicity;
};

// A public term as a function of the statement, each value a constant of the AIR or public input
// `index`: what a verifier of any statement (a recursion circuit) is built from.
struct PublicInputRef {
  size_t index = 0;
};
using PublicTermValue = std::variant<field::M31, PublicInputRef>;
struct PublicLogupTermShape {
  std::string relation;
  std::vector<PublicTermValue> values;
  field::M31 multiplicity;
};

// The terms of a statement.
inline std::vector<PublicLogupTerm> InstantiatePublicTerms(
    std::span<const PublicLogupTermShape> shapes, std::span<const field::M31> public_inputs) {
  std::vector<PublicLogupTerm> terms;
  for (const PublicLogupTermShape& shape : shapes) {
    PublicLogupTerm& term = terms.emplace_back();
    term.relation = shape.relation;
    term.multiplicity = shape.multiplicity;
    for (const PublicTermValue& value : shape.values) {
      const auto* ref = std::get_if<PublicInputRef>(&value);
      term.values.push_back(ref ? public_inputs[ref->index] : std::get<field::M31>(value));
    }
  }
  return terms;
}

// Keyed by relation name; drawn in name order.
template <class V>
using LookupElementsMapOf = std::map<std::string, LookupElementsOf<V>, std::less<>>;
using LookupElementsMap = LookupElementsMapOf<QM31>;

}  // namespace tensorstark::air
