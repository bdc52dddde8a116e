#include "circle/circle_poly.h"

#include <algorithm>
#include <bit>
#include <cassert>
#include <utility>

#include "circle/bit_reverse.h"
#include "circle/fft.h"

namespace tensorstark::circle {
namespace {

// Folds coefficient pairs bottom-up: level 0 combines (2i, 2i+1) with y, level k ≥ 1 with
// π^{k-1}(x). This is the recursive fold(lo) + f·fold(hi) of §3.1 unrolled.
template <typename F>
F Fold(std::span<const M31> coeffs, const CirclePoint<F>& p) {
  if (coeffs.size() == 1) return F(coeffs[0]);
  std::vector<F> level(coeffs.size() / 2);
  for (size_t i = 0; i < level.size(); ++i) level[i] = F(coeffs[2 * i]) + p.y * coeffs[2 * i + 1];
  F factor = p.x;
  for (size_t n = level.size(); n > 1; n /= 2) {
    for (size_t i = 0; i < n / 2; ++i) level[i] = level[2 * i] + factor * level[2 * i + 1];
    factor = CirclePoint<F>::DoubleX(factor);
  }
  return level[0];
}

}  // namespace

CirclePoly::CirclePoly(std::vector<M31> coeffs)
    : coeffs_(std::move(coeffs)), log_size_(std::countr_zero(coeffs_.size())) {
  assert(std::has_single_bit(coeffs_.size()));
}

M31 CirclePoly::EvalAtPoint(const CirclePoint<M31>& p) const { return Fold(coeffs(), p); }

QM31 CirclePoly::EvalAtPoint(const CirclePoint<QM31>& p) const { return Fold(coeffs(), p); }

CirclePoly CirclePoly::Extend(uint32_t log_size) const {
  assert(log_size >= log_size_);
  std::vector<M31> coeffs(size_t{1} << log_size);
  std::copy(coeffs_.begin(), coeffs_.end(), coeffs.begin());
  return CirclePoly(std::move(coeffs));
}

CircleEvaluation CirclePoly::Evaluate(const CircleDomain& domain,
                                      const TwiddleTree& twiddles) const {
  assert(domain.log_size() >= log_size_);
  std::vector<M31> values(domain.size());
  CircleFftExtend(coeffs_, values, domain, twiddles);
  return CircleEvaluation(domain, std::move(values));
}

CircleEvaluation::CircleEvaluation(const CircleDomain& domain, std::vector<M31> values)
    : domain_(domain), values_(std::move(values)) {
  assert(values_.size() == domain.size());
}

CircleEvaluation CircleEvaluation::FromCosetOrder(const CanonicCoset& coset,
                                                  std::vector<M31> values) {
  BitReverseCosetToCircleDomainOrder(std::span<M31>(values));
  return CircleEvaluation(coset.circle_domain(), std::move(values));
}

M31 CircleEvaluation::AtDomainIndex(size_t i) const {
  return values_[BitReverseIndex(i, domain_.log_size())];
}

CirclePoly CircleEvaluation::Interpolate(const TwiddleTree& twiddles) const& {
  return CircleEvaluation(*this).Interpolate(twiddles);
}

CirclePoly CircleEvaluation::Interpolate(const TwiddleTree& twiddles) && {
  CircleIfft(values_, domain_, twiddles);
  return CirclePoly(std::move(values_));
}

}  // namespace tensorstark::circle
