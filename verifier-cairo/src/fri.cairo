//! The FRI verifier (src/fri/fri_verifier.h, fri_schedule.h, fri_layer.h, fold.h): the schedule
//! of committed layers, the replay of the commit phase on the channel, and the decommitment of
//! every layer at the queried positions down to the last-layer polynomial. A bad proof panics
//! with a message starting 'FRI:'.
//! The points of the layers' domains are never computed from their indices: each queried
//! position's point is doubled down from the query's (queried_points), a line layer's point is
//! the circle point whose x coordinate the layer evaluates at, and a coset's other points differ
//! from a queried one by multiples of the generator of the 2^fold_step-point subgroup.
use core::internal::bounded_int::{BoundedInt, DivRemHelper, div_rem, upcast};
use crate::channel::{Channel, ChannelTrait};
use crate::circle::{CirclePoint, CirclePointTrait, domain_point, double_m31_point, double_m31_x};
use crate::fields::m31::{M31, M31Trait, batch_inverse};
use crate::fields::qm31::{QM31, QM31Trait};
use crate::fri_fold::{fold_cosets, fold_pairs};
use crate::merkle::{fri_leaf_hashes, verify_merkle, verify_merkle_of_leaf_hashes};
use crate::proof::{FriProof, PcsConfig};
use crate::queries::pow2;

/// Queried positions of one log size, ascending and distinct, with the points of the canonic
/// circle domain of that size at them (circle::domain_point).
#[derive(Drop, Copy, Debug)]
pub struct QueriedPoints {
    pub log_size: u32,
    pub positions: Span<u32>,
    pub points: Span<CirclePoint<M31>>,
}

/// The queries (ascending, distinct positions of log size max_log_size) folded to each of
/// log_sizes (descending, from max_log_size), with their domain points: each query's point is
/// computed once, then doubled level by level (π maps position j's point to position j >> 1's,
/// conjugated when bits 0 and 1 of j differ).
pub fn queried_points(
    queries: Span<u32>, max_log_size: u32, log_sizes: Span<u32>,
) -> Span<QueriedPoints> {
    let mut points = array![];
    for q in queries {
        points.append(domain_point(max_log_size, *q));
    };
    let mut level = QueriedPoints { log_size: max_log_size, positions: queries, points: points.span() };
    let mut out = array![];
    for s in log_sizes {
        while level.log_size != *s {
            level = fold_once(level);
        };
        out.append(level);
    };
    out.span()
}

/// The positions halved (duplicates dropped) and their points doubled.
fn fold_once(level: QueriedPoints) -> QueriedPoints {
    let mut positions = array![];
    let mut points = array![];
    let mut level_points = level.points;
    // Positions are below 2^31: no half equals it.
    let mut last: u32 = 0xffffffff;
    for position in level.positions {
        let point = *level_points.pop_front().unwrap();
        let (half, bit0) = div_rem(*position, NZ_2);
        let (_, bit1) = div_rem(half, NZ_2);
        let half: u32 = upcast(half);
        if half != last {
            let doubled = double_m31_point(point);
            points.append(if bit0 == bit1 {
                doubled
            } else {
                doubled.conjugate()
            });
            positions.append(half);
            last = half;
        }
    };
    QueriedPoints { log_size: level.log_size - 1, positions: positions.span(), points: points.span() }
}

type ConstValue<const VALUE: felt252> = BoundedInt<VALUE, VALUE>;
const NZ_2: NonZero<ConstValue<2>> = 2;

impl DivRemU32By2 of DivRemHelper<u32, ConstValue<2>> {
    type DivT = BoundedInt<0, 0x7fffffff>;
    type RemT = BoundedInt<0, 1>;
}

