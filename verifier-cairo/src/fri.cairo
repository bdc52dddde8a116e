//! The FRI verifier (src/fri/fri_verifier.h, fri_schedule.h, fri_layer.h, fold.h): the schedule
//! of committed layers, the replay of the commit phase on the channel, and the decommitment of
//! every layer at the queried positions down to the last-layer polynomial. A bad proof panics
//! with a message starting 'FRI:'.
use crate::channel::{Channel, ChannelTrait};
use crate::circle::{
    CirclePoint, CosetTrait, add_m31_points, bit_reverse_index, canonic_domain_point,
    double_x,
};
use crate::fields::m31::{M31, P, batch_inverse};
use crate::fields::qm31::{QM31, QM31Trait, mul_add_felts};
use crate::merkle::verify_merkle;
use crate::proof::{FriProof, PcsConfig};
use crate::queries::pow2;

/// A committed inner layer: a line evaluation of 2^log_size values, committed with one Merkle
/// leaf per coset of 2^fold_step positions, then folded fold_step times; the input column
/// circle-folded into it after its folds, if any.
#[derive(Drop, Copy, Debug, PartialEq)]
pub struct FriInnerLayer {
    pub log_size: u32,
    pub fold_step: u32,
    pub injected_column: Option<u32>,
}

/// The layers, from line log size m = s_0 - 1 down to the last layer's: each takes
/// j = min(fold_step, m - last, m - t) folds, t the line log size of the next column still to
/// join (MakeFriSchedule). Panics unless the log sizes strictly decrease and each is in
/// [log_blowup + log_last_layer + 1, 30].
pub fn fri_schedule(config: @PcsConfig, column_log_sizes: Span<u32>) -> Span<FriInnerLayer> {
    let last = last_layer_log_size(config);
    assert(column_log_sizes.len() != 0, 'FRI: no columns');
    let mut previous = 31;
    for s in column_log_sizes {
        assert(*s > last && *s <= 30 && *s < previous, 'FRI: bad column log sizes');
        previous = *s;
    };
    let mut layers = array![];
    let mut next_column = 1;
    let mut m = *column_log_sizes[0] - 1;
    while m > last {
        let mut j = min(*config.fold_step, m - last);
        if next_column < column_log_sizes.len() {
            j = min(j, m - (*column_log_sizes[next_column] - 1));
        }
        let log_size = m;
        m -= j;
        let mut injected_column = Option::None;
        if next_column < column_log_sizes.len() && *column_log_sizes[next_column] - 1 == m {
            injected_column = Option::Some(next_column);
            next_column += 1;
        }
        layers.append(FriInnerLayer { log_size, fold_step: j, injected_column });
    };
    layers.span()
}

fn last_layer_log_size(config: @PcsConfig) -> u32 {
    *config.log_last_layer_degree_bound + *config.log_blowup_factor
}

fn min(a: u32, b: u32) -> u32 {
    if a < b {
        a
    } else {
        b
    }
}

/// What the commit phase fixed: the schedule and the folding factors.
#[derive(Drop, Copy, Debug)]
pub struct FriVerifier {
    pub column_log_sizes: Span<u32>,
    pub inner_layers: Span<FriInnerLayer>,
    pub last_layer_log_size: u32,
    /// β per input column: the factor it is circle-folded with.
    pub column_alphas: Span<QM31>,
    /// α per inner layer.
    pub layer_alphas: Span<QM31>,
}

/// Mixes the layers' roots and draws the folding factors as the prover did, checks the number of
/// layers and the last layer's length (a power of two, at most 2^log_last_layer_degree_bound),
/// and mixes the last layer's coefficients.
pub fn fri_commit(
    ref channel: Channel, config: @PcsConfig, proof: @FriProof, column_log_sizes: Span<u32>,
) -> FriVerifier {
    let inner_layers = fri_schedule(config, column_log_sizes);
    assert((*proof.inner_layers).len() == inner_layers.len(), 'FRI: wrong number of layers');
    let mut column_alphas: Array<QM31> = array![];
    channel.mix_root(*proof.first_layer.commitment);
    column_alphas.append(channel.draw_felt());
    let mut layer_alphas = array![];
    let mut k = 0;
    while k != inner_layers.len() {
        channel.mix_root(*(*proof.inner_layers)[k].commitment);
        let alpha = channel.draw_felt();
        layer_alphas.append(alpha);
        let layer = *inner_layers[k];
        if layer.injected_column.is_some() {
            // Columns join in order, so the injected one is the next β.
            column_alphas.append(pow2_power(alpha, layer.fold_step - 1));
        }
        k += 1;
    };
    let n_coeffs = (*proof.last_layer_poly).len();
    assert(n_coeffs <= pow2(*config.log_last_layer_degree_bound), 'FRI: last layer too long');
    assert(n_coeffs != 0 && n_coeffs & (n_coeffs - 1) == 0, 'FRI: last layer not power of 2');
    channel.mix_felts(*proof.last_layer_poly);
    FriVerifier {
        column_log_sizes,
        inner_layers,
        last_layer_log_size: last_layer_log_size(config),
        column_alphas: column_alphas.span(),
        layer_alphas: layer_alphas.span(),
    }
}

