#include "recursion/logup_circuit.h"

#include <cassert>

#include "air/logup.h"
#include "recursion/qm31_wire.h"

namespace tensorstark::recursion {

using field::QM31;

LookupElementWiresMap DrawLookupElements(CircuitChannel& channel,
                                         const std::vector<air::Relation>& relations) {
  CircuitBuilder& builder = channel.digest()[0].builder();
  return air::DrawLookupElementsOf(channel, relations, builder.Constant(QM31::One()));
}

void CheckLogupSums(const air::AirLayout& layout, std::span<const Wire> claimed_sums,
                    std::span<const PublicLogupTermWires> public_terms,
                    const LookupElementWiresMap& elements) {
  assert(claimed_sums.size() == layout.components.size());
  CircuitBuilder& builder = claimed_sums[0].builder();
  const Wire zero = builder.Constant(QM31::Zero());
  Wire total = zero;
  for (size_t i = 0; i < claimed_sums.size(); ++i) {
    if (layout.components[i].info.relations.empty()) {
      builder.AssertEqual(claimed_sums[i], zero, "a component without relations claims 0");
    } else {
      total = total + claimed_sums[i];
    }
  }
  for (const PublicLogupTermWires& term : public_terms) {
    const auto it = elements.find(term.relation);
    assert(it != elements.end() && term.values.size() <= it->second.alpha_powers.size());
    const Wire denominator =
        air::LookupDenominatorOf<Wire, Wire>(it->second, std::span<const Wire>(term.values));
    total = total + InverseOf(denominator, "a public LogUp term's denominator") *
                        QM31(term.multiplicity);
  }
  builder.AssertEqual(total, zero, "the LogUp sums cancel");
}

}  // namespace tensorstark::recursion
