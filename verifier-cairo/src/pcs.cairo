//! The verifier side of the commitment scheme (src/fri/pcs_verifier.h, pcs_common.h,
//! quotients.h): after the trees' roots are mixed, it checks the openings — the sampled values'
//! shape, the proof of work, every tree's Merkle decommitment, and FRI on the DEEP quotients
//! recomputed at the queried positions. A bad proof panics with a message starting 'PCS:',
//! 'Merkle:' or 'FRI:'.
//! The queried positions' domain points are computed once per query and doubled down to the
//! smaller sizes (fri::queried_points); the quotients' sums are unreduced felt252 sums reduced
//! once, and their denominators are inverted together.
use core::dict::{Felt252Dict, Felt252DictTrait};
use core::num::traits::Zero;
use crate::air::{ColumnRun, QuotientBatch, QuotientGroup};
use crate::channel::{Channel, ChannelTrait};
use crate::circle::CirclePoint;
use crate::fields::cm31::{CM31, CM31Trait, batch_inverse_cm31};
use crate::fields::m31::{M31, M31Trait};
use crate::fields::qm31::{QM31, QM31Trait, R, mul_add_felts};
use crate::fri::{QueriedPoints, fri_commit, fri_decommit, queried_points};
use crate::merkle::verify_merkle;
use crate::proof::{PcsConfig, PcsProof};
use crate::queries::draw_query_positions;

/// Verifies the openings of the trees whose roots are the proof's commitments (already mixed into
/// the channel) and whose columns have polynomials of log sizes column_log_sizes[tree][column],
/// opened at the sample points `points` with the proof's sampled values, whose DEEP quotients the
/// groups (one per column log size, largest first) batch.
/// A zero-knowledge proof has a FRI mask per group, added to its quotients: mask_columns[g] is
/// the index of group g's first mask column among tree 1's columns of its size (empty: no
/// masks).
pub fn pcs_verify(
    ref channel: Channel,
    config: @PcsConfig,
    column_log_sizes: Span<Span<u32>>,
    points: Span<CirclePoint<QM31>>,
    quotient_groups: Span<QuotientGroup>,
    mask_columns: Span<u32>,
    proof: @PcsProof,
) {
    let n_trees = column_log_sizes.len();
    assert((*proof.commitments).len() == n_trees, 'PCS: wrong number of trees');
    channel.mix_felts(*proof.sampled_values);
    let random_coeff = channel.draw_felt();

    // How many columns of each evaluation log size each tree has, and the groups of columns of
    // one size across trees, largest first.
    let mut counts = array![];
    for sizes in column_log_sizes {
        let mut eval = array![];
        for s in *sizes {
            eval.append(*s + *config.log_blowup_factor);
        };
        counts.append(columns_per_log_size(eval.span()));
    };
    let counts = counts.span();
    let group_log_sizes = occurring_log_sizes(counts);
    assert(quotient_groups.len() == group_log_sizes.len(), 'PCS: wrong quotient groups');
    assert(
        mask_columns.len() == 0 || mask_columns.len() == group_log_sizes.len(),
        'PCS: wrong FRI masks',
    );
    let fri = fri_commit(ref channel, config, proof.fri_proof, group_log_sizes);

    assert(
        channel.check_proof_of_work(*config.pow_bits, *proof.proof_of_work),
        'PCS: proof of work is invalid',
    );
    let max_log_size = *group_log_sizes[0];
    let queries = draw_query_positions(ref channel, max_log_size, *config.n_queries).span();
    assert(
        (*proof.decommitments).len() == n_trees && (*proof.queried_values).len() == n_trees,
        'PCS: wrong number of trees',
    );
    // The queries folded to each size some column has, with their domain points.
    let queried = queried_points(queries, max_log_size, group_log_sizes);
    let positions = positions_per_log_size(queried, max_log_size);

    let mut t = 0;
    while t != n_trees {
        let tree_counts = *counts[t];
        verify_merkle(
            *(*proof.commitments)[t],
            tree_counts,
            positions.slice(0, tree_counts.len()),
            *(*proof.queried_values)[t],
            *(*proof.decommitments)[t],
        );
        t += 1;
    };

    // The DEEP quotients at the queried positions: FRI's first-layer values. A batch has at most
    // one sample per column.
    let alpha_powers = powers_from_alpha(random_coeff, max_columns_of_a_size(counts));
    let mut answers = array![];
    let mut groups = quotient_groups;
    let mut masks = mask_columns;
    for group in queried {
        let batches = prepare_batches(
            *groups.pop_front().unwrap(), points, *proof.sampled_values, alpha_powers,
        );
        let (tree_values, row_sizes) = values_of_size(
            *group.log_size, positions, counts, *proof.queried_values,
        );
        let mut group_answers = quotient_answers(group, tree_values, row_sizes, batches);
        if let Option::Some(first) = masks.pop_front() {
            group_answers = with_fri_mask(group_answers, *tree_values[1], *row_sizes[1], *first);
        }
        answers.append(group_answers);
    };
    fri_decommit(@fri, proof.fri_proof, queried, answers.span());
}

