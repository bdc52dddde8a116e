//! The verifier side of the commitment scheme (src/fri/pcs_verifier.h, pcs_common.h,
//! quotients.h): after the trees' roots are mixed, it checks the openings — the sampled values'
//! shape, the proof of work, every tree's Merkle decommitment, and FRI on the DEEP quotients
//! recomputed at the queried positions. A bad proof panics with a message starting 'PCS:',
//! 'Merkle:' or 'FRI:'.
use core::dict::{Felt252Dict, Felt252DictTrait};
use crate::channel::{Channel, ChannelTrait};
use crate::circle::{CirclePoint, bit_reverse_index, canonic_domain_point};
use crate::fields::cm31::{CM31, CM31Trait, batch_inverse_cm31};
use crate::fields::m31::{M31, M31Trait};
use crate::fields::qm31::{QM31, QM31Trait, R};
use crate::fri::{fold_positions, fri_commit, fri_decommit};
use crate::merkle::verify_merkle;
use crate::proof::{PcsConfig, PcsProof};
use crate::queries::draw_query_positions;

/// Which of the queries a call checks the openings of.
#[derive(Drop, Copy, Debug, PartialEq)]
pub enum OpenedQueries {
    /// All of them: a proof verified in one transaction.
    All,
    /// None yet: the head of a proof whose openings come in this many batches.
    InBatches: u32,
    /// Batch (index, number of batches): a contiguous range of the sorted queries
    /// (QueryBatchRange in src/fri/proof.h).
    Batch: (u32, u32),
}

/// Verifies the openings of the trees whose roots are the proof's commitments (already mixed into
/// the channel) and whose columns have polynomials of log sizes column_log_sizes[tree][column],
/// each opened at sample_points[tree][column] with the proof's sampled values, split as
/// sampled_values[tree][column][point] (split_samples); `opened` says at which of the queries.
pub fn pcs_verify(
    ref channel: Channel,
    config: @PcsConfig,
    column_log_sizes: Span<Span<u32>>,
    sample_points: Span<Span<Span<CirclePoint<QM31>>>>,
    sampled_values: Span<Span<Span<QM31>>>,
    proof: @PcsProof,
    opened: OpenedQueries,
) {
    let n_trees = column_log_sizes.len();
    assert(
        (*proof.commitments).len() == n_trees && sample_points.len() == n_trees,
        'PCS: wrong number of trees',
    );
    channel.mix_felts(*proof.sampled_values);
    let random_coeff = channel.draw_felt();

    // Evaluation log sizes per tree, how many columns of each size it has, and the groups of
    // columns of one size across trees, largest first.
    let mut eval_log_sizes = array![];
    let mut counts = array![];
    for sizes in column_log_sizes {
        let mut eval = array![];
        for s in *sizes {
            eval.append(*s + *config.log_blowup_factor);
        };
        counts.append(columns_per_log_size(eval.span()));
        eval_log_sizes.append(eval.span());
    };
    let eval_log_sizes = eval_log_sizes.span();
    let counts = counts.span();
    let group_log_sizes = occurring_log_sizes(counts);
    let fri = fri_commit(ref channel, config, proof.fri_proof, group_log_sizes);

    assert(
        channel.check_proof_of_work(*config.pow_bits, *proof.proof_of_work),
        'PCS: proof of work is invalid',
    );
    let max_log_size = *group_log_sizes[0];
    let all_queries = draw_query_positions(ref channel, max_log_size, *config.n_queries).span();
    let queries = match opened {
        OpenedQueries::All => all_queries,
        OpenedQueries::InBatches(n) => {
            assert(n >= 1 && n <= all_queries.len(), 'PCS: bad number of batches');
            return;
        },
        OpenedQueries::Batch((
            index, n,
        )) => {
            assert(index < n && n <= all_queries.len(), 'PCS: bad batch index');
            let first = all_queries.len() * index / n;
            all_queries.slice(first, all_queries.len() * (index + 1) / n - first)
        },
    };
    assert(
        (*proof.decommitments).len() == n_trees && (*proof.queried_values).len() == n_trees,
        'PCS: wrong number of trees',
    );
    // positions[k]: the queries folded to log size k, for the sizes some column has.
    let mut positions = array![];
    let mut k = 0;
    while k != max_log_size + 1 {
        positions
            .append(if columns_of_size(counts, k) == 0 {
                array![].span()
            } else {
                fold_positions(queries, max_log_size - k)
            });
        k += 1;
    };
    let positions = positions.span();

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
    for s in group_log_sizes {
        answers
            .append(
                quotient_answers(
                    *s, positions, counts, eval_log_sizes, sample_points, sampled_values, proof,
                    alpha_powers,
                ),
            );
    };
    fri_decommit(@fri, proof.fri_proof, queries, answers.span());
}

