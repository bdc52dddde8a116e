#include "fri/quotients.h"

#include <tbb/parallel_for.h>

#include <algorithm>
#include <array>
#include <cassert>
#include <map>

#include "circle/bit_reverse.h"
#include "field/cm31.h"
#include "field/packed_cm31.h"
#include "field/packed_m31.h"
#include "field/packed_qm31.h"

namespace tensorstark::fri {
namespace {

using circle::CirclePoint;
using field::CM31;
using field::PackedCM31;
using field::PackedM31;
using field::PackedQM31;

// PrepareBatch's operations on QM31 values.
struct QM31Ops {
  static QM31 Conj(QM31 v) { return QM31(v.c0, -v.c1); }
  static CM31 Lo(QM31 v) { return v.c0; }
  static CM31 Hi(QM31 v) { return v.c1; }
  static QM31 Zero() { return QM31::Zero(); }
  static QM31 One() { return QM31::One(); }
};

}  // namespace

std::vector<BatchConstants> PrepareBatches(std::span<const ColumnSampleBatch> batches,
                                           QM31 random_coeff) {
  std::vector<BatchConstants> prepared;
  prepared.reserve(batches.size());
  for (const ColumnSampleBatch& batch : batches) {
    // Verifiers refuse a point whose y lies in CM31 (air::DrawnOodsSample), where c = 0 and the
    // quotient ignores the sampled values; only a soundness test's forger opens at one. A point
    // with both coordinates in CM31 would make every denominator 0.
    assert(!(batch.point.x.c1.IsZero() && batch.point.y.c1.IsZero()) &&
           "the sample point must not lie in CM31");
    prepared.push_back(PrepareBatch<QM31, CM31>(QM31Ops(), batch.point.x, batch.point.y,
                                                std::span(batch.columns_and_values), random_coeff));
  }
  return prepared;
}

std::array<uint32_t, 8> PointKey(const CirclePoint<QM31>& p) {
  const std::array<M31, 4> x = p.x.ToM31Array(), y = p.y.ToM31Array();
  return {x[0].value(), x[1].value(), x[2].value(), x[3].value(),
          y[0].value(), y[1].value(), y[2].value(), y[3].value()};
}

std::vector<ColumnSampleBatch> BatchSamplesByPoint(
    std::span<const std::vector<PointSample>> samples_per_column) {
  std::map<std::array<uint32_t, 8>, size_t> batch_of_point;
  std::vector<ColumnSampleBatch> batches;
  for (size_t column = 0; column < samples_per_column.size(); ++column) {
    for (const PointSample& sample : samples_per_column[column]) {
      const auto [it, first] = batch_of_point.emplace(PointKey(sample.point), batches.size());
      if (first) batches.push_back({.point = sample.point, .columns_and_values = {}});
      batches[it->second].columns_and_values.emplace_back(column, sample.value);
    }
  }
  return batches;
}

QM31 FriQuotientAtPoint(const CirclePoint<M31>& point, std::span<const M31> column_values,
                        std::span<const BatchConstants> batches) {
  return CombinedQuotientAt(QM31(), point.x, point.y, column_values, batches,
                            [](CM31 den) { return QM31(den.Inverse()); });
}

SecureColumn ComputeFriQuotient(const circle::CircleDomain& domain,
                                std::span<const std::span<const M31>> columns,
                                std::span<const BatchConstants> prepared) {
  const uint32_t log_size = domain.log_size();
  const size_t n = domain.size();
  assert(n >= size_t{field::kLanes});
  for (std::span<const M31> column : columns) assert(column.size() == n);
  SecureColumn out;
  for (std::vector<M31>& coord : out.coords) coord.resize(n);
  // The domain's coordinates in bit-reversed (storage) order.
  std::vector<M31> domain_x(n), domain_y(n);
  {
    const std::vector<CirclePoint<M31>> points = domain.Points();
    tbb::parallel_for(size_t{0}, n, [&](size_t i) {
      const CirclePoint<M31>& p = points[circle::BitReverseIndex(i, log_size)];
      domain_x[i] = p.x;
      domain_y[i] = p.y;
    });
  }

  // Chunks of kChunkVectors packed rows: one batched inversion of the denominators per chunk, and
  // 4 KiB read from each column at a time, long enough for the prefetchers to follow ~100 column
  // streams (16 rows per chunk ran at two thirds of this speed).
  constexpr size_t kLanes = field::kLanes;
  constexpr size_t kChunkVectors = 64;
  constexpr size_t kColumnGroup = 12;
  const size_t chunk = std::min(n, kChunkVectors * kLanes);
  tbb::parallel_for(size_t{0}, n / chunk, [&](size_t c) {
    const size_t begin = c * chunk;
    const size_t n_vectors = chunk / kLanes;
    std::array<PackedM31, kChunkVectors> xs, ys;
    for (size_t v = 0; v < n_vectors; ++v) {
      xs[v] = PackedM31::Load(&domain_x[begin + v * kLanes]);
      ys[v] = PackedM31::Load(&domain_y[begin + v * kLanes]);
    }
    std::array<PackedQM31, kChunkVectors> acc{};
    std::array<PackedCM31, kChunkVectors> den, prefix;
    for (const BatchConstants& b : prepared) {
      // Denominators and their batched inverse (Montgomery's trick over the chunk).
      const PackedCM31 k = PackedCM31::Broadcast(b.k), iy = PackedCM31::Broadcast(b.iy),
                       ix = PackedCM31::Broadcast(b.ix);
      for (size_t v = 0; v < n_vectors; ++v) {
        den[v] = k - iy * xs[v] + ix * ys[v];
        prefix[v] = v == 0 ? den[v] : prefix[v - 1] * den[v];
      }
      PackedCM31 inv = prefix[n_vectors - 1].Inverse();
      for (size_t v = n_vectors; v-- > 0;) {
        const PackedCM31 den_inv = v == 0 ? inv : inv * prefix[v - 1];
        inv = inv * den[v];
        den[v] = den_inv;
      }
      const PackedQM31 a_sum = PackedQM31::Broadcast(b.a_sum);
      const PackedQM31 b_sum = PackedQM31::Broadcast(b.b_sum);
      const PackedQM31 batch_coeff = PackedQM31::Broadcast(b.batch_coeff);
      std::array<PackedQM31, kChunkVectors> numerators;
      for (size_t v = 0; v < n_vectors; ++v) numerators[v] = -(a_sum * ys[v] + b_sum);
      // Σ c_j·column_j, kColumnGroup columns at a time in unreduced sums: few enough streams for
      // the prefetchers, enough terms to amortise the reduction.
      for (size_t first = 0; first < b.column_coeffs.size(); first += kColumnGroup) {
        const size_t n_group = std::min(kColumnGroup, b.column_coeffs.size() - first);
        std::array<const M31*, kColumnGroup> values;
        std::array<std::array<M31, 4>, kColumnGroup> coeffs;
        for (size_t i = 0; i < n_group; ++i) {
          const auto& [column, coeff] = b.column_coeffs[first + i];
          values[i] = &columns[column][begin];
          coeffs[i] = coeff.ToM31Array();
        }
        for (size_t v = 0; v < n_vectors; ++v) {
          field::PackedLinearCombination4 sum;
          for (size_t i = 0; i < n_group; ++i) {
            sum.Add(PackedM31::Load(values[i] + v * kLanes), coeffs[i]);
          }
          numerators[v] += PackedQM31::FromCoords(sum.Sums());
        }
      }
      for (size_t v = 0; v < n_vectors; ++v) {
        acc[v] =
            acc[v] * batch_coeff + PackedQM31{numerators[v].c0 * den[v], numerators[v].c1 * den[v]};
      }
    }
    for (size_t v = 0; v < n_vectors; ++v) {
      const size_t row = begin + v * kLanes;
      acc[v].StoreCoords(&out.coords[0][row], &out.coords[1][row], &out.coords[2][row],
                         &out.coords[3][row]);
    }
  });
  return out;
}

}  // namespace tensorstark::fri