/// The flat sampled values (tree, column, sample order) split as the samples' ids are; panics
/// unless there is one value per sample.
pub fn split_samples(ids: Span<Span<Span<u32>>>, values: Span<QM31>) -> Span<Span<Span<QM31>>> {
    let mut next = 0;
    let mut trees = array![];
    for tree in ids {
        let mut columns = array![];
        for column in *tree {
            assert(next + (*column).len() <= values.len(), 'PCS: too few sampled values');
            columns.append(values.slice(next, (*column).len()));
            next += (*column).len();
        };
        trees.append(columns.span());
    };
    assert(next == values.len(), 'PCS: too many sampled values');
    trees.span()
}

/// positions[k]: the queried positions of log size k, for k up to max_log_size (empty for sizes
/// no column has).
fn positions_per_log_size(queried: Span<QueriedPoints>, max_log_size: u32) -> Span<Span<u32>> {
    let mut positions = array![];
    let mut group = queried.len();
    while positions.len() != max_log_size + 1 {
        if group != 0 && *queried[group - 1].log_size == positions.len() {
            group -= 1;
            positions.append(*queried[group].positions);
        } else {
            positions.append(array![].span());
        }
    };
    positions.span()
}

/// counts[k]: how many of the columns have log size k, for k up to the largest (a tree's
/// n_columns_per_log_size, verify_merkle).
fn columns_per_log_size(log_sizes: Span<u32>) -> Span<u32> {
    let mut counts: Felt252Dict<u32> = Default::default();
    let mut top = 0;
    for s in log_sizes {
        counts.insert((*s).into(), counts.get((*s).into()) + 1);
        if *s > top {
            top = *s;
        }
    };
    let mut out = array![];
    while out.len() != top + 1 {
        out.append(counts.get(out.len().into()));
    };
    out.span()
}

fn count_at(counts: Span<u32>, log_size: u32) -> u32 {
    if log_size < counts.len() {
        *counts[log_size]
    } else {
        0
    }
}

/// How many columns of log size s all trees have together.
fn columns_of_size(counts: Span<Span<u32>>, s: u32) -> u32 {
    let mut n = 0;
    for tree_counts in counts {
        n += count_at(*tree_counts, s);
    };
    n
}

/// The most columns of one log size, over all trees together.
fn max_columns_of_a_size(counts: Span<Span<u32>>) -> u32 {
    let mut max = 0;
    for s in occurring_log_sizes(counts) {
        let n = columns_of_size(counts, *s);
        if n > max {
            max = n;
        }
    };
    max
}

/// Every log size some tree has columns of, largest first.
fn occurring_log_sizes(counts: Span<Span<u32>>) -> Span<u32> {
    let mut max = 0;
    for tree_counts in counts {
        if (*tree_counts).len() - 1 > max {
            max = (*tree_counts).len() - 1;
        }
    };
    let mut sizes = array![];
    let mut s = max + 1;
    while s != 0 {
        s -= 1;
        if columns_of_size(counts, s) != 0 {
            sizes.append(s);
        }
    };
    sizes.span()
}

