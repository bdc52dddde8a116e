#include "circle/line.h"

#include <bit>
#include <cassert>
#include <utility>

#include "circle/bit_reverse.h"
#include "field/batch_inverse.h"

namespace tensorstark::circle {

LineDomain::LineDomain(const Coset& coset) : coset_(coset) {
  // Two points share an x-coordinate only if they are conjugate; an initial point whose order is
  // at least 4 times the step's keeps conjugates out of the coset.
  assert(coset.size() < 2 || coset.initial().LogOrder() >= coset.step().LogOrder() + 2);
}

std::vector<M31> LineDomain::Points() const {
  std::vector<M31> xs;
  xs.reserve(size());
  for (const CirclePoint<M31>& p : coset_.Points()) xs.push_back(p.x);
  return xs;
}

LinePoly::LinePoly(std::vector<QM31> coeffs)
    : coeffs_(std::move(coeffs)), log_size_(std::countr_zero(coeffs_.size())) {
  assert(std::has_single_bit(coeffs_.size()));
}

LinePoly LinePoly::FromOrderedCoefficients(std::vector<QM31> coeffs) {
  BitReverse(std::span<QM31>(coeffs));
  return LinePoly(std::move(coeffs));
}

std::vector<QM31> LinePoly::OrderedCoefficients() const {
  std::vector<QM31> coeffs = coeffs_;
  BitReverse(std::span<QM31>(coeffs));
  return coeffs;
}

QM31 LinePoly::EvalAtPoint(QM31 x) const {
  // Bottom-up: storage bit 0 pairs with π^{n-1}(x), the top bit with x.
  std::vector<QM31> factors(log_size_);
  for (uint32_t k = 0; k < log_size_; ++k, x = CirclePoint<QM31>::DoubleX(x)) factors[k] = x;
  std::vector<QM31> level = coeffs_;
  for (size_t n = level.size(), k = log_size_; n > 1; n /= 2) {
    QM31 f = factors[--k];
    for (size_t i = 0; i < n / 2; ++i) level[i] = level[2 * i] + f * level[2 * i + 1];
  }
  return level[0];
}

LineEvaluation LinePoly::Evaluate(const LineDomain& domain) const {
  assert(domain.log_size() >= log_size_);
  // Zero-extend in the ordered basis, then return to bit-reversed storage at the new size.
  std::vector<QM31> values = OrderedCoefficients();
  values.resize(domain.size());
  BitReverse(std::span<QM31>(values));
  // Line FFT: the layer of the smallest domain (the last doubling) first. In natural order a
  // domain's elements i and i + size/2 are x and -x.
  std::vector<LineDomain> domains;
  for (LineDomain d = domain; d.size() > 1; d = d.Double()) domains.push_back(d);
  for (auto d = domains.rbegin(); d != domains.rend(); ++d) {
    size_t half = d->size() / 2;
    std::vector<M31> xs = d->Points();
    for (size_t c = 0; c < values.size(); c += d->size()) {
      for (size_t i = 0; i < half; ++i) {
        QM31 t = values[c + half + i] * xs[i];
        values[c + half + i] = values[c + i] - t;
        values[c + i] = values[c + i] + t;
      }
    }
  }
  BitReverse(std::span<QM31>(values));
  return LineEvaluation(domain, std::move(values));
}

LineEvaluation::LineEvaluation(const LineDomain& domain, std::vector<QM31> values)
    : domain_(domain), values_(std::move(values)) {
  assert(values_.size() == domain.size());
}

LinePoly LineEvaluation::Interpolate() const {
  std::vector<QM31> values = values_;
  BitReverse(std::span<QM31>(values));
  for (LineDomain d = domain_; d.size() > 1; d = d.Double()) {
    size_t half = d.size() / 2;
    std::vector<M31> xs = d.Points();
    xs.resize(half);
    std::vector<M31> inv_xs = field::BatchInverse<M31>(xs);
    for (size_t c = 0; c < values.size(); c += d.size()) {
      for (size_t i = 0; i < half; ++i) {
        QM31 l = values[c + i], r = values[c + half + i];
        values[c + i] = l + r;
        values[c + half + i] = (l - r) * inv_xs[i];
      }
    }
  }
  M31 scale = M31::Reduce(values.size()).Inverse();
  for (QM31& v : values) v *= scale;
  return LinePoly(std::move(values));
}

}  // namespace tensorstark::circle