impl DivRem31By2 of DivRemHelper<BoundedInt<0, 0x7fffffff>, ConstValue<2>> {
    type DivT = BoundedInt<0, 0x3fffffff>;
    type RemT = BoundedInt<0, 1>;
}

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
/// must match its polynomial. columns[i]: the queried positions of input column i's size with
/// their points; first_layer_evals[i]: column i's values there.
pub fn fri_decommit(
    verifier: @FriVerifier,
    proof: @FriProof,
    columns: Span<QueriedPoints>,
    first_layer_evals: Span<Span<QM31>>,
) {
    let column_folds = decommit_first_layer(verifier, proof, columns, first_layer_evals);
    let mut line = *column_folds[0];
    let mut k = 0;
    while k != (*verifier.inner_layers).len() {
        line = decommit_inner_layer(verifier, proof, k, line, column_folds);
        k += 1;
    };
    let mut points = line.points;
    for value in line.values {
        let x = (*points.pop_front().unwrap()).x;
        assert(*value == eval_line_poly(*proof.last_layer_poly, x), 'FRI: last layer mismatch');
    };
}

/// Values of a line layer at some positions (ascending), with the circle points whose x
/// coordinates the layer evaluates at there.
#[derive(Drop, Copy, Debug)]
struct SparseLine {
    positions: Span<u32>,
    points: Span<CirclePoint<M31>>,
    values: Span<QM31>,
}