/// The constants of one sample point's quotient (BatchConstants in src/fri/quotients.h): at a
/// domain point P = (X, Y) the batch contributes (c·Σ_j α^(j+1)·f_j(P) - (A·Y + B)) /
/// (k - iy·X + ix·Y), where c = conj(p.y) - p.y, A = Σ_j α^(j+1)·a_j and B = Σ_j α^(j+1)·b_j with
/// a_j = conj(v_j) - v_j and b_j = v_j·c - a_j·p.y for the batch's sampled values v_j.
#[derive(Drop, Copy, Debug)]
struct BatchConstants {
    /// The batch's columns in the group's column order (trees, then columns): entry j is
    /// multiplied by α^(j+1).
    runs: Span<ColumnRun>,
    /// The coordinates of α, α², … α^(number of entries).
    alpha_powers: Span<[felt252; 4]>,
    c: [felt252; 4],
    /// -A and -B, so that the numerator's terms add.
    minus_a_sum: [felt252; 4],
    minus_b_sum: [felt252; 4],
    k: CM31,
    iy: CM31,
    ix: CM31,
    /// α^(number of entries): what the batches before this one are multiplied by.
    batch_coeff: [felt252; 4],
}

/// The coordinates of α^1, α^2, … α^n.
fn powers_from_alpha(alpha: QM31, n: u32) -> Span<[felt252; 4]> {
    let mut powers = array![];
    let mut power = alpha;
    while powers.len() != n {
        powers.append(power.felts());
        power = power * alpha;
    };
    powers.span()
}

/// The batches of a group, in the order of their points' first samples (the generated layout's
/// order, fri/quotients.h); inside a batch entry j (increasing column) gets α^(j+1).
fn prepare_batches(
    group: QuotientGroup,
    points: Span<CirclePoint<QM31>>,
    sampled_values: Span<QM31>,
    alpha_powers: Span<[felt252; 4]>,
) -> Span<BatchConstants> {
    let mut batches = array![];
    for batch in group.batches {
        let point = *points[*batch.point_id];
        batches.append(batch_constants(*batch, point, sampled_values, alpha_powers));
    };
    batches.span()
}

/// The constants of a batch at p, its samples' values read from the flat sampled values.
fn batch_constants(
    batch: QuotientBatch,
    p: CirclePoint<QM31>,
    sampled_values: Span<QM31>,
    alpha_powers: Span<[felt252; 4]>,
) -> BatchConstants {
    // Σ_j α^(j+1)·v_j from the CM31 products of its halves, each summed in felt252 and reduced
    // once: x = x0 + x1·u, v = v0 + v1·u, x·v = x0·v0 + R·x1·v1 + (x0·v1 + x1·v0)·u.
    let (mut s00a, mut s00b, mut s11a, mut s11b) = (0, 0, 0, 0);
    let (mut s01a, mut s01b, mut s10a, mut s10b) = (0, 0, 0, 0);
    let mut powers = alpha_powers;
    for sample in batch.samples {
        let [x0a, x0b, x1a, x1b] = *powers.pop_front().unwrap();
        let [v0a, v0b, v1a, v1b] = (*sampled_values[*sample]).felts();
        s00a += x0a * v0a - x0b * v0b;
        s00b += x0a * v0b + x0b * v0a;
        s11a += x1a * v1a - x1b * v1b;
        s11b += x1a * v1b + x1b * v1a;
        s01a += x0a * v1a - x0b * v1b;
        s01b += x0a * v1b + x0b * v1a;
        s10a += x1a * v0a - x1b * v0b;
        s10b += x1a * v0b + x1b * v0a;
    };
    let s00 = signed_cm31(s00a, s00b);
    let r_s11 = R * signed_cm31(s11a, s11b);
    let s01 = signed_cm31(s01a, s01b);
    let sum = QM31 { c0: s00 + r_s11, c1: s01 + signed_cm31(s10a, s10b) };
    // conj(v) - v = -2·v1·u, so Σ α^(j+1)·a_j = -2·(R·Σ x1·v1 + Σ x0·v1·u).
    let a_sum = -(QM31 { c0: r_s11 + r_s11, c1: s01 + s01 });
    let c = conjugate(p.y) - p.y;
    let ix = p.x.c1;
    let iy = p.y.c1;
    // A sample point with y in CM31 (every trace coset's points are such) makes every quotient's
    // denominator vanish: rejected by name, as the C++ verifier does (DrawnOodsSample).
    assert(iy.is_non_zero(), 'oods point degenerate');
    BatchConstants {
        runs: batch.runs,
        alpha_powers: alpha_powers.slice(0, batch.samples.len()),
        c: c.felts(),
        minus_a_sum: (-a_sum).felts(),
        minus_b_sum: (a_sum * p.y - c * sum).felts(),
        k: p.x.c0 * iy - p.y.c0 * ix,
        iy,
        ix,
        batch_coeff: *alpha_powers[batch.samples.len() - 1],
    }
}

