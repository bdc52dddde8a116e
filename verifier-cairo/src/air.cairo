//! What the generated AIR code reads (src/air/cairo_gen.h, verifier-cairo/src/airs/): one
//! component's sampled mask values, the statement and the lookup elements, and the vanishing
//! polynomial of a component's trace domain (src/air/point_evaluator.h, src/circle/vanishing.h).
use crate::circle::{CirclePoint, double_x};
use crate::fields::m31::M31;
use crate::fields::qm31::QM31;

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