/// x^(2^n).
fn pow2_power(x: QM31, n: u32) -> QM31 {
    let mut result = x;
    let mut i = 0;
    while i != n {
        result = result.square();
        i += 1;
    };
    result
}

/// Checks every layer's opening and folds the queried values down to the last layer, where they
/// must match its polynomial. queries: the positions drawn at the largest column's log size s_0,
/// sorted and distinct; first_layer_evals[i]: the values of column i at
/// fold_positions(queries, s_0 - s_i).
pub fn fri_decommit(
    verifier: @FriVerifier, proof: @FriProof, queries: Span<u32>, first_layer_evals: Span<Span<QM31>>,
) {
    let column_folds = decommit_first_layer(verifier, proof, queries, first_layer_evals);
    let mut line = *column_folds[0];
    let mut k = 0;
    while k != (*verifier.inner_layers).len() {
        line = decommit_inner_layer(verifier, proof, k, line, column_folds);
        k += 1;
    };
    let last_log_size = *verifier.last_layer_log_size;
    let last_domain = CosetTrait::half_odds(last_log_size);
    let mut p = 0;
    while p != line.positions.len() {
        let x = last_domain.at(bit_reverse_index(*line.positions[p], last_log_size)).x;
        let expected = eval_line_poly(*proof.last_layer_poly, QM31Trait::from_m31(x));
        assert(*line.values[p] == expected, 'FRI: last layer mismatch');
        p += 1;
    };
}

/// The first layer: each column's pairs, opened against the first layer's root and
/// circle-folded with the column's β.
fn decommit_first_layer(
    verifier: @FriVerifier, proof: @FriProof, queries: Span<u32>, first_layer_evals: Span<Span<QM31>>,
) -> Span<SparseLine> {
    let log_sizes = *verifier.column_log_sizes;
    let max_log_size = *log_sizes[0];
    assert(first_layer_evals.len() == log_sizes.len(), 'FRI: wrong number of evals');
    let mut column_folds = array![];
    let mut leaf_log_sizes = array![];
    let mut leaves_per_column = array![];
    let mut n_leaf_columns = array![];
    let mut leaf_values = array![];
    let mut witness = *proof.first_layer.fri_witness;
    let mut i = 0;
    while i != log_sizes.len() {
        let s = *log_sizes[i];
        let positions = fold_positions(queries, max_log_size - s);
        assert(positions.len() == (*first_layer_evals[i]).len(), 'FRI: wrong number of evals');
        let (leaves, values) = open_cosets(positions, *first_layer_evals[i], 1, ref witness);
        append_coordinates(ref leaf_values, values);
        column_folds.append(fold_circle_pairs(s, leaves, values, *(*verifier.column_alphas)[i]));
        // The tree's layer s - 1 holds this column's pairs as 8 leaf columns.
        leaf_log_sizes.append(s - 1);
        leaves_per_column.append(leaves);
        n_leaf_columns.append(8);
        i += 1;
    };
    assert(witness.len() == 0, 'FRI: layer 0 witness too long');
    let top = max_log_size - 1;
    verify_merkle(
        *proof.first_layer.commitment,
        merkle_layers(top, leaf_log_sizes.span(), n_leaf_columns.span(), 0),
        merkle_layers(top, leaf_log_sizes.span(), leaves_per_column.span(), array![].span()),
        leaf_values.span(),
        *proof.first_layer.decommitment,
    );
    column_folds.span()
}

/// The circle fold of a column of log size s at its opened pairs (leaf k holds the values
/// 2k and 2k + 1).
fn fold_circle_pairs(s: u32, leaves: Span<u32>, values: Span<QM31>, beta: QM31) -> SparseLine {
    let mut ys = array![];
    for leaf in leaves {
        ys.append(canonic_domain_point(s, bit_reverse_index(2 * *leaf, s)).y);
    };
    let y_inverses = batch_inverse(ys.span());
    let mut folded = array![];
    let mut k = 0;
    while k != leaves.len() {
        folded.append(fold_pair(*values[2 * k], *values[2 * k + 1], *y_inverses[k], beta));
        k += 1;
    };
    SparseLine { positions: leaves, values: folded.span() }
}