/// The flat sampled values (tree, column, point order) split as the sample points are; panics
/// unless there is one value per point.
pub fn split_samples(
    sample_points: Span<Span<Span<CirclePoint<QM31>>>>, values: Span<QM31>,
) -> Span<Span<Span<QM31>>> {
    let mut next = 0;
    let mut trees = array![];
    for tree in sample_points {
        let mut columns = array![];
        for points in *tree {
            assert(next + (*points).len() <= values.len(), 'PCS: too few sampled values');
            columns.append(values.slice(next, (*points).len()));
            next += (*points).len();
        };
        trees.append(columns.span());
    };
    assert(next == values.len(), 'PCS: too many sampled values');
    trees.span()
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

/// For each queried position of log size s (ascending), the combined DEEP quotient of all
/// columns of that evaluation size. A tree's queried values come in its Merkle traversal order:
/// log sizes from the largest down, positions ascending, the columns of that size in tree order.
fn quotient_answers(
    s: u32,
    positions: Span<Span<u32>>,
    counts: Span<Span<u32>>,
    eval_log_sizes: Span<Span<u32>>,
    sample_points: Span<Span<Span<CirclePoint<QM31>>>>,
    sampled_values: Span<Span<Span<QM31>>>,
    proof: @PcsProof,
    alpha_powers: Span<QM31>,
) -> Span<QM31> {
    // The group's columns' samples, in tree order then column order.
    let mut points = array![];
    let mut values = array![];
    let mut t = 0;
    while t != eval_log_sizes.len() {
        let sizes = *eval_log_sizes[t];
        let mut c = 0;
        while c != sizes.len() {
            if *sizes[c] == s {
                points.append(*(*sample_points[t])[c]);
                values.append(*(*sampled_values[t])[c]);
            }
            c += 1;
        };
        t += 1;
    };
    let batches = prepare_batches(points.span(), values.span(), alpha_powers);

    // Where each tree's values of size s start: after its larger sizes' positions.
    let mut offsets = array![];
    for tree_counts in counts {
        let mut offset: u32 = 0;
        let mut k = s + 1;
        while k < (*tree_counts).len() {
            offset += (*positions[k]).len() * *(*tree_counts)[k];
            k += 1;
        };
        offsets.append(offset);
    };
    let positions = *positions[s];
    let mut points = array![];
    let mut denominators = array![];
    for position in positions {
        let point = canonic_domain_point(s, bit_reverse_index(*position, s));
        for b in batches {
            denominators.append(*b.k - (*b.iy).mul_m31(point.x) + (*b.ix).mul_m31(point.y));
        };
        points.append(point);
    };
    let denominator_inverses = batch_inverse_cm31(denominators.span());
    let mut answers = array![];
    let mut i = 0;
    while i != positions.len() {
        let mut row = array![];
        let mut t = 0;
        while t != counts.len() {
            let n = count_at(*counts[t], s);
            row.append_span((*(*proof.queried_values)[t]).slice(*offsets[t] + i * n, n));
            t += 1;
        };
        let inverses = denominator_inverses.slice(i * batches.len(), batches.len());
        answers.append(quotient_at_point(*points[i], row.span(), batches, alpha_powers, inverses));
        i += 1;
    };
    answers.span()
}

/// The constants of one sample point's quotient (BatchConstants in src/fri/quotients.h): at a
/// domain point P = (X, Y) the batch contributes (c·Σ_j α^(j+1)·f_j(P) - (A·Y + B)) /
/// (k - iy·X + ix·Y), where c = conj(p.y) - p.y, A = Σ_j α^(j+1)·a_j and B = Σ_j α^(j+1)·b_j with
/// a_j = conj(v_j) - v_j and b_j = v_j·c - a_j·p.y for the batch's sampled values v_j.
#[derive(Drop, Copy, Debug)]
struct BatchConstants {
    /// The batch's columns in the group, increasing: entry j is multiplied by α^(j+1).
    columns: Span<u32>,
    c: QM31,
    a_sum: QM31,
    b_sum: QM31,
    k: CM31,
    iy: CM31,
    ix: CM31,
    /// α^(number of entries): what the batches before this one are multiplied by.
    batch_coeff: QM31,
}

/// α^1, α^2, … α^n.
fn powers_from_alpha(alpha: QM31, n: u32) -> Span<QM31> {
    let mut powers = array![];
    let mut power = alpha;
    while powers.len() != n {
        powers.append(power);
        power = power * alpha;
    };
    powers.span()
}

/// Batches the samples of a group's columns by point, points ordered by their coordinates as u32
/// (x, then y); inside a batch entry j (increasing column) gets α^(j+1) (alpha_powers[j]).
fn prepare_batches(
    points: Span<Span<CirclePoint<QM31>>>,
    values: Span<Span<QM31>>,
    alpha_powers: Span<QM31>,
) -> Span<BatchConstants> {
    // The distinct points, and for each sample (column order) its column, value and point.
    let mut distinct: Array<CirclePoint<QM31>> = array![];
    let mut sample_columns = array![];
    let mut sample_values = array![];
    let mut sample_points = array![];
    let mut column = 0;
    while column != points.len() {
        let column_points = *points[column];
        let mut j = 0;
        while j != column_points.len() {
            let point = *column_points[j];
            let mut at = 0;
            while at != distinct.len() && *distinct[at] != point {
                at += 1;
            };
            if at == distinct.len() {
                distinct.append(point);
            }
            sample_columns.append(column);
            sample_values.append(*(*values[column])[j]);
            sample_points.append(at);
            j += 1;
        };
        column += 1;
    };
    let mut batches = array![];
    for at in sorted_order(distinct.span()) {
        let p = *distinct[*at];
        // Σ_j α^(j+1)·v_j from the CM31 products of its halves, each summed in felt252 and
        // reduced once: x = x0 + x1·u, v = v0 + v1·u, x·v = x0·v0 + R·x1·v1 + (x0·v1 + x1·v0)·u.
        let (mut s00a, mut s00b, mut s11a, mut s11b) = (0, 0, 0, 0);
        let (mut s01a, mut s01b, mut s10a, mut s10b) = (0, 0, 0, 0);
        let mut columns = array![];
        let mut i = 0;
        while i != sample_points.len() {
            if *sample_points[i] == *at {
                let [x0a, x0b, x1a, x1b] = (*alpha_powers[columns.len()]).felts();
                let [v0a, v0b, v1a, v1b] = (*sample_values[i]).felts();
                s00a += x0a * v0a - x0b * v0b;
                s00b += x0a * v0b + x0b * v0a;
                s11a += x1a * v1a - x1b * v1b;
                s11b += x1a * v1b + x1b * v1a;
                s01a += x0a * v1a - x0b * v1b;
                s01b += x0a * v1b + x0b * v1a;
                s10a += x1a * v0a - x1b * v0b;
                s10b += x1a * v0b + x1b * v0a;
                columns.append(*sample_columns[i]);
            }
            i += 1;
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
        batches
            .append(
                BatchConstants {
                    columns: columns.span(),
                    c,
                    a_sum,
                    b_sum: c * sum - a_sum * p.y,
                    k: p.x.c0 * iy - p.y.c0 * ix,
                    iy,
                    ix,
                    batch_coeff: *alpha_powers[columns.len() - 1],
                },
            );
    };
    batches.span()
}

/// a + b·i from coordinates summed in felt252, each within (-2^125, 2^125).
fn signed_cm31(a: felt252, b: felt252) -> CM31 {
    CM31 { a: M31Trait::reduce_signed_felt(a), b: M31Trait::reduce_signed_felt(b) }
}

/// c0 - c1·u.
fn conjugate(v: QM31) -> QM31 {
    QM31 { c0: v.c0, c1: -v.c1 }
}

/// The indices of the points in increasing order of their eight coordinates (a few points).
fn sorted_order(points: Span<CirclePoint<QM31>>) -> Span<u32> {
    let mut order: Array<u32> = array![];
    while order.len() != points.len() {
        // The least point not yet taken.
        let mut least: Option<u32> = Option::None;
        let mut i = 0;
        while i != points.len() {
            let mut taken = false;
            for t in order.span() {
                taken = taken || *t == i;
            };
            if !taken {
                least = match least {
                    Option::None => Option::Some(i),
                    Option::Some(l) => if point_less(*points[i], *points[l]) {
                        Option::Some(i)
                    } else {
                        Option::Some(l)
                    },
                };
            }
            i += 1;
        };
        order.append(least.unwrap());
    };
    order.span()
}

fn point_less(a: CirclePoint<QM31>, b: CirclePoint<QM31>) -> bool {
    let [a0, a1, a2, a3] = a.x.to_m31s();
    let [a4, a5, a6, a7] = a.y.to_m31s();
    let [b0, b1, b2, b3] = b.x.to_m31s();
    let [b4, b5, b6, b7] = b.y.to_m31s();
    let a = array![a0, a1, a2, a3, a4, a5, a6, a7];
    let b = array![b0, b1, b2, b3, b4, b5, b6, b7];
    let mut i = 0;
    while i != 8 && *a[i] == *b[i] {
        i += 1;
    };
    i != 8 && (*a[i]).inner < (*b[i]).inner
}

/// The combined quotient at one domain point, given the group's columns' values there and the
/// inverses of the batches' denominators there.
fn quotient_at_point(
    point: CirclePoint<M31>,
    column_values: Span<M31>,
    batches: Span<BatchConstants>,
    alpha_powers: Span<QM31>,
    denominator_inverses: Span<CM31>,
) -> QM31 {
    let mut acc: QM31 = core::num::traits::Zero::zero();
    let mut i = 0;
    while i != batches.len() {
        let b = *batches[i];
        // Σ α^(j+1)·f_j coordinate by coordinate in felt252 (each term < 2^62), reduced once.
        let (mut s0, mut s1, mut s2, mut s3) = (0, 0, 0, 0);
        let mut powers = alpha_powers;
        for column in b.columns {
            let [c0, c1, c2, c3] = (*powers.pop_front().unwrap()).felts();
            let value: felt252 = (*column_values[*column]).inner.into();
            s0 += c0 * value;
            s1 += c1 * value;
            s2 += c2 * value;
            s3 += c3 * value;
        };
        let sum = QM31Trait::from_m31s(
            M31Trait::reduce_felt(s0),
            M31Trait::reduce_felt(s1),
            M31Trait::reduce_felt(s2),
            M31Trait::reduce_felt(s3),
        );
        let numerator = b.c * sum - (b.a_sum.mul_m31(point.y) + b.b_sum);
        let den_inverse = *denominator_inverses[i];
        acc = acc * b.batch_coeff
            + QM31 { c0: numerator.c0 * den_inverse, c1: numerator.c1 * den_inverse };
        i += 1;
    };
    acc
}
