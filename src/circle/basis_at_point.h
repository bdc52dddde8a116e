// Evaluating many circle polynomials of one size at one point (the out-of-domain sampling of
// protocol reference §5.3). The fold of CirclePoly::EvalAtPoint costs about one QM31 product per
// coefficient for every polynomial; here the basis values at the point, Π_k (factor k)^{bit k}
// with factors y, x, π(x), … (§3.1), are computed once, and each polynomial is then an inner
// product with its coefficients: 4 M31 products per coefficient, 16 lanes at a time.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "circle/circle_point.h"
#include "field/m31.h"
#include "field/qm31.h"

namespace tensorstark::circle {

class BasisAtPoint {
 public:
  BasisAtPoint(const CirclePoint<QM31>& point, uint32_t log_size);

  uint32_t log_size() const { return log_size_; }
  // The value at the point of the polynomial with these 2^log_size coefficients.
  QM31 Evaluate(std::span<const M31> coeffs) const;

 private:
  uint32_t log_size_;
  std::array<std::vector<M31>, 4> coords_;  // the basis values' coordinates, by coefficient index
};

}  // namespace tensorstark::circle
