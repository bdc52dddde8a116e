// The FRI folds of protocol reference §4.3, without any division by 2:
//   circle → line: the pair (f(p), f(p̄)) at stored positions (2i, 2i + 1) gives
//                  f'_i = (f(p) + f(p̄)) + α·(f(p) - f(p̄))·p.y^{-1}, accumulated as dst·α² + f';
//   line → line:   the pair (f(x), f(-x)) gives (f(x) + f(-x)) + α·(f(x) - f(-x))·x^{-1}.
// Evaluations are in bit-reversed order, so pair i's point is the domain's element
// BitReverseIndex(2i, log size). The prover folds whole layers with the fast versions (batched
// inverses of the twiddles, 16-lane packed arithmetic, TBB over chunks of large layers; results
// do not depend on the thread count); the verifier folds single pairs with the inline formulas.
#pragma once

#include "circle/coset.h"
#include "circle/line.h"
#include "field/m31.h"
#include "field/qm31.h"
#include "fri/secure_column.h"

namespace tensorstark::fri {

// f' of one circle pair; y_inv = 1 / p.y for the point p holding f_p. Templates: a recursion
// circuit folds with the same formulas over wires.
template <class V, class Inverse>
V FoldCirclePair(V f_p, V f_conj, Inverse y_inv, V alpha) {
  return (f_p + f_conj) + alpha * ((f_p - f_conj) * y_inv);
}

// The fold of one line pair; x_inv = 1 / x for the element x holding f_x.
template <class V, class Inverse>
V FoldLinePair(V f_x, V f_neg_x, Inverse x_inv, V alpha) {
  return (f_x + f_neg_x) + alpha * ((f_x - f_neg_x) * x_inv);
}

// dst[i] = dst[i]·α² + f'_i for every pair i of src. src is an evaluation on src_domain, dst one on
// LineDomain(src_domain) (half src's size), both bit-reversed.
void FoldCircleIntoLine(SecureColumn& dst, const SecureColumn& src,
                        const circle::CircleDomain& src_domain, QM31 alpha);

// The fold of an evaluation on `domain` (size ≥ 2): half its size, on domain.Double().
SecureColumn FoldLine(const SecureColumn& eval, const circle::LineDomain& domain, QM31 alpha);

// The same folds straight from the definition, one domain point and one field inverse per pair:
// the ground truth the fast versions are tested against.
void FoldCircleIntoLineReference(SecureColumn& dst, const SecureColumn& src,
                                 const circle::CircleDomain& src_domain, QM31 alpha);
SecureColumn FoldLineReference(const SecureColumn& eval, const circle::LineDomain& domain,
                               QM31 alpha);

}  // namespace tensorstark::fri
