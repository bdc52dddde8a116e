#include "circle/fft.h"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cassert>

#include "circle/fft_reference.h"
#include "field/packed_m31.h"

namespace tensorstark::circle {
namespace {

using field::Deinterleave;
using field::Interleave;
using field::kLanes;
using field::PackedM31;

// Layers 7..0 of each 256-element block run in registers (16 vectors).
constexpr uint32_t kLogKernel = kLogKernelBlock;
static_assert(kLogKernel == 2 * field::kLogLanes);
// Above the kernel, passes fuse up to 4 layers: 16 rows of vectors plus 15 broadcast twiddles
// fill the 32 AVX-512 registers.
constexpr uint32_t kMaxLogRadix = 4;
// Blocks of at least 2^20 elements (4 MiB) do not fit in L2.
constexpr uint32_t kLogBeyondL2 = 20;
// Blocks at least this large split their work across TBB tasks.
constexpr uint32_t kLogParallelMin = 14;
// Columns per task in a parallel pass.
constexpr size_t kColumnGrain = 1024;

// The lower vector of butterfly b among vectors paired at distance 2^log_half.
constexpr int PairIndex(int b, int log_half) {
  return ((b >> log_half) << (log_half + 1)) | (b & ((1 << log_half) - 1));
}

// Twiddle arrays of one transform: layer[j] holds FFT layer j's (line) twiddles, indexed by the
// block index h = element >> (j + 1), for the passes above the kernel; `kernel` holds the same
// twiddles of layers 7..1 laid out for the kernel (TwiddleTree::KernelTwiddles). Layer 0's are
// derived from layer 1's inside the kernel.
struct Layers {
  std::array<const M31*, 32> layer{};
  const uint32_t* kernel = nullptr;
};

// Twiddles from the kernel table, stored doubled: one value for all lanes, or 16 lanes.
struct DoubledScalar {
  uint32_t t_dbl;
};
struct DoubledVector {
  const uint32_t* t_dbl;
};
inline PackedM31 operator*(PackedM31 a, DoubledScalar t) {
  return PackedM31::MulByDoubledScalar(a, t.t_dbl);
}
inline PackedM31 operator*(PackedM31 a, DoubledVector t) {
  return PackedM31::MulByDoubled(a, t.t_dbl);
}

// v0' = v0 + t·v1, v1' = v0 - t·v1.
template <typename T>
inline void Butterfly(PackedM31& v0, PackedM31& v1, T t) {
  PackedM31 tv1 = v1 * t;
  v1 = v0 - tv1;
  v0 = v0 + tv1;
}

// v0' = v0 + v1, v1' = (v0 - v1)·it.
template <typename T>
inline void IButterfly(PackedM31& v0, PackedM31& v1, T it) {
  PackedM31 diff = v0 - v1;
  v0 = v0 + v1;
  v1 = diff * it;
}

// v0' = v0 - t·v1, v1' = v0 + t·v1: a butterfly with twiddle -t.
template <typename T>
inline void NegButterfly(PackedM31& v0, PackedM31& v1, T t) {
  PackedM31 tv1 = v1 * t;
  v1 = v0 + tv1;
  v0 = v0 - tv1;
}

// v0' = v0 + v1, v1' = (v1 - v0)·it: an inverse butterfly with twiddle -it.
template <typename T>
inline void NegIButterfly(PackedM31& v0, PackedM31& v1, T it) {
  PackedM31 diff = v1 - v0;
  v0 = v0 + v1;
  v1 = diff * it;
}

// Row k of a 16×16 block becomes column k: four rounds of interleaving vectors at distance
// 8, 4, 2, 1. Interleaving moves a lane index's top bit into the vector index at that distance
// and the vector bit into the lane's bottom bit, so after four rounds the two indices have
// traded places.
inline void Transpose(PackedM31 (&v)[16]) {
#pragma GCC unroll 4
  for (int log_d = 3; log_d >= 0; --log_d) {
#pragma GCC unroll 8
    for (int b = 0; b < 8; ++b) {
      const int k = PairIndex(b, log_d), d = 1 << log_d;
      Interleave(v[k], v[k + d], v[k], v[k + d]);
    }
  }
}

// The kernel table's words for one 256-element block (layout in twiddles.h).
class KernelTwiddles {
 public:
  KernelTwiddles(const Layers& tw, size_t base)
      : words_(tw.kernel + (base >> kLogKernel) * kKernelBlockWords) {}