/// a + b·i from coordinates summed in felt252, each within (-2^125, 2^125).
fn signed_cm31(a: felt252, b: felt252) -> CM31 {
    CM31 { a: M31Trait::reduce_signed_felt(a), b: M31Trait::reduce_signed_felt(b) }
}

/// c0 - c1·u.
fn conjugate(v: QM31) -> QM31 {
    QM31 { c0: v.c0, c1: -v.c1 }
}


/// Each tree's queried values of the columns of log size s, position by position, and how many
/// columns of that size each tree has. A tree's queried values come in its Merkle traversal
/// order: log sizes from the largest down, positions ascending, the columns of that size in tree
/// order.
fn values_of_size(
    s: u32, positions: Span<Span<u32>>, counts: Span<Span<u32>>, queried_values: Span<Span<M31>>,
) -> (Span<Span<M31>>, Span<u32>) {
    // Each tree's values of size s: after its larger sizes' positions.
    let mut tree_values = array![];
    for t in 0..counts.len() {
        let tree_counts = *counts[t];
        let mut offset: u32 = 0;
        let mut k = s + 1;
        while k < tree_counts.len() {
            offset += (*positions[k]).len() * *tree_counts[k];
            k += 1;
        };
        let n = count_at(tree_counts, s) * (*positions[s]).len();
        tree_values.append((*queried_values[t]).slice(offset, n));
    };
    let mut row_sizes = array![];
    for tree_counts in counts {
        row_sizes.append(count_at(*tree_counts, s));
    };
    (tree_values.span(), row_sizes.span())
}

/// The answers with the FRI mask's value added at each position: the mask's four columns start at
/// column `first` of `values`, a tree's values of the group's size, `n` columns a position.
fn with_fri_mask(answers: Span<QM31>, values: Span<M31>, n: u32, first: u32) -> Span<QM31> {
    let mut masked = array![];
    let mut i = 0;
    for answer in answers {
        let c = values.slice(i * n + first, 4);
        masked.append(*answer + QM31Trait::from_m31s(*c[0], *c[1], *c[2], *c[3]));
        i += 1;
    };
    masked.span()
}

/// For each queried position of the group's size (ascending), the combined DEEP quotient of all
/// columns of that size, from each tree's values of that size (values_of_size).
fn quotient_answers(
    group: @QueriedPoints,
    tree_values: Span<Span<M31>>,
    row_sizes: Span<u32>,
    batches: Span<BatchConstants>,
) -> Span<QM31> {
    // Every batch's numerator and denominator at every position, position major.
    let mut numerators = array![];
    let mut denominators = array![];
    let mut i = 0;
    for point in *group.points {
        let (x, y) = ((*point).x.felt(), (*point).y.felt());
        // Each tree's values at this position.
        let mut rows = array![];
        let mut sizes = row_sizes;
        for values in tree_values {
            let n = *sizes.pop_front().unwrap();
            rows.append((*values).slice(i * n, n));
        };
        let rows = rows.span();
        for b in batches {
            let [s0, s1, s2, s3] = batch_sum(*b.runs, *b.alpha_powers, rows);
            let [m0, m1, m2, m3] = *b.minus_a_sum;
            let [n0, n1, n2, n3] = *b.minus_b_sum;
            // c·S - A·Y - B: S's coordinates are below 2^70, the products with c below 2^101.
            numerators
                .append(
                    mul_add_felts(*b.c, [s0, s1, s2, s3], [m0 * y + n0, m1 * y + n1, m2 * y + n2, m3 * y + n3]),
                );
            denominators.append(denominator(*b.k, *b.iy, *b.ix, x, y));
        };
        i += 1;
    };
    let inverses = batch_inverse_cm31(denominators.span());
    let mut numerators = numerators.span();
    let mut inverses = inverses;
    let mut answers = array![];
    let mut n = (*group.points).len();
    while n != 0 {
        let mut acc: QM31 = core::num::traits::Zero::zero();
        for b in batches {
            let numerator = *numerators.pop_front().unwrap();
            let inverse = *inverses.pop_front().unwrap();
            acc = mul_add_felts(acc.felts(), *b.batch_coeff, times_cm31(numerator, inverse));
        };
        answers.append(acc);
        n -= 1;
    };
    answers.span()
}

