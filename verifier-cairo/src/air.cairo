//! What the generated AIR code reads and gives (src/air/cairo_gen.h, verifier-cairo/src/airs/):
//! one component's sampled mask values, the statement and the lookup elements, the vanishing
//! polynomial of a component's trace domain (src/air/point_evaluator.h, src/circle/vanishing.h),
//! and the AIR's shape, from which the sample points follow.
use core::dict::{Felt252Dict, Felt252DictTrait};
use crate::circle::{
    CirclePoint, CirclePointTrait, double_x, point_at_index, subgroup_generator_index,
};
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
/// from (the C++ AirLayout): the components; per preprocessed column its log size and the
/// numbers of doublings of the out-of-domain point it is sampled at; the main and interaction
/// columns in tree order; the composition's chunks; the relations' widths in name order; the
/// statement's length.
#[derive(Drop, Copy, Debug)]
pub struct AirShape {
    pub components: Span<ComponentShape>,
    pub preprocessed_log_sizes: Span<u32>,
    pub preprocessed_doublings: Span<Span<u32>>,
    pub trace: Span<ColumnMask>,
    pub interaction: Span<ColumnMask>,
    pub n_composition_chunks: u32,
    pub relation_widths: Span<u32>,
    pub n_public_inputs: u32,
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

/// The largest component log size: the composition's chunks have it.
pub fn chunk_log_size(shape: @AirShape) -> u32 {
    let mut max = 0;
    for component in *shape.components {
        if *component.log_size > max {
            max = *component.log_size;
        }
    };
    max
}

/// The composition from its chunks' four coordinate values at the point (RecombineComposition):
/// chunk j carries the product of π^(c-1+b)(x) over the set bits b of j, c the chunk log size.
pub fn recombine_composition(
    shape: @AirShape, chunk_coordinates: Span<QM31>, point: CirclePoint<QM31>,
) -> QM31 {
    let mut factors = array![];
    let mut x = point.x;
    let mut i = 1;
    while i < chunk_log_size(shape) {
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

/// The polynomial log sizes of the columns of trees 0 … 3.
pub fn column_log_sizes(shape: @AirShape) -> Span<Span<u32>> {
    let mut trace = array![];
    for column in *shape.trace {
        trace.append(*column.log_size);
    };
    let mut interaction = array![];
    for column in *shape.interaction {
        interaction.append(*column.log_size);
    };
    let mut composition = array![];
    let chunk = chunk_log_size(shape);
    while composition.len() != 4 * *shape.n_composition_chunks {
        composition.append(chunk);
    };
    array![*shape.preprocessed_log_sizes, trace.span(), interaction.span(), composition.span()]
        .span()
}


/// The points the columns are opened at, each distinct one computed once: the out-of-domain
/// point shifted by offset·g (g the generator of a trace domain of 2^log_size points), or doubled
/// k times.
#[derive(Destruct)]
struct SamplePoints {
    point: CirclePoint<QM31>,
    /// A shift's or a doubling's key (shift_key, doubling_key) to 1 + the index of its point in
    /// `points`.
    known: Felt252Dict<u32>,
    points: Array<CirclePoint<QM31>>,
}

#[generate_trait]
impl SamplePointsImpl of SamplePointsTrait {
    fn new(point: CirclePoint<QM31>) -> SamplePoints {
        SamplePoints { point, known: Default::default(), points: array![] }
    }

    /// point + offset·g_{log_size} (src/air/layout.cc): g's M31 coordinates multiply the QM31
    /// ones directly.
    fn shifted(ref self: SamplePoints, log_size: u32, offset: i32) -> CirclePoint<QM31> {
        if offset == 0 {
            return self.point;
        }
        // log_size is below 2^8, and |offset| below 2^31.
        let key: felt252 = log_size.into() + 0x100 * offset.into();
        if let Option::Some(point) = self.lookup(key) {
            return point;
        }
        let generator = point_at_index(subgroup_generator_index(log_size));
        let step = if offset < 0 {
            generator.conjugate()
        } else {
            generator
        };
        let mut shifted = self.point;
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
        self.remember(key, shifted)
    }

    /// The point doubled k times (a preprocessed column of a smaller domain).
    fn doubled(ref self: SamplePoints, k: u32) -> CirclePoint<QM31> {
        // Above every shift's key.
        let key: felt252 = 0x10000000000 + k.into();
        if let Option::Some(point) = self.lookup(key) {
            return point;
        }
        let doubled = self.point.repeated_double(k);
        self.remember(key, doubled)
    }

    fn lookup(ref self: SamplePoints, key: felt252) -> Option<CirclePoint<QM31>> {
        let at = self.known.get(key);
        if at == 0 {
            Option::None
        } else {
            Option::Some(*self.points[at - 1])
        }
    }

    fn remember(ref self: SamplePoints, key: felt252, point: CirclePoint<QM31>) -> CirclePoint<QM31> {
        self.points.append(point);
        self.known.insert(key, self.points.len());
        point
    }
}

/// Each column's points: the point shifted by its offsets, in steps of its component's trace
/// domain.
fn column_points(
    columns: Span<ColumnMask>, ref points: SamplePoints,
) -> Span<Span<CirclePoint<QM31>>> {
    let mut out = array![];
    for column in columns {
        let mut samples = array![];
        for offset in *column.offsets {
            samples.append(points.shifted(*column.log_size, *offset));
        };
        out.append(samples.span());
    };
    out.span()
}

/// sample_points[tree][column]: the points each committed column is opened at
/// (MakeSamplePoints in src/air/layout.cc).
pub fn sample_points(
    shape: @AirShape, point: CirclePoint<QM31>,
) -> Span<Span<Span<CirclePoint<QM31>>>> {
    let mut points = SamplePointsTrait::new(point);
    let mut preprocessed = array![];
    for doublings in *shape.preprocessed_doublings {
        let mut samples = array![];
        for k in *doublings {
            samples.append(points.doubled(*k));
        };
        preprocessed.append(samples.span());
    };
    let mut composition = array![];
    let mut i = 0;
    while i != 4 * *shape.n_composition_chunks {
        composition.append(array![point].span());
        i += 1;
    };
    let trace = column_points(*shape.trace, ref points);
    let interaction = column_points(*shape.interaction, ref points);
    array![preprocessed.span(), trace, interaction, composition.span()].span()
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
