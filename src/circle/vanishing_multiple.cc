#include "circle/vanishing_multiple.h"

#include <bit>
#include <cassert>

#include "circle/bit_reverse.h"
#include "circle/coset.h"
#include "circle/fft.h"
#include "circle/vanishing.h"

namespace tensorstark::circle {

std::vector<M31> AddVanishingMultiple(std::span<const M31> f, uint32_t k, std::span<const M31> r,
                                      const TwiddleTree& twiddles) {
  assert(f.size() == size_t{1} << k && std::has_single_bit(r.size()));
  std::vector<M31> out;
  if (r.size() <= f.size()) {
    out.assign(f.begin(), f.end());
    out.insert(out.end(), r.begin(), r.end());
    out.resize(2 * f.size());
    return out;
  }
  // Z_H·r is no longer a shift of coefficients: multiply on CanonicCoset(m + 1), interpolate.
  const uint32_t log_size = std::bit_width(r.size());
  const CircleDomain domain = CanonicCoset(log_size).circle_domain();
  out.resize(domain.size());
  std::vector<M31> r_values(domain.size());
  CircleFftExtend(f, out, domain, twiddles);
  CircleFftExtend(r, r_values, domain, twiddles);
  for (size_t i = 0; i < out.size(); ++i) {
    const CirclePoint<M31> p = domain.at(BitReverseIndex(i, log_size));
    out[i] += CanonicVanishing(k, p) * r_values[i];
  }
  CircleIfft(out, domain, twiddles);
  return out;
}

std::vector<M31> RestrictToCanonicCoset(std::span<const M31> coeffs, uint32_t k) {
  const size_t n = size_t{1} << k;
  assert(coeffs.size() >= n && std::has_single_bit(coeffs.size()));
  std::vector<M31> out(coeffs.begin(), coeffs.begin() + n);
  for (size_t t = 1; (t << (k + 1)) < coeffs.size(); ++t) {
    const M31* block = coeffs.data() + (t << (k + 1));
    for (size_t i = 0; i < n; ++i) out[i] += (t & 1) ? -block[i] : block[i];
  }
  return out;
}

}  // namespace tensorstark::circle
