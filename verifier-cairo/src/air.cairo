//! What the generated AIR code reads and gives (src/air/cairo_gen.h, verifier-cairo/src/airs/):
//! one component's sampled mask values, the statement and the lookup elements, the vanishing
//! polynomial of a component's trace domain (src/air/point_evaluator.h, src/circle/vanishing.h),
//! and the AIR's shape, from which the sample points follow.
use crate::circle::{CirclePoint, CirclePointTrait, double_x};
use crate::fields::m31::M31;
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

/// One main or interaction column: its component's log size and the row offsets it is read at.
#[derive(Drop, Copy, Debug)]
pub struct ColumnMask {
    pub log_size: u32,
    pub offsets: Span<i32>,
}

/// What the verifier derives the committed trees' sizes and the sample points from (the C++
/// AirLayout): per preprocessed column its log size and the numbers of doublings of the
/// out-of-domain point it is sampled at; the main and interaction columns in tree order; the
/// composition's chunks.
#[derive(Drop, Copy, Debug)]
pub struct AirShape {
    pub preprocessed_log_sizes: Span<u32>,
    pub preprocessed_doublings: Span<Span<u32>>,
    pub trace: Span<ColumnMask>,
    pub interaction: Span<ColumnMask>,
    pub n_composition_chunks: u32,
}

/// The generator of the subgroup of 2^log_size points: (2, 1268011823), of order 2^31, doubled
/// 31 - log_size times.
pub fn subgroup_generator(log_size: u32) -> CirclePoint<M31> {
    let generator = CirclePoint { x: M31 { inner: 2 }, y: M31 { inner: 1268011823 } };
    generator.repeated_double(31 - log_size)
}

/// point + offset·step, the step of the trace domain of 2^log_size rows (src/air/layout.cc).
fn shifted(point: CirclePoint<QM31>, log_size: u32, offset: i32) -> CirclePoint<QM31> {
    let step = subgroup_generator(log_size);
    let step = if offset < 0 {
        step.conjugate()
    } else {
        step
    };
    let step = CirclePoint { x: QM31Trait::from_m31(step.x), y: QM31Trait::from_m31(step.y) };
    let mut shifted = point;
    let mut k: u32 = if offset < 0 {
        (-offset).try_into().unwrap()
    } else {
        offset.try_into().unwrap()
    };
    while k != 0 {
        shifted = shifted + step;
        k -= 1;
    };
    shifted
}

fn column_points(
    columns: Span<ColumnMask>, point: CirclePoint<QM31>,
) -> Span<Span<CirclePoint<QM31>>> {
    let mut points = array![];
    for column in columns {
        let mut samples = array![];
        for offset in *column.offsets {
            samples.append(shifted(point, *column.log_size, *offset));
        };
        points.append(samples.span());
    };
    points.span()
}

/// sample_points[tree][column]: the points each committed column is opened at
/// (MakeSamplePoints in src/air/layout.cc).
pub fn sample_points(
    shape: @AirShape, point: CirclePoint<QM31>,
) -> Span<Span<Span<CirclePoint<QM31>>>> {
    let mut preprocessed = array![];
    for doublings in *shape.preprocessed_doublings {
        let mut samples = array![];
        for k in *doublings {
            samples.append(point.repeated_double(*k));
        };
        preprocessed.append(samples.span());
    };
    let mut composition = array![];
    let mut i = 0;
    while i != 4 * *shape.n_composition_chunks {
        composition.append(array![point].span());
        i += 1;
    };
    array![
        preprocessed.span(),
        column_points(*shape.trace, point),
        column_points(*shape.interaction, point),
        composition.span(),
    ]
        .span()
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

/// Columns from their log sizes and their offset lists (split_lists).
pub fn column_masks(log_sizes: Span<u32>, offsets: Span<Span<i32>>) -> Span<ColumnMask> {
    let mut columns = array![];
    let mut i = 0;
    while i != log_sizes.len() {
        columns.append(ColumnMask { log_size: *log_sizes[i], offsets: *offsets[i] });
        i += 1;
    };
    columns.span()
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
        assert(*value < crate::fields::m31::P, 'm31s: value out of range');
        out.append(M31 { inner: *value });
    };
    out.span()
}
