#include "air/domain_evaluator.h"

#include "circle/bit_reverse.h"
#include "circle/coset.h"
#include "circle/vanishing.h"
#include "field/batch_inverse.h"

namespace tensorstark::air {

DomainEvalSetup::DomainEvalSetup(const ColumnsView& columns, const EvalContext& ctx,
                                 const ComponentInfo& info, uint32_t log_size,
                                 const circle::CircleDomain& domain, std::span<const QM31> coeffs)
    : rows(columns, ctx, info, log_size, domain.log_size()) {
  const uint32_t eval_log_size = domain.log_size();
  assert(eval_log_size > log_size && "Z vanishes on the trace domain itself");
  for (const QM31& c : coeffs) {
    this->coeffs.push_back(PackedQM31::Broadcast(c));
    coeff_coords.push_back(c.ToM31Array());
  }
  // Z(P) is the x-coordinate of 2^(log_size-1)·P, which on H ∪ -H depends only on the natural
  // index modulo 2^(eval_log_size - log_size): natural indices below that cover every value of
  // Z, and bit reversal turns "low bits of the natural index" into "high bits of the storage
  // position".
  std::vector<M31> denominators(size_t{1} << (eval_log_size - log_size));
  for (size_t i = 0; i < denominators.size(); ++i) {
    denominators[i] = circle::CanonicVanishing(log_size, domain.at(i));
  }
  denom_inv = field::BatchInverse<M31>(denominators);
  circle::BitReverse(std::span<M31>(denom_inv));
}

void DomainEvaluator::Accumulate(fri::SecureColumn& accumulator) const {
  assert(n_added_ == domain_.coeffs.size() && "Evaluate added a different number of constraints");
  const uint32_t log_size = setup_.log_size;
  const size_t base = rows_.base();
  const PackedQM31 row_sum = row_sum_ + PackedQM31::FromCoords(m31_sum_.Sums());
  if (rows_.contiguous() && log_size >= kLogLanes) {
    // All 16 positions share their high bits, hence Z.
    const PackedQM31 term = row_sum * PackedM31::Broadcast(domain_.denom_inv[base >> log_size]);
    std::array<M31*, 4> coords;
    for (size_t c = 0; c < 4; ++c) coords[c] = accumulator.coords[c].data() + base;
    const PackedQM31 sum =
        PackedQM31::LoadCoords(coords[0], coords[1], coords[2], coords[3]) + term;
    sum.StoreCoords(coords[0], coords[1], coords[2], coords[3]);
    return;
  }
  // Small components: Z per lane, and only the lanes that are domain positions.
  const std::array<QM31, kLanes> row_sums = row_sum.ToArray();
  const size_t n_lanes = std::min<size_t>(kLanes, setup_.domain_size);
  for (size_t l = 0; l < n_lanes; ++l) {
    const size_t position = base + l;
    accumulator.Set(
        position, accumulator.at(position) + row_sums[l] * domain_.denom_inv[position >> log_size]);
  }
}

}  // namespace tensorstark::air