  // Layer j ≥ 4's g-th twiddle of the block, for whole-vector pairs of the untransposed block.
  DoubledScalar Upper(int j, int g) const { return {words_[(1 << (7 - j)) - 1 + g]}; }
  // Vector s of layer j ≤ 3 for the transposed block: vector k of the block holds the elements
  // with low bits k, lane l those with bits 7..4 equal to l, so the pair (k, k + 2^j) uses
  // twiddle (base >> (j+1)) + (k >> (j+1)) + l·2^{3-j} in lane l, i.e. vector k >> (j+1).
  DoubledVector Lower(int j, int s) const { return {words_ + (kLanes << (3 - j)) + kLanes * s}; }
  // The circle layer's twiddle for the pair (2c, 2c+1), up to its sign. Layer 1's twiddles come
  // in pairs (x_g, y_g) (see LayerTwiddles::FromTree), and the circle twiddles of h = 4g..4g+3
  // are (y_g, -y_g, -x_g, x_g). With c = 4s + r, lane l needs g = (base >> 3) + 2l + s, whose
  // x_g and y_g are lane l of layer 1's vectors 2s and 2s+1; r picks the entry of the four.
  DoubledVector Circle(int c) const { return Lower(1, 2 * (c >> 2) + ((c & 3) < 2 ? 1 : 0)); }
  static constexpr bool CircleNegated(int c) { return (c & 3) == 1 || (c & 3) == 2; }

