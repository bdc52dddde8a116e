// QM31 values as wires: a QM31 a + b·i + c·u + d·iu built from its 4 M31 coordinates (how values
// from a proof and draws from the channel become QM31 wires).
#pragma once

#include <array>
#include <string_view>

#include "recursion/circuit_builder.h"

namespace tensorstark::recursion {

Wire FromCoordinates(const std::array<Wire, 4>& coordinates);

// The 4 coordinates of a QM31 value from a proof, guessed as M31 words, and the QM31 wire they
// form: the channel mixes the coordinates, the verifier computes with the wire.
struct GuessedQM31 {
  std::array<Wire, 4> coordinates;
  Wire value;
};
GuessedQM31 GuessQM31(CircuitBuilder& builder, field::QM31 value);

// 1 / x, guessed and checked (x · x⁻¹ = 1), so that no inverse is taken on trust; a zero x fails
// the witness build at that assertion.
Wire InverseOf(Wire x, std::string_view what);

}  // namespace tensorstark::recursion
