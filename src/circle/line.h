// Line domains and line polynomials (protocol reference §3.6), the objects FRI folds: after the
// first (circle-to-line) fold, a FRI layer is a LineEvaluation over QM31, and the last layer is
// sent as a LinePoly.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "circle/coset.h"
#include "field/m31.h"
#include "field/qm31.h"

namespace tensorstark::circle {

// The x-coordinates of a coset, which must be pairwise distinct: the initial point's order is at
// least 4 times the step's. Element i is coset.at(i).x.
class LineDomain {
 public:
  explicit LineDomain(const Coset& coset);
  // The x-coordinates of the domain's half coset.
  explicit LineDomain(const CircleDomain& domain) : LineDomain(domain.half_coset()) {}

  const Coset& coset() const { return coset_; }
  uint32_t log_size() const { return coset_.log_size(); }
  size_t size() const { return coset_.size(); }
  M31 at(size_t i) const { return coset_.at(i).x; }
  // All elements in order.
  std::vector<M31> Points() const;
  // π applied to every element: the domain of the next FRI layer.
  LineDomain Double() const { return LineDomain(coset_.Double()); }

  friend bool operator==(const LineDomain& a, const LineDomain& b) = default;

 private:
  Coset coset_;
};

class LineEvaluation;

// A polynomial in the ordered basis {1, x, π(x), x·π(x), π²(x), …} (ordered index j: bit k
// selects π^k(x)), with its coefficients stored in bit-reversed order.
class LinePoly {
 public:
  // coeffs in bit-reversed order; coeffs.size() is a power of two.
  explicit LinePoly(std::vector<QM31> coeffs);
  static LinePoly FromOrderedCoefficients(std::vector<QM31> coeffs);

  uint32_t log_size() const { return log_size_; }
  std::span<const QM31> coeffs() const { return coeffs_; }
  std::vector<QM31> OrderedCoefficients() const;

  // Folds with [x, π(x), …, π^{n-1}(x)], the first factor on the top split of the storage order.
  QM31 EvalAtPoint(QM31 x) const;

  // Values on `domain` (size ≥ 2^log_size()) in bit-reversed order.
  LineEvaluation Evaluate(const LineDomain& domain) const;

 private:
  std::vector<QM31> coeffs_;
  uint32_t log_size_;
};

// QM31 values on a line domain, in bit-reversed order.
class LineEvaluation {
 public:
  LineEvaluation(const LineDomain& domain, std::vector<QM31> values);

  const LineDomain& domain() const { return domain_; }
  std::span<const QM31> values() const { return values_; }

  // The line polynomial of degree < domain size through these values: bit-reverse, inverse line
  // FFT (ibutterflies with x^{-1}, domain doubled after each layer), scaling by 1/size.
  LinePoly Interpolate() const;

 private:
  LineDomain domain_;
  std::vector<QM31> values_;
};

}  // namespace tensorstark::circle
