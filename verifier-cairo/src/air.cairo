//! What the generated AIR code reads and gives (src/air/cairo_gen.h, src/final_air.cairo):
//! one component's sampled mask values, the statement and the lookup elements, the vanishing
//! polynomial of a component's trace domain (src/air/point_evaluator.h, src/circle/vanishing.h),
//! and the AIR's shape, from which the sample points follow.
use core::num::traits::Zero;
use crate::circle::{
    CirclePoint, CirclePointTrait, double_x, point_at_index, subgroup_generator_index,
};
use crate::fields::m31::{M31, M31Trait};
use crate::fields::qm31::{QM31, QM31Trait};

/// z and the powers [1, α, α², …] of one relation's α.
#[derive(Drop, Copy, Debug)]
pub struct LookupElements {
    pub z: QM31,
    pub alpha_powers: Span<QM31>,
}

/// A component's values at the out-of-domain point: one per preprocessed column it reads (in
/// the order it reads them), and per main or interaction column one per mask offset.
#[derive(Drop, Copy, Debug)]
pub struct ComponentMask {
    pub preprocessed: Span<QM31>,
    pub trace: Span<Span<QM31>>,
    pub interaction: Span<Span<QM31>>,
}

/// The value at `sample` of `column` in a mask's main or interaction columns, zero if it has
/// none. It cannot panic, unlike indexing: a constraint function reads the mask hundreds of times,
/// and a panic branch per read made most of a large AIR's compile time (with indexing, tiny_mlp's
/// committed-inputs AIR took 103 s to compile in the test runner, 70 s with this). Nothing is read
/// past the mask: its dimensions are the AIR shape's (component_masks, split_samples), and
/// cairo-gen refuses an index outside them.
#[inline(never)]
pub fn mask_value(columns: Span<Span<QM31>>, column: u32, sample: u32) -> QM31 {
    match columns.get(column) {
        Option::Some(values) => match (*values.unbox()).get(sample) {
            Option::Some(value) => *value.unbox(),
            Option::None => Zero::zero(),
        },
        Option::None => Zero::zero(),
    }
}

/// The mask's `index`-th preprocessed value (as mask_value), zero if it has none.
#[inline(never)]
pub fn preprocessed_value(values: Span<QM31>, index: u32) -> QM31 {
    match values.get(index) {
        Option::Some(value) => *value.unbox(),
        Option::None => Zero::zero(),
    }
}

/// The statement and the lookup elements, relations in name order.
#[derive(Drop, Copy, Debug)]
pub struct AirInputs {
    pub public_inputs: Span<M31>,
    pub lookup_elements: Span<LookupElements>,
}

/// Z(p) = π^(log_size - 1)(p.x): zero exactly on the trace domain CanonicCoset(log_size).
pub fn canonic_vanishing(log_size: u32, point: CirclePoint<QM31>) -> QM31 {
    let mut x = point.x;
    let mut i = 1;
    while i < log_size {
        x = double_x(x);
        i += 1;
    };
    x
}

/// acc·α + c·Z^{-1} for each constraint value c in order (Horner form, as the prover combines
/// the constraints with powers of α).
pub fn fold_constraints(
    mut acc: QM31, values: Span<QM31>, denom_inv: QM31, random_coeff: QM31,
) -> QM31 {
    for value in values {
        acc = acc * random_coeff + *value * denom_inv;
    };
    acc
}

/// Where a component's columns are (the C++ ComponentLayout): the tree-0 column of each
/// preprocessed column it reads and which of that column's sample points it reads, and its
/// ranges of main and interaction columns.
#[derive(Drop, Copy, Debug)]
pub struct ComponentShape {
    pub log_size: u32,
    /// False for a component without LogUp relations, whose claimed sum must be zero.
    pub has_relations: bool,
    pub preprocessed: Span<u32>,
    pub preprocessed_sample: Span<u32>,
    pub trace_begin: u32,
    pub n_trace: u32,
    pub interaction_begin: u32,
    pub n_interaction: u32,
}