/// Inner layer k: opens its cosets around the running values, checks them against its root,
/// folds them, and lets the next column join.
fn decommit_inner_layer(
    verifier: @FriVerifier, proof: @FriProof, k: u32, line: SparseLine, column_folds: Span<SparseLine>,
) -> SparseLine {
    let step = *(*verifier.inner_layers)[k];
    let layer_proof = *(*proof.inner_layers)[k];
    let mut witness = layer_proof.fri_witness;
    let (leaves, values) = open_cosets(line.positions, line.values, step.fold_step, ref witness);
    assert(witness.len() == 0, 'FRI: layer witness too long');
    let leaf_log_size = step.log_size - step.fold_step;
    let coset_size = pow2(step.fold_step);
    let mut coordinates = array![];
    append_coordinates(ref coordinates, values);
    let layer = array![leaf_log_size].span();
    verify_merkle(
        layer_proof.commitment,
        merkle_layers(leaf_log_size, layer, array![4 * coset_size].span(), 0),
        merkle_layers(leaf_log_size, layer, array![leaves].span(), array![].span()),
        coordinates.span(),
        layer_proof.decommitment,
    );
    // Every coset's x coordinates for all its folds, inverted together.
    let domain = CosetTrait::half_odds(step.log_size);
    let log_pairs = step.fold_step - 1;
    let low_bits = domain.log_size - 1 - log_pairs;
    let stride = domain.step_multiple(pow2(low_bits));
    let mut xs = array![];
    for leaf in leaves {
        append_fold_xs(ref xs, domain.at(bit_reverse_index(*leaf, low_bits)), stride, log_pairs);
    };
    let x_inverses = batch_inverse(xs.span());
    let alpha = *(*verifier.layer_alphas)[k];
    let mut folded = array![];
    let mut c = 0;
    while c != leaves.len() {
        folded
            .append(
                fold_coset(
                    values.slice(c * coset_size, coset_size),
                    x_inverses.slice(c * (coset_size - 1), coset_size - 1),
                    alpha,
                ),
            );
        c += 1;
    };
    let folded = match step.injected_column {
        Option::None => folded.span(),
        // Both are the queries folded to this line size.
        Option::Some(column) => join_column(
            folded.span(), *column_folds[column], *(*verifier.column_alphas)[column],
        ),
    };
    SparseLine { positions: leaves, values: folded }
}

/// folded·β² + the column's circle fold, position by position.
fn join_column(folded: Span<QM31>, column: SparseLine, beta: QM31) -> Span<QM31> {
    let beta_sq = beta.square();
    let mut joined = array![];
    let mut p = 0;
    while p != folded.len() {
        joined.append(*folded[p] * beta_sq + *column.values[p]);
        p += 1;
    };
    joined.span()
}

/// Values of a line layer at some positions (ascending).
#[derive(Drop, Copy, Debug)]
struct SparseLine {
    positions: Span<u32>,
    values: Span<QM31>,
}

/// {p >> shift : p in positions}, sorted and distinct (positions sorted).
pub fn fold_positions(positions: Span<u32>, shift: u32) -> Span<u32> {
    let divisor = pow2(shift);
    let mut folded: Array<u32> = array![];
    for p in positions {
        let f = *p / divisor;
        if folded.len() == 0 || *folded[folded.len() - 1] != f {
            folded.append(f);
        }
    };
    folded.span()
}

/// Rebuilds every opened coset of 2^log_leaf_size positions from the known values (values[k] at
/// positions[k]) and the next values of the witness, which it consumes: the cosets' leaf
/// indices (ascending) and their values in position order (OpenFriCosets).
fn open_cosets(
    positions: Span<u32>, values: Span<QM31>, log_leaf_size: u32, ref witness: Span<QM31>,
) -> (Span<u32>, Span<QM31>) {
    let coset_size = pow2(log_leaf_size);
    let mut leaves: Array<u32> = array![];
    let mut opened = array![];
    let mut next = 0;
    for p in positions {
        let leaf = *p / coset_size;
        if leaves.len() != 0 && *leaves[leaves.len() - 1] == leaf {
            continue;
        }
        leaves.append(leaf);
        let mut t = 0;
        while t != coset_size {
            let position = leaf * coset_size + t;
            while next < positions.len() && *positions[next] < position {
                next += 1;
            };
            if next < positions.len() && *positions[next] == position {
                opened.append(*values[next]);
            } else {
                match witness.pop_front() {
                    Option::Some(value) => opened.append(*value),
                    Option::None => core::panic_with_felt252('FRI: witness too short'),
                }
            }
            t += 1;
        };
    };
    (leaves.span(), opened.span())
}

