// The bound LogUp's soundness rests on (protocol reference §9.4). The fractions of a relation sum
// to zero, for random challenges, only if each distinct tuple's multiplicities sum to 0 mod p. A
// tuple no honest trace adds (a value outside a table, a tensor element read with a wrong value)
// is added with multiplicities the verifier fixes: constants and preprocessed columns (a read's
// flag, an element's read count). If those sum to less than p over the whole trace, they cannot
// cancel; p lookups of one wrong value would. So every relation's fixed multiplicities, as
// absolute values (-m counts m), must sum to less than kMaxRelationMultiplicity, with a margin
// below p. Multiplicities read from the main trace are the prover's (a table's counts): the
// argument does not rest on them, so they are not counted.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "air/layout.h"
#include "field/m31.h"

namespace tensorstark::air {

inline constexpr uint64_t kMaxRelationMultiplicity = uint64_t{1} << 30;

// A one-line error naming the first relation (in name order) whose fixed multiplicities, summed
// over every row of every component, reach kMaxRelationMultiplicity, or a component whose
// multiplicity reads a public input (not fixed by the AIR). `preprocessed` is tree 0 as
// GeneratePreprocessedTrace gives it.
std::optional<std::string> CheckRelationMultiplicities(
    const AirLayout& layout, const std::vector<std::vector<field::M31>>& preprocessed);

}  // namespace tensorstark::air