/// What the verifier derives the statement, the committed trees' sizes and the sample points
/// from (the C++ AirLayout, and air/sample_layout.h): the components; the log sizes of the
/// preprocessed, main and interaction columns in tree order; the composition's chunks; in
/// zero-knowledge mode the salts and FRI masks (docs/zero-knowledge.md); the sample points other
/// than the out-of-domain point, every sample's point, and the DEEP quotients' batches of each
/// column size; the relations' widths in name order; the statement's length.
#[derive(Drop, Copy, Debug)]
pub struct AirShape {
    pub components: Span<ComponentShape>,
    pub preprocessed_log_sizes: Span<u32>,
    /// The main columns, then in zero-knowledge mode the FRI masks' (four per mask).
    pub trace_log_sizes: Span<u32>,
    pub interaction_log_sizes: Span<u32>,
    pub n_composition_chunks: u32,
    /// The chunks' log size: the largest component log size, or in zero-knowledge mode the
    /// composition's (one chunk).
    pub chunk_log_size: u32,
    /// Per tree, the salt columns that follow its other columns, as log sizes (none unless in
    /// zero-knowledge mode).
    pub salt_log_sizes: Span<Span<u32>>,
    /// Zero-knowledge mode: per quotient group, the index of its FRI mask's first column among
    /// tree 1's columns of the group's size (four consecutive columns); empty otherwise.
    pub mask_columns: Span<u32>,
    pub derived_points: Span<DerivedPoint>,
    /// sample_ids[tree][column][sample]: the index of the sample's point in the sample points
    /// (sample_points: the out-of-domain point, then the derived points).
    pub sample_ids: Span<Span<Span<u32>>>,
    /// One group per column log size, largest first.
    pub quotient_groups: Span<QuotientGroup>,
    pub relation_widths: Span<u32>,
    pub n_public_inputs: u32,
}

/// A sample point other than the out-of-domain point p: p shifted by `offset` steps of the trace
/// domain of 2^log_size points (offset 0: not shifted), then doubled `doublings` times.
#[derive(Drop, Copy, Debug, PartialEq)]
pub struct DerivedPoint {
    pub doublings: u32,
    pub log_size: u32,
    pub offset: i32,
}

/// The DEEP quotients of the columns of one log size: one batch per point they are sampled at.
#[derive(Drop, Copy, Debug)]
pub struct QuotientGroup {
    pub batches: Span<QuotientBatch>,
}

/// The samples of a group's columns at one point: the point's id; its columns in order, as runs
/// of consecutive columns of one tree; and the samples' indices in the flat sampled values, in
/// the same order.
#[derive(Drop, Copy, Debug)]
pub struct QuotientBatch {
    pub point_id: u32,
    pub runs: Span<ColumnRun>,
    pub samples: Span<u32>,
}

/// Consecutive columns of one tree: the tree, the first column's index among the tree's columns
/// of the group's size, and how many.
#[derive(Drop, Copy, Debug)]
pub struct ColumnRun {
    pub tree: u32,
    pub first: u32,
    pub count: u32,
}

/// Components from their fields as lists, one entry per component (generated code passes lists).
pub fn component_shapes(
    log_sizes: Span<u32>,
    has_relations: Span<bool>,
    preprocessed: Span<Span<u32>>,
    preprocessed_sample: Span<Span<u32>>,
    trace_ranges: Span<u32>,
    interaction_ranges: Span<u32>,
) -> Span<ComponentShape> {
    let mut components = array![];
    let mut i = 0;
    while i != log_sizes.len() {
        components
            .append(
                ComponentShape {
                    log_size: *log_sizes[i],
                    has_relations: *has_relations[i],
                    preprocessed: *preprocessed[i],
                    preprocessed_sample: *preprocessed_sample[i],
                    trace_begin: *trace_ranges[2 * i],
                    n_trace: *trace_ranges[2 * i + 1],
                    interaction_begin: *interaction_ranges[2 * i],
                    n_interaction: *interaction_ranges[2 * i + 1],
                },
            );
        i += 1;
    };
    components.span()
}