/// The first layer: each column's pairs, opened against the first layer's root and
/// circle-folded with the column's β.
fn decommit_first_layer(
    verifier: @FriVerifier,
    proof: @FriProof,
    columns: Span<QueriedPoints>,
    first_layer_evals: Span<Span<QM31>>,
) -> Span<SparseLine> {
    let log_sizes = *verifier.column_log_sizes;
    let max_log_size = *log_sizes[0];
    assert(
        first_layer_evals.len() == log_sizes.len() && columns.len() == log_sizes.len(),
        'FRI: wrong number of evals',
    );
    let mut column_folds = array![];
    let mut leaf_log_sizes = array![];
    let mut leaves_per_column = array![];
    let mut n_leaf_columns = array![];
    let mut leaf_values = array![];
    let mut witness = *proof.first_layer.fri_witness;
    let mut i = 0;
    while i != log_sizes.len() {
        let s = *log_sizes[i];
        let column = *columns[i];
        assert(column.log_size == s, 'FRI: wrong column sizes');
        assert(column.positions.len() == (*first_layer_evals[i]).len(), 'FRI: wrong number of evals');
        let (leaves, values, firsts) = open_cosets(
            column.positions, *first_layer_evals[i], 1, ref witness,
        );
        append_coordinates(ref leaf_values, values);
        column_folds.append(fold_circle_pairs(column, leaves, values, firsts, *(*verifier.column_alphas)[i]));
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

/// The circle fold of a column at its opened pairs (leaf k holds positions 2k and 2k + 1, whose
/// points are conjugate): (f(p) + f(conj p)) + β·(f(p) - f(conj p))/p.y with p the point at 2k,
/// which is also the point of the line position k.
fn fold_circle_pairs(
    column: QueriedPoints, leaves: Span<u32>, values: Span<QM31>, firsts: Span<u32>, beta: QM31,
) -> SparseLine {
    let mut points = array![];
    let mut ys = array![];
    for first in firsts {
        let (_, odd) = div_rem(*column.positions[*first], NZ_2);
        let point = *column.points[*first];
        let even_point = if odd == 0 {
            point
        } else {
            point.conjugate()
        };
        points.append(even_point);
        ys.append(even_point.y);
    };
    SparseLine {
        positions: leaves,
        points: points.span(),
        values: fold_pairs(values, batch_inverse(ys.span()), beta),
    }
}

/// Inner layer k: opens its cosets around the running values, checks them against its root,
/// folds them, and lets the next column join. The folds go level by level over all cosets.
fn decommit_inner_layer(
    verifier: @FriVerifier, proof: @FriProof, k: u32, line: SparseLine, column_folds: Span<SparseLine>,
) -> SparseLine {
    let step = *(*verifier.inner_layers)[k];
    let layer_proof = *(*proof.inner_layers)[k];
    let mut witness = layer_proof.fri_witness;
    let (leaves, values, firsts) = open_cosets(line.positions, line.values, step.fold_step, ref witness);
    assert(witness.len() == 0, 'FRI: layer witness too long');
    verify_merkle_of_leaf_hashes(
        layer_proof.commitment,
        step.log_size - step.fold_step,
        leaves,
        fri_leaf_hashes(values, step.fold_step),
        layer_proof.decommitment,
    );
    let (values, next_points) = fold_cosets(
        line.points, line.positions, firsts, values, step.fold_step, *(*verifier.layer_alphas)[k],
    );
    let folded = match step.injected_column {
        Option::None => values,
        // Both are the queries folded to this line size.
        Option::Some(column) => join_column(
            values, *column_folds[column], *(*verifier.column_alphas)[column],
        ),
    };
    SparseLine { positions: leaves, points: next_points, values: folded }
}

/// folded·β² + the column's circle fold, position by position.
fn join_column(folded: Span<QM31>, column: SparseLine, beta: QM31) -> Span<QM31> {
    let beta_sq = beta.square();
    let mut joined = array![];
    let mut column_values = column.values;
    for value in folded {
        joined.append(*value * beta_sq + *column_values.pop_front().unwrap());
    };
    joined.span()
}

/// Rebuilds every opened coset of 2^log_coset_size positions from the known values (values[k] at
/// positions[k], ascending) and the next values of the witness, which it consumes: the cosets'
/// leaf indices (ascending), their values in position order, and for each coset the index of
/// its first known position (OpenFriCosets).
fn open_cosets(
    positions: Span<u32>, values: Span<QM31>, log_coset_size: u32, ref witness: Span<QM31>,
) -> (Span<u32>, Span<QM31>, Span<u32>) {
    let coset_size = pow2(log_coset_size);
    let coset_size_nz: NonZero<u32> = coset_size.try_into().unwrap();
    let mut leaves = array![];
    let mut opened = array![];
    let mut firsts = array![];
    let n = positions.len();
    let mut i = 0;
    while i != n {
        let (leaf, _) = DivRem::div_rem(*positions[i], coset_size_nz);
        leaves.append(leaf);
        firsts.append(i);
        let start = leaf * coset_size;
        let end = start + coset_size;
        // The coset's next position to fill.
        let mut next = start;
        while i != n && *positions[i] < end {
            let position = *positions[i];
            opened.append_span(take_witness(ref witness, position - next));
            opened.append(*values[i]);
            next = position + 1;
            i += 1;
        };
        opened.append_span(take_witness(ref witness, end - next));
    };
    (leaves.span(), opened.span(), firsts.span())
}

/// The next n values of the witness, which it consumes.
fn take_witness(ref witness: Span<QM31>, n: u32) -> Span<QM31> {
    assert(witness.len() >= n, 'FRI: witness too short');
    let taken = witness.slice(0, n);
    witness = witness.slice(n, witness.len() - n);
    taken
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

/// A line polynomial at x: coefficients in bit-reversed order over the basis
/// {1, x, π(x), x·π(x), π²(x), …}, storage bit 0 pairing with the last doubling (LinePoly).
fn eval_line_poly(coeffs: Span<QM31>, x: M31) -> QM31 {
    let mut factors = array![];
    let mut x = x;
    let mut n = coeffs.len();
    while n > 1 {
        factors.append(x);
        x = double_m31_x(x);
        n /= 2;
    };
    let mut level = coeffs;
    let mut factors = factors.span();
    while let Option::Some(f) = factors.pop_back() {
        let f = *f;
        let mut next = array![];
        while let Option::Some(pair) = level.multi_pop_front::<2>() {
            let [low, high] = (*pair).unbox();
            next.append(low + high.mul_m31(f));
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
