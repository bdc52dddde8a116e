#include "circle/twiddles.h"

#include <algorithm>
#include <cassert>

#include "circle/bit_reverse.h"
#include "field/batch_inverse.h"

namespace tensorstark::circle {

TwiddleTree::TwiddleTree(const Coset& root_coset) : root_coset_(root_coset) {
  uint32_t log_r = root_coset.log_size();
  assert(root_coset.step_size() == CirclePointIndex::SubgroupGen(log_r));
  twiddles_.resize(size_t{1} << log_r);
  // x-coordinates of the first half of the current coset; the first half of the doubled coset is
  // the double of the current coset's first quarter.
  std::vector<M31> xs(root_coset.size() / 2);
  CirclePoint<M31> p = root_coset.initial();
  for (M31& x : xs) {
    x = p.x;
    p += root_coset.step();
  }
  size_t offset = 0;
  for (uint32_t round = 0; round < log_r; ++round) {
    std::span<M31> out(twiddles_.data() + offset, xs.size());
    std::copy(xs.begin(), xs.end(), out.begin());
    BitReverse(out);
    offset += xs.size();
    xs.resize(xs.size() / 2);
    for (M31& x : xs) x = CirclePoint<M31>::DoubleX(x);
  }
  twiddles_[offset] = M31::One();
  assert(std::none_of(twiddles_.begin(), twiddles_.end(), [](M31 t) { return t.IsZero(); }));
  itwiddles_ = field::BatchInverse<M31>(twiddles_);
}

TwiddleTree TwiddleTree::ForCanonicDomains(uint32_t max_log_size) {
  return TwiddleTree(CanonicCoset(max_log_size).half_coset());
}

std::span<const M31> TwiddleTree::LineLayer(uint32_t log_n, bool inverse) const {
  assert(log_n < root_coset_.log_size());
  const std::vector<M31>& buf = inverse ? itwiddles_ : twiddles_;
  size_t len = size_t{1} << log_n;
  return std::span<const M31>(buf).subspan(buf.size() - 2 * len, len);
}

uint32_t TwiddleTree::TwiddleLogSize(const CircleDomain& domain) const {
  // The root doubled d times has initial point 2^d·initial and step 2^d·step; a prefix of that
  // domain keeps the initial point and multiplies the step by 2^(root log - d - half log).
  // Either way the half coset's step is 2^(root log - half log)·step.
  const Coset& half = domain.half_coset();
  const uint32_t root_log = root_coset_.log_size();
  if (half.log_size() > root_log ||
      half.step_size() != root_coset_.step_size() * (uint64_t{1} << (root_log - half.log_size()))) {
    return 0;
  }
  for (uint32_t d = 0; d <= root_log - half.log_size(); ++d) {
    if (root_coset_.initial_index() * (uint64_t{1} << d) == half.initial_index()) {
      return root_log - d + 1;
    }
  }
  return 0;
}

std::span<const uint32_t> TwiddleTree::KernelTwiddles(uint32_t log_n, bool inverse) const {
  assert(log_n >= kLogKernelBlock && log_n <= root_coset_.log_size() + 1);
  std::vector<uint32_t>& table = kernel_cache_->tables[inverse][log_n];
  std::call_once(kernel_cache_->built[inverse][log_n], [&] {
    const size_t n_blocks = size_t{1} << (log_n - kLogKernelBlock);
    table.assign(n_blocks * kKernelBlockWords, 0);
    for (uint32_t j = 1; j < kLogKernelBlock; ++j) {
      const M31* layer = LineLayer(log_n - 1 - j, inverse).data();
      for (size_t block = 0; block < n_blocks; ++block) {
        const M31* t = layer + ((block << kLogKernelBlock) >> (j + 1));
        uint32_t* out = table.data() + block * kKernelBlockWords;
        if (j >= 4) {
          const size_t n_t = size_t{1} << (kLogKernelBlock - 1 - j);
          for (size_t g = 0; g < n_t; ++g) out[n_t - 1 + g] = 2 * t[g].value();
        } else {
          const size_t n_vectors = size_t{1} << (3 - j);
          for (size_t s = 0; s < n_vectors; ++s) {
            for (size_t l = 0; l < 16; ++l) {
              out[16 * n_vectors + 16 * s + l] = 2 * t[n_vectors * l + s].value();
            }
          }
        }
      }
    }
  });
  return table;
}

LayerTwiddles LayerTwiddles::Direct(const CircleDomain& domain, bool inverse) {
  uint32_t n = domain.log_size();
  std::vector<CirclePoint<M31>> d = domain.Points();
  LayerTwiddles tw;
  tw.layers.resize(n);
  for (size_t h = 0; h < domain.size() / 2; ++h) {
    tw.layers[0].push_back(d[BitReverseIndex(2 * h, n)].y);
  }
  // d[i] = H[i] for i < |H|.
  for (uint32_t j = 1; j < n; ++j) {
    for (size_t h = 0; h < (size_t{1} << (n - 1 - j)); ++h) {
      M31 x = d[BitReverseIndex(h, n - 1 - j)].x;
      for (uint32_t k = 1; k < j; ++k) x = CirclePoint<M31>::DoubleX(x);
      tw.layers[j].push_back(x);
    }
  }
  if (inverse) {
    for (auto& layer : tw.layers) layer = field::BatchInverse<M31>(layer);
  }
  return tw;
}

LayerTwiddles LayerTwiddles::FromTree(const TwiddleTree& tree, const CircleDomain& domain,
                                      bool inverse) {
  const uint32_t n = domain.log_size(), twiddle_log_size = tree.TwiddleLogSize(domain);
  assert(twiddle_log_size != 0);
  LayerTwiddles tw;
  tw.layers.resize(n);
  for (uint32_t j = 1; j < n; ++j) {
    std::span<const M31> line =
        tree.LineLayer(twiddle_log_size - 1 - j, inverse).first(size_t{1} << (n - 1 - j));
    tw.layers[j].assign(line.begin(), line.end());
  }
  std::vector<M31>& circle = tw.layers[0];
  if (n >= 3) {
    // Line layer 1 holds pairs (x, y) = (x(H[a]), x(H[a] + G_4)) with G_4 = (0, -1), so y is
    // H[a]'s y-coordinate. The circle layer needs the y's of H[a], H[a] + G_2, H[a] + G_4 and
    // H[a] + 3·G_4, i.e. (y, -y, -x, x). Inversion commutes with negation, so the same holds for
    // the inverse twiddles.
    const std::vector<M31>& line = tw.layers[1];
    for (size_t i = 0; i < line.size(); i += 2) {
      M31 x = line[i], y = line[i + 1];
      circle.insert(circle.end(), {y, -y, -x, x});
    }
  } else {
    const Coset& h = domain.half_coset();
    circle.push_back(h.initial().y);
    if (n == 2) circle.push_back((h.initial() + h.step()).y);
    if (inverse) {
      for (M31& t : circle) t = t.Inverse();
    }
  }
  return tw;
}

}  // namespace tensorstark::circle