 private:
  const uint32_t* words_;
};

// Layers 7..4 (forward) of a 256-element block held as 16 vectors of 16 consecutive elements:
// vector pairs at distance 8, 4, 2, 1 with broadcast twiddles.
inline void ForwardUpperLayers(PackedM31 (&v)[16], const KernelTwiddles& t) {
#pragma GCC unroll 4
  for (int log_half = 3; log_half >= 0; --log_half) {
    const int j = log_half + 4, half = 1 << log_half;
#pragma GCC unroll 8
    for (int b = 0; b < 8; ++b) {
      const int k = PairIndex(b, log_half);
      Butterfly(v[k], v[k + half], t.Upper(j, b >> log_half));
    }
  }
}

// Forward kernel: layers 7..0 of 256 elements read from src and written to dst (which may be
// src), the first of global index base. Layers 7..4 pair whole vectors; a transpose makes layers
// 3..0 pair whole vectors too.
void ForwardKernel(const M31* src, M31* dst, size_t base, const Layers& tw) {
  PackedM31 v[16];
#pragma GCC unroll 16
  for (int k = 0; k < 16; ++k) v[k] = PackedM31::Load(src + k * kLanes);
  const KernelTwiddles t(tw, base);
  ForwardUpperLayers(v, t);
  Transpose(v);
#pragma GCC unroll 8
  for (int k = 0; k < 8; ++k) Butterfly(v[k], v[k + 8], t.Lower(3, 0));
#pragma GCC unroll 8
  for (int b = 0; b < 8; ++b) {
    const int k = PairIndex(b, 2);
    Butterfly(v[k], v[k + 4], t.Lower(2, b >> 2));
  }
#pragma GCC unroll 8
  for (int b = 0; b < 8; ++b) {
    const int k = PairIndex(b, 1);
    Butterfly(v[k], v[k + 2], t.Lower(1, b >> 1));
  }
#pragma GCC unroll 8
  for (int c = 0; c < 8; ++c) {
    if (KernelTwiddles::CircleNegated(c)) {
      NegButterfly(v[2 * c], v[2 * c + 1], t.Circle(c));
    } else {
      Butterfly(v[2 * c], v[2 * c + 1], t.Circle(c));
    }
  }
  Transpose(v);
#pragma GCC unroll 16
  for (int k = 0; k < 16; ++k) v[k].Store(dst + k * kLanes);
}

// Inverse kernel: layers 0..7, the forward kernel mirrored. With kScale the outputs of the last
// layer are multiplied by scale.
template <bool kScale>
void InverseKernel(M31* data, size_t base, const Layers& itw, M31 scale) {
  PackedM31 v[16];
#pragma GCC unroll 16
  for (int k = 0; k < 16; ++k) v[k] = PackedM31::Load(data + k * kLanes);
  Transpose(v);
  const KernelTwiddles t(itw, base);
#pragma GCC unroll 8
  for (int c = 0; c < 8; ++c) {
    if (KernelTwiddles::CircleNegated(c)) {
      NegIButterfly(v[2 * c], v[2 * c + 1], t.Circle(c));
    } else {
      IButterfly(v[2 * c], v[2 * c + 1], t.Circle(c));
    }
  }
#pragma GCC unroll 8
  for (int b = 0; b < 8; ++b) {
    const int k = PairIndex(b, 1);
    IButterfly(v[k], v[k + 2], t.Lower(1, b >> 1));
  }
#pragma GCC unroll 8
  for (int b = 0; b < 8; ++b) {
    const int k = PairIndex(b, 2);
    IButterfly(v[k], v[k + 4], t.Lower(2, b >> 2));
  }
#pragma GCC unroll 8
  for (int k = 0; k < 8; ++k) IButterfly(v[k], v[k + 8], t.Lower(3, 0));
  Transpose(v);
#pragma GCC unroll 4
  for (int log_half = 0; log_half < 4; ++log_half) {
    const int j = log_half + 4, half = 1 << log_half;
#pragma GCC unroll 8
    for (int b = 0; b < 8; ++b) {
      const int k = PairIndex(b, log_half);
      if (kScale && j == 7) {
        const M31 it = M31::FromCanonical(t.Upper(7, 0).t_dbl >> 1);
        PackedM31 diff = v[k] - v[k + half];
        v[k] = (v[k] + v[k + half]) * scale;
        v[k + half] = diff * (it * scale);
      } else {
        IButterfly(v[k], v[k + half], t.Upper(j, b >> log_half));
      }
    }
  }
#pragma GCC unroll 16
  for (int k = 0; k < 16; ++k) v[k].Store(data + k * kLanes);
}

// One pass over a block of 2^m elements (global index of the first: base) applying layers
// m-1 .. m-kLogR: 2^kLogR rows of `stride` = 2^{m-kLogR} elements, columns [c0, c1), read from
// src and written to dst (which may be src). Within the pass, level q (layer m-1-q) pairs rows at
// distance R/2^{q+1} in 2^q groups, group g using twiddle h = (base >> (m-q)) + g of its layer.
template <int kLogR>
void ForwardPass(const M31* src, M31* dst, uint32_t m, size_t base, size_t c0, size_t c1,
                 const Layers& tw) {
  constexpr int kRows = 1 << kLogR;
  const size_t stride = size_t{1} << (m - kLogR);
  M31 t[kRows - 1];  // level q, group g at (1 << q) - 1 + g
  for (int q = 0; q < kLogR; ++q) {
    const M31* layer = tw.layer[m - 1 - q] + (base >> (m - q));
    for (int g = 0; g < (1 << q); ++g) t[(1 << q) - 1 + g] = layer[g];
  }
  for (size_t col = c0; col < c1; col += kLanes) {
    PackedM31 v[kRows];
#pragma GCC unroll 16
    for (int k = 0; k < kRows; ++k) v[k] = PackedM31::Load(src + k * stride + col);
#pragma GCC unroll 4
    for (int q = 0; q < kLogR; ++q) {
      const int log_half = kLogR - 1 - q, half = 1 << log_half;
#pragma GCC unroll 8
      for (int b = 0; b < kRows / 2; ++b) {
        const int k = PairIndex(b, log_half);
        Butterfly(v[k], v[k + half], t[(1 << q) - 1 + (b >> log_half)]);
      }
    }
#pragma GCC unroll 16
    for (int k = 0; k < kRows; ++k) v[k].Store(dst + k * stride + col);
  }
}

// The inverse of ForwardPass: levels q = kLogR-1 .. 0. With kScale the last layer's outputs are
// multiplied by scale.
template <int kLogR, bool kScale>
void InversePass(M31* data, uint32_t m, size_t base, size_t c0, size_t c1, const Layers& itw,
                 M31 scale) {
  constexpr int kRows = 1 << kLogR;
  const size_t stride = size_t{1} << (m - kLogR);
  M31 t[kRows - 1];
  for (int q = 0; q < kLogR; ++q) {
    const M31* layer = itw.layer[m - 1 - q] + (base >> (m - q));
    for (int g = 0; g < (1 << q); ++g) t[(1 << q) - 1 + g] = layer[g];
  }
  const M31 scaled_top = t[0] * scale;
  for (size_t col = c0; col < c1; col += kLanes) {
    PackedM31 v[kRows];
#pragma GCC unroll 16
    for (int k = 0; k < kRows; ++k) v[k] = PackedM31::Load(data + k * stride + col);
#pragma GCC unroll 4
    for (int q = kLogR - 1; q >= 0; --q) {
      const int log_half = kLogR - 1 - q, half = 1 << log_half;
#pragma GCC unroll 8
      for (int b = 0; b < kRows / 2; ++b) {
        const int k = PairIndex(b, log_half);
        if (kScale && q == 0) {
          PackedM31 diff = v[k] - v[k + half];
          v[k] = (v[k] + v[k + half]) * scale;
          v[k + half] = diff * scaled_top;
        } else {
          IButterfly(v[k], v[k + half], t[(1 << q) - 1 + (b >> log_half)]);
        }
      }
    }
#pragma GCC unroll 16
    for (int k = 0; k < kRows; ++k) v[k].Store(data + k * stride + col);
  }
}

void RunForwardPass(uint32_t log_r, const M31* src, M31* dst, uint32_t m, size_t base, size_t c0,
                    size_t c1, const Layers& tw) {
  switch (log_r) {
    case 1:
      return ForwardPass<1>(src, dst, m, base, c0, c1, tw);
    case 2:
      return ForwardPass<2>(src, dst, m, base, c0, c1, tw);
    case 3:
      return ForwardPass<3>(src, dst, m, base, c0, c1, tw);
    default:
      return ForwardPass<4>(src, dst, m, base, c0, c1, tw);
  }
}

template <bool kScale>
void RunInversePass(uint32_t log_r, M31* data, uint32_t m, size_t base, size_t c0, size_t c1,
                    const Layers& itw, M31 scale) {
  switch (log_r) {
    case 1:
      return InversePass<1, kScale>(data, m, base, c0, c1, itw, scale);
    case 2:
      return InversePass<2, kScale>(data, m, base, c0, c1, itw, scale);
    case 3:
      return InversePass<3, kScale>(data, m, base, c0, c1, itw, scale);
    default:
      return InversePass<4, kScale>(data, m, base, c0, c1, itw, scale);
  }
}

// Calls body(begin, end) on chunks of about `grain` covering [0, n), as TBB tasks when parallel.
template <typename Body>
void ForEach(size_t n, size_t grain, bool parallel, const Body& body) {
  if (!parallel) {
    for (size_t i = 0; i < n; i += grain) body(i, std::min(n, i + grain));
    return;
  }
  tbb::parallel_for(tbb::blocked_range<size_t>(0, n, grain),
                    [&](const tbb::blocked_range<size_t>& r) { body(r.begin(), r.end()); });
}

// How many layers the top pass of a block of 2^m elements fuses. Blocks of 2^12 (16 KiB, in L1)
// always end the recursion (a full pass, then the kernels). Blocks larger than L2 take full
// passes to shrink quickly; below that, a short pass absorbs the layer count's remainder.
uint32_t LogRadix(uint32_t m) {
  const uint32_t above = m - kLogKernel;
  if (above <= kMaxLogRadix) return above;
  if (m >= kLogBeyondL2 || above % kMaxLogRadix == 0) return kMaxLogRadix;
  return above % kMaxLogRadix;
}

// Layers m-1..0 of the block of 2^m elements read from src and written to dst (which may be
// src), the first of global index base: the top pass, then the 2^r sub-blocks in place, each
// small enough to stay in cache while it recurses.
void ForwardBlock(const M31* src, M31* dst, uint32_t m, size_t base, const Layers& tw) {
  if (m == kLogKernel) return ForwardKernel(src, dst, base, tw);
  const uint32_t log_r = LogRadix(m);
  const size_t stride = size_t{1} << (m - log_r);
  const bool parallel = m >= kLogParallelMin;
  ForEach(stride, kColumnGrain, parallel,
          [&](size_t c0, size_t c1) { RunForwardPass(log_r, src, dst, m, base, c0, c1, tw); });
  ForEach(size_t{1} << log_r, 1, parallel, [&](size_t i0, size_t i1) {
    for (size_t i = i0; i < i1; ++i) {
      M31* block = dst + i * stride;
      ForwardBlock(block, block, m - log_r, base + i * stride, tw);
    }
  });
}

// Layers 0..m-1: the sub-blocks first, then the top pass. scale multiplies the outputs when
// `last` (the outermost block's last layer).
void InverseBlock(M31* data, uint32_t m, size_t base, const Layers& itw, bool last, M31 scale) {
  if (m == kLogKernel) {
    return last ? InverseKernel<true>(data, base, itw, scale)
                : InverseKernel<false>(data, base, itw, scale);
  }
  const uint32_t log_r = LogRadix(m);
  const size_t stride = size_t{1} << (m - log_r);
  const bool parallel = m >= kLogParallelMin;
  ForEach(size_t{1} << log_r, 1, parallel, [&](size_t i0, size_t i1) {
    for (size_t i = i0; i < i1; ++i) {
      InverseBlock(data + i * stride, m - log_r, base + i * stride, itw, false, scale);
    }
  });
  ForEach(stride, kColumnGrain, parallel, [&](size_t c0, size_t c1) {
    if (last) {
      RunInversePass<true>(log_r, data, m, base, c0, c1, itw, scale);
    } else {
      RunInversePass<false>(log_r, data, m, base, c0, c1, itw, scale);
    }
  });
}

// The layers of `domain`'s FFT: those of its twiddle domain (TwiddleTree::TwiddleLogSize), whose
// prefixes are the domain's own (the kernel only reads the blocks it runs).
Layers TreeLayers(const TwiddleTree& tree, const CircleDomain& domain, bool inverse) {
  const uint32_t n = domain.log_size(), twiddle_log_size = tree.TwiddleLogSize(domain);
  assert(twiddle_log_size != 0);
  Layers layers;
  for (uint32_t j = 1; j < n; ++j) {
    layers.layer[j] = tree.LineLayer(twiddle_log_size - 1 - j, inverse).data();
  }
  layers.kernel = tree.KernelTwiddles(twiddle_log_size, inverse).data();
  return layers;
}

}  // namespace

void CircleFft(std::span<M31> values, const CircleDomain& domain, const TwiddleTree& twiddles) {
  assert(values.size() == domain.size());
  assert(twiddles.CanServe(domain));
  const uint32_t n = domain.log_size();
  if (n < kLogKernel) {
    return ReferenceCircleFft(values, LayerTwiddles::FromTree(twiddles, domain, false));
  }
  ForwardBlock(values.data(), values.data(), n, 0, TreeLayers(twiddles, domain, false));
}

void CircleFftExtend(std::span<const M31> coeffs, std::span<M31> values, const CircleDomain& domain,
                     const TwiddleTree& twiddles) {
  assert(values.size() == domain.size());
  assert(std::has_single_bit(coeffs.size()) && coeffs.size() <= values.size());
  assert(twiddles.CanServe(domain));
  const uint32_t n = domain.log_size(), k = std::countr_zero(coeffs.size());
  if (k < kLogKernel) {
    std::copy(coeffs.begin(), coeffs.end(), values.begin());
    std::fill(values.begin() + coeffs.size(), values.end(), M31::Zero());
    return CircleFft(values, domain, twiddles);
  }
  const Layers layers = TreeLayers(twiddles, domain, false);
  ForEach(size_t{1} << (n - k), 1, n >= kLogParallelMin, [&](size_t i0, size_t i1) {
    for (size_t i = i0; i < i1; ++i) {
      ForwardBlock(coeffs.data(), values.data() + (i << k), k, i << k, layers);
    }
  });
}

void CircleIfft(std::span<M31> values, const CircleDomain& domain, const TwiddleTree& twiddles) {
  assert(values.size() == domain.size());
  assert(twiddles.CanServe(domain));
  const uint32_t n = domain.log_size();
  if (n < kLogKernel) {
    return ReferenceCircleIfft(values, LayerTwiddles::FromTree(twiddles, domain, true));
  }
  const M31 scale = M31::Reduce(values.size()).Inverse();
  InverseBlock(values.data(), n, 0, TreeLayers(twiddles, domain, true), true, scale);
}

}  // namespace tensorstark::circle
