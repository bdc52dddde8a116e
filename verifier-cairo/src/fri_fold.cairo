//! The folds of FRI's inner layers at the opened cosets (src/fri/fold.h): each coset of
//! 2^fold_step line values folds, fold_step times in pairs, to one value of the next layer. The
//! x coordinates of all the folds are inverted together. Cosets of 8, the fold step of every
//! final proof, are folded in straight-line code: a loop iteration costs more Cairo steps than
//! the fold of a pair.
use crate::circle::{CirclePoint, double_m31_point, double_m31_x, x_plus_subgroup_16_multiple};
use crate::fields::m31::{M31, M31Trait, P, batch_inverse};
use crate::fields::qm31::{QM31, QM31Trait, mul_add_felts};
use crate::queries::pow2;

/// The opened cosets (`values`, coset after coset, in position order) folded with α, α², …:
/// each coset's value in the next layer, and its point there (the coset's points doubled
/// fold_step times). firsts[c] is the index in the line (points, positions) of coset c's first
/// known position.
pub fn fold_cosets(
    points: Span<CirclePoint<M31>>,
    positions: Span<u32>,
    firsts: Span<u32>,
    values: Span<QM31>,
    fold_step: u32,
    alpha: QM31,
) -> (Span<QM31>, Span<CirclePoint<M31>>) {
    if fold_step == 3 {
        fold_cosets_of_8(points, positions, firsts, values, alpha)
    } else {
        fold_level_by_level(points, positions, firsts, values, fold_step, alpha)
    }
}

/// fold_cosets for any fold step: each fold over all the cosets, then the next.
fn fold_level_by_level(
    points: Span<CirclePoint<M31>>,
    positions: Span<u32>,
    firsts: Span<u32>,
    values: Span<QM31>,
    fold_step: u32,
    alpha: QM31,
) -> (Span<QM31>, Span<CirclePoint<M31>>) {
    let (xs, level_sizes) = fold_xs(points, positions, firsts, pow2(fold_step));
    let mut x_inverses = batch_inverse(xs);
    let mut values = values;
    let mut alpha = alpha;
    for level_size in level_sizes {
        values = fold_pairs(values, x_inverses.slice(0, *level_size), alpha);
        x_inverses = x_inverses.slice(*level_size, x_inverses.len() - *level_size);
        alpha = alpha.square();
    };
    let mut next_points = array![];
    for first in firsts {
        let mut next = *points[*first];
        let mut fold = 0;
        while fold != fold_step {
            next = double_m31_point(next);
            fold += 1;
        };
        next_points.append(next);
    };
    (values, next_points.span())
}

/// fold_cosets for cosets of 8: per coset the x coordinates of its 4 + 2 + 1 pairs (fold_xs's,
/// coset by coset), then its three folds.
fn fold_cosets_of_8(
    points: Span<CirclePoint<M31>>,
    positions: Span<u32>,
    firsts: Span<u32>,
    values: Span<QM31>,
    alpha: QM31,
) -> (Span<QM31>, Span<CirclePoint<M31>>) {
    let table = BITS_REVERSED_4.span();
    let mut xs = array![];
    let mut next_points = array![];
    for first in firsts {
        let point = *points[*first];
        let back = 16 - *table[*positions[*first] % 8];
        // Positions 0, 2, 4 and 6: bitrev_4 of them is 0, 4, 2 and 6.
        let x0 = x_plus_subgroup_16_multiple(point, back);
        let x4 = x_plus_subgroup_16_multiple(point, back + 2);
        xs.append(x0);
        xs.append(x_plus_subgroup_16_multiple(point, back + 4));
        xs.append(x4);
        xs.append(x_plus_subgroup_16_multiple(point, back + 6));
        let second = double_m31_x(x0);
        xs.append(second);
        xs.append(double_m31_x(x4));
        xs.append(double_m31_x(second));
        next_points.append(double_m31_point(double_m31_point(double_m31_point(point))));
    };
    let mut inverses = batch_inverse(xs.span());
    let alpha_2 = alpha.square();
    let alpha_4 = alpha_2.square();
    let mut values = values;
    let mut folded = array![];
    while let Option::Some(coset) = values.multi_pop_front::<8>() {
        let [v0, v1, v2, v3, v4, v5, v6, v7] = (*coset).unbox();
        let [t0, t1, t2, t3, t4, t5, t6] = (*inverses.multi_pop_front::<7>().unwrap()).unbox();
        let w0 = fold_pair(v0, v1, t0, alpha);
        let w1 = fold_pair(v2, v3, t1, alpha);
        let w2 = fold_pair(v4, v5, t2, alpha);
        let w3 = fold_pair(v6, v7, t3, alpha);
        let u0 = fold_pair(w0, w1, t4, alpha_2);
        let u1 = fold_pair(w2, w3, t5, alpha_2);
        folded.append(fold_pair(u0, u1, t6, alpha_4));
    };
    (folded.span(), next_points.span())
}

/// Each pair of values folded (fold_pair) with the next inverse.
pub fn fold_pairs(values: Span<QM31>, x_inverses: Span<M31>, alpha: QM31) -> Span<QM31> {
    let mut values = values;
    let mut x_inverses = x_inverses;
    let mut folded = array![];
    while let Option::Some(pair) = values.multi_pop_front::<2>() {
        let [f_p, f_conj] = (*pair).unbox();
        folded.append(fold_pair(f_p, f_conj, *x_inverses.pop_front().unwrap(), alpha));
    };
    folded.span()
}

