// Circle polynomials and their evaluations on circle domains (protocol reference §3.1, §3.3,
// §3.4): CirclePoly holds coefficients in the basis y^{i_0}·Π_k π^{k-1}(x)^{i_k}; CircleEvaluation
// holds values on a CircleDomain in bit-reversed order. The fast FFT (fft.h) converts between
// them.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "circle/circle_point.h"
#include "circle/coset.h"
#include "circle/twiddles.h"
#include "field/m31.h"
#include "field/qm31.h"

namespace tensorstark::circle {

class CircleEvaluation;

class CirclePoly {
 public:
  // coeffs.size() is a power of two: 2^log_size.
  explicit CirclePoly(std::vector<M31> coeffs);

  uint32_t log_size() const { return log_size_; }
  std::span<const M31> coeffs() const { return coeffs_; }

  // The fold of §3.1: bit 0 of a coefficient's index selects y, bit k ≥ 1 selects π^{k-1}(x).
  M31 EvalAtPoint(const CirclePoint<M31>& p) const;
  QM31 EvalAtPoint(const CirclePoint<QM31>& p) const;

  // The same polynomial with zero coefficients appended up to 2^log_size.
  CirclePoly Extend(uint32_t log_size) const;

  // Evaluations on `domain` (log size ≥ log_size(): a low-degree extension), by the fast FFT.
  // `twiddles` must serve the domain.
  CircleEvaluation Evaluate(const CircleDomain& domain, const TwiddleTree& twiddles) const;

 private:
  std::vector<M31> coeffs_;
  uint32_t log_size_;
};

class CircleEvaluation {
 public:
  // values[j] is the value at domain.at(BitReverseIndex(j, domain.log_size())).
  CircleEvaluation(const CircleDomain& domain, std::vector<M31> values);
  // Values in coset order of a canonic coset (trace rows), stored in bit-reversed circle-domain
  // order on its circle domain.
  static CircleEvaluation FromCosetOrder(const CanonicCoset& coset, std::vector<M31> values);

  const CircleDomain& domain() const { return domain_; }
  std::span<const M31> values() const { return values_; }
  // The value at the domain's natural index i.
  M31 AtDomainIndex(size_t i) const;

  // The polynomial of degree < domain size through these values, by the fast inverse FFT.
  // `twiddles` must serve the domain.
  CirclePoly Interpolate(const TwiddleTree& twiddles) const&;
  CirclePoly Interpolate(const TwiddleTree& twiddles) &&;

 private:
  CircleDomain domain_;
  std::vector<M31> values_;
};

}  // namespace tensorstark::circle
