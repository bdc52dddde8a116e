#include "fri/fold.h"

#include <tbb/parallel_for.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cassert>
#include <span>
#include <vector>

#include "circle/bit_reverse.h"
#include "circle/circle_point.h"
#include "field/batch_inverse.h"
#include "field/packed_m31.h"
#include "field/packed_qm31.h"

namespace tensorstark::fri {
namespace {

using circle::BitReverseIndex;
using circle::CirclePoint;
using circle::Coset;
using field::kLanes;
using field::PackedM31;
using field::PackedQM31;

// Pairs per task: the chunk's twiddles and its slice of the layers stay in L2.
constexpr uint32_t kLogChunk = 12;

enum class Coordinate { kX, kY };

// Both folds pair position i (of n = 2^log_n pairs) with the point T[BitReverseIndex(i, log_n)]
// of a twiddle coset T (the circle domain's half coset, or the line domain's coset whose first
// half these indices cover). Writes, for the chunk of pairs [c·2^log_chunk, (c + 1)·2^log_chunk),
// out[r] = 1 / (the x or y coordinate of that point) for pair c·2^log_chunk + r.
//
// With i = c·2^log_chunk + r, the point is b + BitReverseIndex(r, log_chunk)·S with
// b = T[BitReverseIndex(c, log_n - log_chunk)] and S = 2^(log_n - log_chunk)·step. In bit-reversed
// order the second half of such a list is its first half shifted by S, and recursively, so the
// list grows from b by appending copies shifted by 2^(log_chunk-1)·S, …, 2S, S: one point
// addition per point, 16 lanes at a time, no permutation. The inverses take one batch.
void ChunkInverseTwiddles(const Coset& twiddle_coset, uint32_t log_n, size_t chunk,
                          uint32_t log_chunk, Coordinate coordinate, std::span<M31> out) {
  const size_t n = size_t{1} << log_chunk;
  assert(out.size() == n);
  const uint32_t log_stride = log_n - log_chunk;
  std::vector<CirclePoint<M31>> shifts(log_chunk);  // shifts[d] = 2^d·S
  CirclePoint<M31> shift = (twiddle_coset.step_size() * (size_t{1} << log_stride)).ToPoint();
  for (CirclePoint<M31>& s : shifts) s = shift, shift = shift.Double();
  std::vector<M31> xs(n), ys(n);
  const CirclePoint<M31> base = twiddle_coset.at(BitReverseIndex(chunk, log_stride));
  xs[0] = base.x, ys[0] = base.y;
  for (uint32_t d = log_chunk; d-- > 0;) {
    const size_t len = size_t{1} << (log_chunk - 1 - d);
    const CirclePoint<M31>& s = shifts[d];
    if (len < kLanes) {
      for (size_t i = 0; i < len; ++i) {
        const CirclePoint<M31> p = CirclePoint<M31>(xs[i], ys[i]) + s;
        xs[len + i] = p.x, ys[len + i] = p.y;
      }
      continue;
    }
    for (size_t i = 0; i < len; i += kLanes) {
      const PackedM31 x = PackedM31::Load(&xs[i]), y = PackedM31::Load(&ys[i]);
      (x * s.x - y * s.y).Store(&xs[len + i]);
      (x * s.y + y * s.x).Store(&ys[len + i]);
    }
  }
  const std::vector<M31>& values = coordinate == Coordinate::kX ? xs : ys;
  if (n < kLanes) {
    field::BatchInverse<M31>(values, out);
    return;
  }
  std::vector<PackedM31> packed(n / kLanes), inverses(n / kLanes);
  for (size_t t = 0; t < packed.size(); ++t) packed[t] = PackedM31::Load(&values[t * kLanes]);
  field::BatchInverse<PackedM31>(packed, inverses);
  for (size_t t = 0; t < inverses.size(); ++t) inverses[t].Store(&out[t * kLanes]);
}

// For the pairs [begin, begin + inv_twiddles.size()) of src: f' = (a + b) + α·(a - b)·t with
// (a, b) = (src[2i], src[2i + 1]) and t the pair's inverse twiddle; dst[i] = f', or dst[i]·α² + f'
// when accumulating. The circle and the line fold share this formula; only their twiddles differ.
template <bool kAccumulate>
void FoldPairs(const SecureColumn& src, size_t begin, std::span<const M31> inv_twiddles, QM31 alpha,
               SecureColumn& dst) {
  const size_t n = inv_twiddles.size();
  if (n % kLanes != 0) {
    const QM31 alpha_sq = alpha.Square();
    for (size_t r = 0; r < n; ++r) {
      const size_t i = begin + r;
      QM31 f = FoldCirclePair(src.at(2 * i), src.at(2 * i + 1), inv_twiddles[r], alpha);
      if constexpr (kAccumulate) f += dst.at(i) * alpha_sq;
      dst.Set(i, f);
    }
    return;
  }
  const PackedQM31 packed_alpha = PackedQM31::Broadcast(alpha);
  const PackedQM31 packed_alpha_sq = PackedQM31::Broadcast(alpha.Square());
  for (size_t r = 0; r < n; r += kLanes) {
    const size_t i = begin + r;
    // 32 consecutive values per coordinate, split into the pairs' first and second halves.
    std::array<PackedM31, 4> a, b;
    for (int c = 0; c < 4; ++c) {
      const M31* s = &src.coords[c][2 * i];
      field::Deinterleave(PackedM31::Load(s), PackedM31::Load(s + kLanes), a[c], b[c]);
    }
    const PackedQM31 f_a{{a[0], a[1]}, {a[2], a[3]}};
    const PackedQM31 f_b{{b[0], b[1]}, {b[2], b[3]}};
    PackedQM31 f = (f_a + f_b) + packed_alpha * ((f_a - f_b) * PackedM31::Load(&inv_twiddles[r]));
    std::array<M31*, 4> d;
    for (int c = 0; c < 4; ++c) d[c] = &dst.coords[c][i];
    if constexpr (kAccumulate) {
      f += PackedQM31::LoadCoords(d[0], d[1], d[2], d[3]) * packed_alpha_sq;
    }
    f.StoreCoords(d[0], d[1], d[2], d[3]);
  }
}

// Folds every pair of src into dst (dst.size() pairs), chunk by chunk, in parallel when there
// is more than one chunk. Each output depends only on its own pair, so the result is the same
// for any thread count.
template <bool kAccumulate>
void FoldLayer(const SecureColumn& src, const Coset& twiddle_coset, Coordinate coordinate,
               QM31 alpha, SecureColumn& dst) {
  assert(std::has_single_bit(dst.size()) && src.size() == 2 * dst.size());
  const uint32_t log_n = std::countr_zero(dst.size());
  const uint32_t log_chunk = std::min(kLogChunk, log_n);
  const size_t n_chunks = size_t{1} << (log_n - log_chunk);
  auto fold_chunk = [&](size_t chunk) {
    std::vector<M31> inv_twiddles(size_t{1} << log_chunk);
    ChunkInverseTwiddles(twiddle_coset, log_n, chunk, log_chunk, coordinate, inv_twiddles);
    FoldPairs<kAccumulate>(src, chunk << log_chunk, inv_twiddles, alpha, dst);
  };
  if (n_chunks == 1) {
    fold_chunk(0);
  } else {
    tbb::parallel_for(size_t{0}, n_chunks, fold_chunk);
  }
}

}  // namespace

void FoldCircleIntoLine(SecureColumn& dst, const SecureColumn& src,
                        const circle::CircleDomain& src_domain, QM31 alpha) {
  assert(src.size() == src_domain.size());
  FoldLayer<true>(src, src_domain.half_coset(), Coordinate::kY, alpha, dst);
}

SecureColumn FoldLine(const SecureColumn& eval, const circle::LineDomain& domain, QM31 alpha) {
  assert(eval.size() == domain.size() && eval.size() >= 2);
  SecureColumn folded = SecureColumn::Zeros(eval.size() / 2);
  FoldLayer<false>(eval, domain.coset(), Coordinate::kX, alpha, folded);
  return folded;
}

void FoldCircleIntoLineReference(SecureColumn& dst, const SecureColumn& src,
                                 const circle::CircleDomain& src_domain, QM31 alpha) {
  assert(src.size() == src_domain.size() && dst.size() * 2 == src.size());
  for (size_t i = 0; i < dst.size(); ++i) {
    const CirclePoint<M31> p = src_domain.at(BitReverseIndex(2 * i, src_domain.log_size()));
    const QM31 f = FoldCirclePair(src.at(2 * i), src.at(2 * i + 1), p.y.Inverse(), alpha);
    dst.Set(i, dst.at(i) * alpha.Square() + f);
  }
}

SecureColumn FoldLineReference(const SecureColumn& eval, const circle::LineDomain& domain,
                               QM31 alpha) {
  assert(eval.size() == domain.size() && eval.size() >= 2);
  SecureColumn folded = SecureColumn::Zeros(eval.size() / 2);
  for (size_t i = 0; i < folded.size(); ++i) {
    const M31 x = domain.at(BitReverseIndex(2 * i, domain.log_size()));
    folded.Set(i, FoldLinePair(eval.at(2 * i), eval.at(2 * i + 1), x.Inverse(), alpha));
  }
  return folded;
}

}  // namespace tensorstark::fri