/// Each component's values at the out-of-domain point, from the sampled values of the trees
/// (values[tree][column][point]; ComponentMask in src/air/layout.cc).
pub fn component_masks(
    shape: @AirShape, values: Span<Span<Span<QM31>>>,
) -> Span<ComponentMask> {
    let mut masks = array![];
    for component in *shape.components {
        let mut preprocessed = array![];
        let mut j = 0;
        while j != (*component.preprocessed).len() {
            let column = *(*values[0])[*(*component.preprocessed)[j]];
            preprocessed.append(*column[*(*component.preprocessed_sample)[j]]);
            j += 1;
        };
        masks
            .append(
                ComponentMask {
                    preprocessed: preprocessed.span(),
                    trace: (*values[1]).slice(*component.trace_begin, *component.n_trace),
                    interaction: (*values[2])
                        .slice(*component.interaction_begin, *component.n_interaction),
                },
            );
    };
    masks.span()
}

/// The composition from its chunks' four coordinate values at the point (RecombineComposition):
/// chunk j carries the product of π^(c-1+b)(x) over the set bits b of j, c the chunk log size.
pub fn recombine_composition(
    shape: @AirShape, chunk_coordinates: Span<QM31>, point: CirclePoint<QM31>,
) -> QM31 {
    let mut factors = array![];
    let mut x = point.x;
    let mut i = 1;
    while i < *shape.chunk_log_size {
        x = double_x(x);
        i += 1;
    };
    let mut j = 1;
    while j < *shape.n_composition_chunks {
        factors.append(x);
        x = double_x(x);
        j *= 2;
    };
    let mut value: QM31 = core::num::traits::Zero::zero();
    let mut j = 0;
    while j != *shape.n_composition_chunks {
        let mut chunk = QM31Trait::from_partial_evals(
            [
                *chunk_coordinates[4 * j], *chunk_coordinates[4 * j + 1],
                *chunk_coordinates[4 * j + 2], *chunk_coordinates[4 * j + 3],
            ],
        );
        let mut bits = j;
        let mut b = 0;
        while bits != 0 {
            if bits & 1 == 1 {
                chunk = chunk * *factors[b];
            }
            bits /= 2;
            b += 1;
        };
        value = value + chunk;
        j += 1;
    };
    value
}

/// The log sizes of the committed columns of trees 0 … 3, each tree's salts last (TreeLogSizes).
pub fn column_log_sizes(shape: @AirShape) -> Span<Span<u32>> {
    let mut composition = array![];
    while composition.len() != 4 * *shape.n_composition_chunks {
        composition.append(*shape.chunk_log_size);
    };
    let polynomials = array![
        *shape.preprocessed_log_sizes, *shape.trace_log_sizes, *shape.interaction_log_sizes,
        composition.span(),
    ];
    let mut trees = array![];
    let mut t = 0;
    while t != 4 {
        let salts = *(*shape.salt_log_sizes)[t];
        if salts.len() == 0 {
            trees.append(*polynomials[t]);
        } else {
            let mut columns = array![];
            columns.append_span(*polynomials[t]);
            columns.append_span(salts);
            trees.append(columns.span());
        }
        t += 1;
    };
    trees.span()
}


/// The points the committed columns are opened at: the out-of-domain point, then the derived
/// points (MakeSamplePoints in src/air/layout.cc, numbered as air/sample_layout.h does).
pub fn sample_points(shape: @AirShape, point: CirclePoint<QM31>) -> Span<CirclePoint<QM31>> {
    let mut points = array![point];
    for derived in *shape.derived_points {
        let shifted = if *derived.offset == 0 {
            point
        } else {
            shifted_point(point, *derived.log_size, *derived.offset)
        };
        points.append(shifted.repeated_double(*derived.doublings));
    };
    points.span()
}

/// point + offset·g_{log_size} (src/air/layout.cc): g's M31 coordinates multiply the QM31 ones
/// directly.
fn shifted_point(point: CirclePoint<QM31>, log_size: u32, offset: i32) -> CirclePoint<QM31> {
    let generator = point_at_index(subgroup_generator_index(log_size));
    let step = if offset < 0 {
        generator.conjugate()
    } else {
        generator
    };
    let mut shifted = point;
    let mut k: i32 = if offset < 0 {
        -offset
    } else {
        offset
    };
    while k != 0 {
        shifted =
            CirclePoint {
                x: shifted.x.mul_m31(step.x) - shifted.y.mul_m31(step.y),
                y: shifted.x.mul_m31(step.y) + shifted.y.mul_m31(step.x),
            };
        k -= 1;
    };
    shifted
}