/// The x coordinates where the opened cosets (of coset_size line positions) pair their values,
/// fold after fold: for every coset its coset_size / 2 first-fold pairs, then for every coset half
/// as many, … then one each; and how many each fold has. Position t of a coset is the coset's
/// first point plus bitrev(t)·G_(coset_size), bitrev over log2(coset_size) bits, which is
/// bitrev_4(t)·G_16; the first fold pairs positions 2r and 2r + 1 at the x coordinate of position
/// 2r, and each later fold's pair r is the doubling of the previous fold's pair 2r.
fn fold_xs(
    points: Span<CirclePoint<M31>>, positions: Span<u32>, firsts: Span<u32>, coset_size: u32,
) -> (Span<M31>, Span<u32>) {
    let table = BITS_REVERSED_4.span();
    let mut xs = array![];
    for first in firsts {
        let point = *points[*first];
        let (_, offset) = DivRem::div_rem(*positions[*first], coset_size.try_into().unwrap());
        // Back from the known position to the coset's first point (16 - bitrev_4(offset)), then
        // forward to each pair's: x_plus_subgroup_16_multiple takes multiples up to 31.
        let back = 16 - *table[offset];
        let mut t = 0;
        while t != coset_size {
            xs.append(x_plus_subgroup_16_multiple(point, back + *table[t]));
            t += 2;
        };
    };
    let mut level_sizes = array![xs.len()];
    let mut level = xs.span();
    while level.len() != firsts.len() {
        let mut doubled = array![];
        while let Option::Some(pair) = level.multi_pop_front::<2>() {
            let [x, _] = (*pair).unbox();
            doubled.append(double_m31_x(x));
        };
        level = doubled.span();
        level_sizes.append(level.len());
        xs.append_span(level);
    };
    (xs.span(), level_sizes.span())
}

/// bitrev_4(t) for t below 16.
const BITS_REVERSED_4: [u32; 16] = [0, 8, 4, 12, 2, 10, 6, 14, 1, 9, 5, 13, 3, 11, 7, 15];

/// (f_p + f_conj) + α·(f_p - f_conj)·t: the circle fold with t = 1/p.y and the line fold with
/// t = 1/x share it.
fn fold_pair(f_p: QM31, f_conj: QM31, t: M31, alpha: QM31) -> QM31 {
    // (f_p - f_conj)·t unreduced: each coordinate (p - c + P)·t is below 2^63.
    let [p0, p1, p2, p3] = f_p.felts();
    let [c0, c1, c2, c3] = f_conj.felts();
    let t = t.felt();
    let p: felt252 = P.into();
    let difference = [(p0 - c0 + p) * t, (p1 - c1 + p) * t, (p2 - c2 + p) * t, (p3 - c3 + p) * t];
    mul_add_felts(alpha.felts(), difference, [p0 + c0, p1 + c1, p2 + c2, p3 + c3])
}

#[cfg(test)]
mod tests {
    use crate::circle::domain_point;
    use crate::fields::qm31::QM31Trait;
    use super::{fold_cosets, fold_cosets_of_8, fold_level_by_level};

    /// Cosets of 8 folded in straight-line code as the loops of any other fold step fold them,
    /// for cosets whose known position is any of the 8.
    #[test]
    fn test_cosets_of_8_fold_as_any_fold_step() {
        let log_size = 12;
        let mut points = array![];
        let mut positions = array![];
        let mut firsts = array![];
        let mut values = array![];
        let mut c: u32 = 0;
        while c != 8 {
            // Coset 37 + 5c, known at its position c.
            let position = (37 + 5 * c) * 8 + c;
            firsts.append(points.len());
            points.append(domain_point(log_size, position));
            positions.append(position);
            let mut t = 0;
            while t != 8 {
                let v = c * 8 + t;
                values
                    .append(QM31Trait::from_u32s(v * 7919, 0x7ffffffe - v, v * v, 0x40000000 + v));
                t += 1;
            };
            c += 1;
        };
        let (points, positions, firsts) = (points.span(), positions.span(), firsts.span());
        let alpha = QM31Trait::from_u32s(3, 0x12345678, 0x7ffffff0, 99);
        let (folded, next_points) = fold_cosets_of_8(
            points, positions, firsts, values.span(), alpha,
        );
        let (expected, expected_points) = fold_level_by_level(
            points, positions, firsts, values.span(), 3, alpha,
        );
        assert(folded == expected, 'folded values');
        assert(next_points == expected_points, 'next points');
        // Each coset's next point is its leaf's, up to its sign (a line layer reads x).
        let mut c = 0;
        while c != 8 {
            let leaf_point = domain_point(log_size - 3, *positions[c] / 8);
            assert((*next_points[c]).x == leaf_point.x, 'next point');
            c += 1;
        };
        // fold_cosets takes it at fold step 3.
        let (dispatched, _) = fold_cosets(points, positions, firsts, values.span(), 3, alpha);
        assert(dispatched == folded, 'dispatch');
    }
}
