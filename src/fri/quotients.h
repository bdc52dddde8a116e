// DEEP quotients (protocol reference §5.4): after the out-of-domain samples are sent, every
// committed column f with samples (p, v) is turned into (f - L) / V, where L is the line through
// (p, v) and (conj p, conj v) and V the line vanishing at p and conj p; the quotients of all
// columns of one evaluation size are combined with powers of a random α into one QM31 column,
// which FRI then proves to be of low degree.
//
// Combination order (both sides): samples are grouped into batches by point, batches ordered by
// point (x then y, coordinates compared as u32); inside a batch, entry j (increasing column
// index) gets α^{j+1}; batches are combined in Horner form, acc = acc·α^{n_b} + quotient_b.
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

// A point's coordinates as u32s, x then y: the order batches are sorted in.
std::array<uint32_t, 8> PointKey(const circle::CirclePoint<QM31>& point);

// Groups the samples of the columns of one evaluation size by point, in the order above.
std::vector<ColumnSampleBatch> BatchSamplesByPoint(
    std::span<const std::vector<PointSample>> samples_per_column);

// The constants of each batch's quotient, computed once per evaluation size. For a domain point
// P = (X, Y) a batch contributes
//   (Σ_j c_j·f_j(P) - (A·Y + B)) / den(P),   den(P) = k - iy·X + ix·Y   (CM31),
// where p.x = rx + u·ix, p.y = ry + u·iy, and with a_j = conj(v_j) - v_j, c = conj(p.y) - p.y,
// b_j = v_j·c - a_j·p.y: c_j = α^{j+1}·c, A = Σ α^{j+1}·a_j, B = Σ α^{j+1}·b_j.
struct BatchConstants {
  std::vector<std::pair<size_t, QM31>> column_coeffs;  // (column, c_j)
  QM31 a_sum, b_sum;
  field::CM31 k, iy, ix;
  QM31 batch_coeff;  // α^{n_b}
};
std::vector<BatchConstants> PrepareBatches(std::span<const ColumnSampleBatch> batches,
                                           QM31 random_coeff);

// Prover: the combined quotient on `domain` (bit-reversed order); columns are evaluations on it.
SecureColumn ComputeFriQuotient(const circle::CircleDomain& domain,
                                std::span<const std::span<const M31>> columns,
                                std::span<const BatchConstants> batches);

// Verifier: the combined quotient at one domain point, given the columns' values there.
QM31 FriQuotientAtPoint(const circle::CirclePoint<M31>& point, std::span<const M31> column_values,
                        std::span<const BatchConstants> batches);

}  // namespace tensorstark::fri