/// points[tree][column][sample]: every sample's point, for tests against the C++ layout.
#[cfg(test)]
pub fn expanded(
    ids: Span<Span<Span<u32>>>, points: Span<CirclePoint<QM31>>,
) -> Span<Span<Span<CirclePoint<QM31>>>> {
    let mut trees = array![];
    for tree in ids {
        let mut columns = array![];
        for column in *tree {
            let mut column_points = array![];
            for id in *column {
                column_points.append(*points[*id]);
            };
            columns.append(column_points.span());
        };
        trees.append(columns.span());
    };
    trees.span()
}

/// Lists given flat, as generated code passes them (long literals of structs or nested arrays
/// are what the Sierra-to-CASM step cannot lay out): lengths[i] values of `values` for list i.
pub fn split_lists<T, +Copy<T>, +Drop<T>>(lengths: Span<u32>, values: Span<T>) -> Span<Span<T>> {
    let mut lists = array![];
    let mut next = 0;
    for length in lengths {
        lists.append(values.slice(next, *length));
        next += *length;
    };
    assert(next == values.len(), 'split_lists: lengths');
    lists.span()
}

/// Derived points from their fields as lists, one entry per point (generated code passes lists).
pub fn derived_points(
    doublings: Span<u32>, log_sizes: Span<u32>, offsets: Span<i32>,
) -> Span<DerivedPoint> {
    let mut points = array![];
    let mut i = 0;
    while i != doublings.len() {
        points
            .append(
                DerivedPoint {
                    doublings: *doublings[i], log_size: *log_sizes[i], offset: *offsets[i],
                },
            );
        i += 1;
    };
    points.span()
}

/// Quotient groups from flat lists: the number of batches of each group; per batch its point id,
/// number of runs and number of samples; the runs as (tree, first, count) triples; the samples.
pub fn quotient_groups(
    batches_per_group: Span<u32>,
    point_ids: Span<u32>,
    runs_per_batch: Span<u32>,
    runs: Span<u32>,
    samples_per_batch: Span<u32>,
    samples: Span<u32>,
) -> Span<QuotientGroup> {
    let mut point_ids = point_ids;
    let mut runs_per_batch = runs_per_batch;
    let mut samples_per_batch = samples_per_batch;
    let mut runs = runs;
    let mut samples = samples;
    let mut groups = array![];
    for n_batches in batches_per_group {
        let mut batches = array![];
        while batches.len() != *n_batches {
            let mut batch_runs = array![];
            let n_runs = *runs_per_batch.pop_front().unwrap();
            while batch_runs.len() != n_runs {
                let [tree, first, count] = (*runs.multi_pop_front::<3>().unwrap()).unbox();
                batch_runs.append(ColumnRun { tree, first, count });
            };
            let n_samples = *samples_per_batch.pop_front().unwrap();
            batches
                .append(
                    QuotientBatch {
                        point_id: *point_ids.pop_front().unwrap(),
                        runs: batch_runs.span(),
                        samples: samples.slice(0, n_samples),
                    },
                );
            samples = samples.slice(n_samples, samples.len() - n_samples);
        };
        groups.append(QuotientGroup { batches: batches.span() });
    };
    groups.span()
}

/// QM31 values from their coordinates, four per value.
pub fn qm31s(coordinates: Span<u32>) -> Span<QM31> {
    let mut values = array![];
    let mut i = 0;
    while i != coordinates.len() {
        values
            .append(
                QM31Trait::from_u32s(
                    *coordinates[i], *coordinates[i + 1], *coordinates[i + 2], *coordinates[i + 3],
                ),
            );
        i += 4;
    };
    values.span()
}

/// Circle points from their coordinates, eight per point (x, then y).
pub fn qm31_points(coordinates: Span<u32>) -> Span<CirclePoint<QM31>> {
    let values = qm31s(coordinates);
    let mut points = array![];
    let mut i = 0;
    while i != values.len() {
        points.append(CirclePoint { x: *values[i], y: *values[i + 1] });
        i += 2;
    };
    points.span()
}

/// M31 values from their canonical u32 values.
pub fn m31s(values: Span<u32>) -> Span<M31> {
    let mut out = array![];
    for value in values {
        match M31Trait::from_u32(*value) {
            Option::Some(value) => out.append(value),
            Option::None => core::panic_with_felt252('m31s: value out of range'),
        }
    };
    out.span()
}
