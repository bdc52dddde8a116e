// The domain evaluator (protocol reference §9.3): the prover's hot loop. For every point P of the
// evaluation domain (see Component::EvaluateOnDomain) it adds
// Σ_j coeffs[j]·c_j(P) · Z(P)^{-1} to the composition accumulator, 16 points per packed row, rows
// in parallel with TBB. Z, the trace domain's vanishing polynomial, takes only
// 2^(eval_log_size - log_size) distinct values on the domain, precomputed and inverted once.
// Every point's result depends only on its own inputs, so the output does not depend on the
// number of threads.
#pragma once

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <cassert>
#include <span>
#include <vector>

#include "air/component.h"
#include "air/packed_row_evaluator.h"
#include "circle/coset.h"
#include "fri/secure_column.h"

namespace tensorstark::air {

struct DomainEvalSetup {
  DomainEvalSetup(const ColumnsView& columns, const EvalContext& ctx, const ComponentInfo& info,
                  uint32_t log_size, const circle::CircleDomain& domain,
                  std::span<const QM31> coeffs);

  PackedEvalSetup rows;
  // The coefficients' 4 coordinates: an M31 constraint times a coefficient is 4 scalar products,
  // summed unreduced (PackedLinearCombination4).
  std::vector<std::array<M31, 4>> coeff_coords;
  std::vector<PackedQM31> coeffs;  // broadcast, for QM31 constraints
  // 1/Z at storage position s is denom_inv[s >> log_size]: Z depends on the low
  // eval_log_size - log_size bits of the natural index, the reversed high bits of s.
  std::vector<M31> denom_inv;
};

class DomainEvaluator : public PackedRowEvaluator<DomainEvaluator> {
 public:
  DomainEvaluator(const DomainEvalSetup& setup, size_t vec_row)
      : PackedRowEvaluator(setup.rows, vec_row), domain_(setup) {}

  void AddConstraint(const PackedM31& constraint) {
    m31_sum_.Add(constraint, domain_.coeff_coords[n_added_++]);
  }
  void AddConstraint(const PackedQM31& constraint) {
    row_sum_ += domain_.coeffs[n_added_++] * constraint;
  }

  // accumulator[P] += row sum · Z(P)^{-1} for this row's points.
  void Accumulate(fri::SecureColumn& accumulator) const;

 private:
  const DomainEvalSetup& domain_;
  size_t n_added_ = 0;
  field::PackedLinearCombination4 m31_sum_;  // the M31 constraints' terms
  PackedQM31 row_sum_;                       // the QM31 constraints' terms
};

// Component::EvaluateOnDomain for `eval` with the given info.
template <class Eval>
void EvaluateOnDomain(const Eval& eval, const ComponentInfo& info,
                      const circle::CircleDomain& domain, const ColumnsView& columns,
                      const EvalContext& ctx, std::span<const QM31> coeffs,
                      fri::SecureColumn& accumulator) {
  assert(coeffs.size() == info.n_constraints);
  assert(accumulator.size() == domain.size());
  const DomainEvalSetup setup(columns, ctx, info, eval.log_size(), domain, coeffs);
  // 64 packed rows (1024 points) per task: big enough to amortise scheduling, small enough to
  // balance 2^16 … 2^24 point domains over the cores.
  constexpr size_t kVecRowsPerTask = 64;
  tbb::parallel_for(tbb::blocked_range<size_t>(0, setup.rows.n_vec_rows(), kVecRowsPerTask),
                    [&](const tbb::blocked_range<size_t>& range) {
                      for (size_t vec_row = range.begin(); vec_row < range.end(); ++vec_row) {
                        DomainEvaluator evaluator(setup, vec_row);
                        eval.Evaluate(evaluator);
                        evaluator.Accumulate(accumulator);
                      }
                    });
}

}  // namespace tensorstark::air
