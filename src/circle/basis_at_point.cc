#include "circle/basis_at_point.h"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <cassert>

#include "field/packed_m31.h"

namespace tensorstark::circle {

using field::PackedM31;

BasisAtPoint::BasisAtPoint(const CirclePoint<QM31>& point, uint32_t log_size)
    : log_size_(log_size) {
  const size_t n = size_t{1} << log_size;
  std::vector<QM31> basis(n);
  basis[0] = QM31::One();
  QM31 x = point.x;
  for (uint32_t b = 0; b < log_size; ++b) {
    // Bit 0 selects y, bit b ≥ 1 selects π^{b-1}(x).
    QM31 factor = point.y;
    if (b > 0) {
      factor = x;
      x = CirclePoint<QM31>::DoubleX(x);
    }
    const size_t half = size_t{1} << b;
    tbb::parallel_for(tbb::blocked_range<size_t>(0, half, 1 << 12), [&](const auto& range) {
      for (size_t j = range.begin(); j < range.end(); ++j) basis[half + j] = basis[j] * factor;
    });
  }
  for (std::vector<M31>& coord : coords_) coord.resize(n);
  tbb::parallel_for(tbb::blocked_range<size_t>(0, n, 1 << 14), [&](const auto& range) {
    for (size_t i = range.begin(); i < range.end(); ++i) {
      const std::array<M31, 4> v = basis[i].ToM31Array();
      for (size_t c = 0; c < 4; ++c) coords_[c][i] = v[c];
    }
  });
}

QM31 BasisAtPoint::Evaluate(std::span<const M31> coeffs) const {
  assert(coeffs.size() == coords_[0].size());
  constexpr size_t kLanes = field::kLanes;
  std::array<PackedM31, 4> acc{};
  size_t i = 0;
  for (; i + kLanes <= coeffs.size(); i += kLanes) {
    const PackedM31 c = PackedM31::Load(&coeffs[i]);
    for (size_t k = 0; k < 4; ++k) acc[k] += PackedM31::Load(&coords_[k][i]) * c;
  }
  std::array<M31, 4> sum{};
  for (size_t k = 0; k < 4; ++k) {
    for (M31 lane : acc[k].ToArray()) sum[k] += lane;
    for (size_t j = i; j < coeffs.size(); ++j) sum[k] += coords_[k][j] * coeffs[j];
  }
  return QM31::FromM31Array(sum);
}

}  // namespace tensorstark::circle
