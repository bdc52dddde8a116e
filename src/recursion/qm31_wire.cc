#include "recursion/qm31_wire.h"

namespace tensorstark::recursion {

using field::M31;
using field::QM31;

Wire FromCoordinates(const std::array<Wire, 4>& coordinates) {
  constexpr std::array<QM31, 4> kBasis = QM31::Basis();
  return coordinates[0] + coordinates[1] * kBasis[1] + coordinates[2] * kBasis[2] +
         coordinates[3] * kBasis[3];
}

GuessedQM31 GuessQM31(CircuitBuilder& builder, QM31 value) {
  GuessedQM31 guessed;
  const std::array<M31, 4> coordinates = value.ToM31Array();
  for (size_t k = 0; k < 4; ++k) {
    guessed.coordinates[k] = builder.Guess(ValueType::kM31, QM31(coordinates[k]));
  }
  guessed.value = FromCoordinates(guessed.coordinates);
  return guessed;
}

Wire InverseOf(Wire x, std::string_view what) {
  CircuitBuilder& builder = x.builder();
  QM31 inverse;
  if (builder.with_values() && x.value() != QM31::Zero()) inverse = x.value().Inverse();
  const Wire x_inv = builder.Guess(ValueType::kQM31, inverse);
  builder.AssertEqual(x * x_inv, builder.Constant(QM31::One()), what);
  return x_inv;
}

}  // namespace tensorstark::recursion
