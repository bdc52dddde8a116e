// DEEP quotients (protocol reference §5.4): after the out-of-domain samples are sent, every
// committed column f with samples (p, v) is turned into (f - L) / V, where L is the line through
// (p, v) and (conj p, conj v) and V the line vanishing at p and conj p; the quotients of all
// columns of one evaluation size are combined with powers of a random α into one QM31 column,
// which FRI then proves to be of low degree.
//
// Combination order (both sides): samples are grouped into batches by point, batches in the
// order of their points' first samples (column by column, each column's samples in order), which
// the AIR's masks fix whatever the out-of-domain point, so that a recursion circuit follows it
// with a fixed shape; inside a batch, entry j (increasing column index) gets α^{j+1}; batches are
// combined in Horner form, acc = acc·α^{n_b} + quotient_b.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include "circle/circle_point.h"
#include "circle/coset.h"
#include "field/cm31.h"
#include "field/m31.h"
#include "field/qm31.h"
#include "fri/secure_column.h"

namespace tensorstark::fri {

struct PointSample {
  circle::CirclePoint<QM31> point;
  QM31 value;
};

struct ColumnSampleBatch {
  circle::CirclePoint<QM31> point;
  std::vector<std::pair<size_t, QM31>> columns_and_values;  // (column index, sampled value)
};

// A point's coordinates as u32s, x then y: a key to group samples by point.
std::array<uint32_t, 8> PointKey(const circle::CirclePoint<QM31>& point);

// Groups the samples of the columns of one evaluation size by point, in the order above.
std::vector<ColumnSampleBatch> BatchSamplesByPoint(
    std::span<const std::vector<PointSample>> samples_per_column);

// The constants of each batch's quotient, computed once per evaluation size. For a domain point
// P = (X, Y) a batch contributes
//   (Σ_j c_j·f_j(P) - (A·Y + B)) / den(P),   den(P) = k - iy·X + ix·Y   (CM31),
// where p.x = rx + u·ix, p.y = ry + u·iy, and with a_j = conj(v_j) - v_j, c = conj(p.y) - p.y,
// b_j = v_j·c - a_j·p.y: c_j = α^{j+1}·c, A = Σ α^{j+1}·a_j, B = Σ α^{j+1}·b_j.
// The formulas are templates over the value type V (and C, the type of a CM31 half), so that a
// recursion circuit computes them with the same code over wires.
template <class V, class C>
struct BatchConstantsOf {
  std::vector<std::pair<size_t, V>> column_coeffs;  // (column, c_j)
  V a_sum, b_sum;
  C k, iy, ix;
  V batch_coeff;  // α^{n_b}
};
using BatchConstants = BatchConstantsOf<QM31, field::CM31>;

// One batch's constants for the sample point (x, y). `ops` gives Conj(v) = v.c0 - u·v.c1, the
// halves Lo(v) = v.c0 and Hi(v) = v.c1 (as C), and One().
template <class V, class C, class Ops>
BatchConstantsOf<V, C> PrepareBatch(const Ops& ops, const V& x, const V& y,
                                    std::span<const std::pair<size_t, V>> columns_and_values,
                                    const V& random_coeff) {
  const V c = ops.Conj(y) - y;
  BatchConstantsOf<V, C> b{.column_coeffs = {},
                           .a_sum = ops.Zero(),
                           .b_sum = ops.Zero(),
                           .k = {},
                           .iy = ops.Hi(y),
                           .ix = ops.Hi(x),
                           .batch_coeff = {}};
  V alpha_power = ops.One();
  for (const auto& [column, value] : columns_and_values) {
    alpha_power = alpha_power * random_coeff;
    const V a = ops.Conj(value) - value;
    b.column_coeffs.emplace_back(column, alpha_power * c);
    b.a_sum = b.a_sum + alpha_power * a;
    b.b_sum = b.b_sum + alpha_power * (value * c - a * y);
  }
  b.batch_coeff = alpha_power;
  b.k = ops.Lo(x) * b.iy - ops.Lo(y) * b.ix;
  return b;
}

std::vector<BatchConstants> PrepareBatches(std::span<const ColumnSampleBatch> batches,
                                           QM31 random_coeff);

// The combined quotient at the domain point (x, y) given the columns' values there; `inverse`
// inverts a denominator (a C).
template <class V, class Coord, class C, class Inverse>
V CombinedQuotientAt(V acc, const Coord& x, const Coord& y, std::span<const Coord> column_values,
                     std::span<const BatchConstantsOf<V, C>> batches, const Inverse& inverse) {
  for (const BatchConstantsOf<V, C>& b : batches) {
    V numerator = -(b.a_sum * y + b.b_sum);
    for (const auto& [column, coeff] : b.column_coeffs) {
      numerator = numerator + coeff * column_values[column];
    }
    const C den = b.k - b.iy * x + b.ix * y;
    acc = acc * b.batch_coeff + numerator * inverse(den);
  }
  return acc;
}

// Prover: the combined quotient on `domain` (bit-reversed order); columns are evaluations on it.
SecureColumn ComputeFriQuotient(const circle::CircleDomain& domain,
                                std::span<const std::span<const M31>> columns,
                                std::span<const BatchConstants> batches);

// Verifier: the combined quotient at one domain point, given the columns' values there.
QM31 FriQuotientAtPoint(const circle::CirclePoint<M31>& point, std::span<const M31> column_values,
                        std::span<const BatchConstants> batches);

}  // namespace tensorstark::fri