/// Σ_j α^(j+1)·f_j at position i over the batch's columns, coordinate by coordinate in felt252
/// (each term below 2^62), unreduced.
fn batch_sum(runs: Span<ColumnRun>, alpha_powers: Span<[felt252; 4]>, rows: Span<Span<M31>>) -> [felt252; 4] {
    let mut sum = [0, 0, 0, 0];
    let mut powers = alpha_powers;
    for run in runs {
        let count = *run.count;
        sum = add_dot_product(sum, (*rows[*run.tree]).slice(*run.first, count), powers.slice(0, count));
        powers = powers.slice(count, powers.len() - count);
    };
    sum
}

/// sum + Σ_j coefficients[j]·values[j], four terms an iteration (a loop iteration costs more
/// than its arithmetic).
fn add_dot_product(
    sum: [felt252; 4], values: Span<M31>, coefficients: Span<[felt252; 4]>,
) -> [felt252; 4] {
    let [mut s0, mut s1, mut s2, mut s3] = sum;
    let mut values = values;
    let mut coefficients = coefficients;
    while let Option::Some(four) = values.multi_pop_front::<4>() {
        let [v0, v1, v2, v3] = (*four).unbox();
        let [c0, c1, c2, c3] = (*coefficients.multi_pop_front::<4>().unwrap()).unbox();
        let (v0, v1, v2, v3) = (v0.felt(), v1.felt(), v2.felt(), v3.felt());
        let [a0, a1, a2, a3] = c0;
        let [b0, b1, b2, b3] = c1;
        let [d0, d1, d2, d3] = c2;
        let [e0, e1, e2, e3] = c3;
        s0 += a0 * v0 + b0 * v1 + d0 * v2 + e0 * v3;
        s1 += a1 * v0 + b1 * v1 + d1 * v2 + e1 * v3;
        s2 += a2 * v0 + b2 * v1 + d2 * v2 + e2 * v3;
        s3 += a3 * v0 + b3 * v1 + d3 * v2 + e3 * v3;
    };
    while let Option::Some(value) = values.pop_front() {
        let [c0, c1, c2, c3] = *coefficients.pop_front().unwrap();
        let v = (*value).felt();
        s0 += c0 * v;
        s1 += c1 * v;
        s2 += c2 * v;
        s3 += c3 * v;
    };
    [s0, s1, s2, s3]
}

/// k - iy·X + ix·Y at the domain point (X, Y).
fn denominator(k: CM31, iy: CM31, ix: CM31, x: felt252, y: felt252) -> CM31 {
    let (ka, kb) = k.felts();
    let (iya, iyb) = iy.felts();
    let (ixa, ixb) = ix.felts();
    signed_cm31(ka - iya * x + ixa * y, kb - iyb * x + ixb * y)
}

/// The coordinates of v·d (a QM31 value times a CM31 one), unreduced: each below 2^63 in absolute
/// value.
fn times_cm31(v: QM31, d: CM31) -> [felt252; 4] {
    let [v0, v1, v2, v3] = v.felts();
    let (da, db) = d.felts();
    [v0 * da - v1 * db, v0 * db + v1 * da, v2 * da - v3 * db, v2 * db + v3 * da]
}
