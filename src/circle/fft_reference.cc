#include "circle/fft_reference.h"

#include <cassert>

namespace tensorstark::circle {
namespace {

// Butterflies of layer j: pairs (h·2^{j+1} + l, h·2^{j+1} + l + 2^j) with twiddle t_{j,h}.
template <bool kInverse>
void ApplyLayer(std::span<M31> values, uint32_t j, std::span<const M31> twiddles) {
  size_t half = size_t{1} << j;
  assert(twiddles.size() == values.size() / (2 * half));
  for (size_t h = 0; h < twiddles.size(); ++h) {
    M31* block = values.data() + 2 * half * h;
    for (size_t l = 0; l < half; ++l) {
      if constexpr (kInverse) {
        IButterfly(block[l], block[l + half], twiddles[h]);
      } else {
        Butterfly(block[l], block[l + half], twiddles[h]);
      }
    }
  }
}

}  // namespace

void ReferenceCircleFft(std::span<M31> values, const LayerTwiddles& twiddles) {
  uint32_t n = twiddles.log_size();
  assert(values.size() == size_t{1} << n);
  for (uint32_t j = n; j-- > 0;) ApplyLayer<false>(values, j, twiddles.layers[j]);
}

void ReferenceCircleIfft(std::span<M31> values, const LayerTwiddles& itwiddles) {
  uint32_t n = itwiddles.log_size();
  assert(values.size() == size_t{1} << n);
  for (uint32_t j = 0; j < n; ++j) ApplyLayer<true>(values, j, itwiddles.layers[j]);
  M31 scale = M31::Reduce(values.size()).Inverse();
  for (M31& v : values) v *= scale;
}

}  // namespace tensorstark::circle