/// Each value's four coordinates in order: the column order of a layer's Merkle leaves.
fn append_coordinates(ref out: Array<M31>, values: Span<QM31>) {
    for value in values {
        let [a, b, c, d] = (*value).to_m31s();
        out.append(a);
        out.append(b);
        out.append(c);
        out.append(d);
    };
}

/// (f_p + f_conj) + α·(f_p - f_conj)·t: the circle fold with t = 1/p.y and the line fold with
/// t = 1/x share it.
fn fold_pair(f_p: QM31, f_conj: QM31, t: M31, alpha: QM31) -> QM31 {
    // (f_p - f_conj)·t unreduced: each coordinate (p - c + P)·t is below 2^63.
    let [p0, p1, p2, p3] = f_p.felts();
    let [c0, c1, c2, c3] = f_conj.felts();
    let t: felt252 = t.inner.into();
    let p: felt252 = P.into();
    let difference = [(p0 - c0 + p) * t, (p1 - c1 + p) * t, (p2 - c2 + p) * t, (p3 - c3 + p) * t];
    mul_add_felts(alpha.felts(), difference, [p0 + c0, p1 + c1, p2 + c2, p3 + c3])
}

/// The x coordinates where a coset's folds pair its values, fold after fold: 2^log_pairs, then
/// half as many, … then one. The coset of leaf ℓ pairs its values at the domain indices
/// bitrev(ℓ·n + r) (over log size - 1 bits, n = 2^log_pairs) = bitrev(ℓ) + bitrev(r)·2^(log size
/// - 1 - log_pairs): `base` plus multiples of `stride`. Each later fold's pair r is the doubling
/// of the previous fold's pair 2r.
fn append_fold_xs(
    ref xs: Array<M31>, base: CirclePoint<M31>, stride: CirclePoint<M31>, log_pairs: u32,
) {
    let n = pow2(log_pairs);
    let mut points = array![base];
    while points.len() != n {
        points.append(add_m31_points(*points[points.len() - 1], stride));
    };
    let mut fold = array![];
    let mut r = 0;
    while r != n {
        fold.append((*points[bit_reverse_index(r, log_pairs)]).x);
        r += 1;
    };
    let mut fold = fold.span();
    loop {
        xs.append_span(fold);
        if fold.len() == 1 {
            break;
        }
        let mut doubled = array![];
        let mut r = 0;
        while r != fold.len() {
            doubled.append(double_x(*fold[r]));
            r += 2;
        };
        fold = doubled.span();
    };
}

/// Folds a coset's values until one is left, fold i with α^(2^i) and the inverses of its x
/// coordinates (append_fold_xs, in the same order) (FoldCoset).
fn fold_coset(values: Span<QM31>, x_inverses: Span<M31>, alpha: QM31) -> QM31 {
    let mut values = values;
    let mut x_inverses = x_inverses;
    let mut alpha = alpha;
    while values.len() != 1 {
        let n = values.len() / 2;
        let mut folded = array![];
        let mut r = 0;
        while r != n {
            folded.append(fold_pair(*values[2 * r], *values[2 * r + 1], *x_inverses[r], alpha));
            r += 1;
        };
        values = folded.span();
        x_inverses = x_inverses.slice(n, x_inverses.len() - n);
        alpha = alpha.square();
    };
    *values[0]
}

/// A line polynomial at x: coefficients in bit-reversed order over the basis
/// {1, x, π(x), x·π(x), π²(x), …}, storage bit 0 pairing with the last doubling (LinePoly).
fn eval_line_poly(coeffs: Span<QM31>, x: QM31) -> QM31 {
    let mut factors = array![];
    let mut x = x;
    let mut n = coeffs.len();
    while n > 1 {
        factors.append(x);
        x = double_x(x);
        n /= 2;
    };
    let mut level = coeffs;
    let mut k = factors.len();
    while level.len() > 1 {
        k -= 1;
        let f = *factors[k];
        let mut next = array![];
        let mut i = 0;
        while i != level.len() / 2 {
            next.append(*level[2 * i] + f * *level[2 * i + 1]);
            i += 1;
        };
        level = next.span();
    };
    *level[0]
}

/// Per Merkle layer k = 0 … top, the value of the entry with log size k, or `empty` (no two
/// entries have the same log size).
fn merkle_layers<T, +Drop<T>, +Copy<T>>(
    top: u32, log_sizes: Span<u32>, values: Span<T>, empty: T,
) -> Span<T> {
    let mut layers = array![];
    let mut k = 0;
    while k != top + 1 {
        let mut value = empty;
        let mut i = 0;
        while i != log_sizes.len() {
            if *log_sizes[i] == k {
                value = *values[i];
            }
            i += 1;
        };
        layers.append(value);
        k += 1;
    };
    layers.span()
}
