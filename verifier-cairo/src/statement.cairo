//! A model's statement (src/frontend/model_air.h): the public inputs are the model commitment
//! (8 words), then the inputs' quantized values, then the outputs'. The verifier binds the values
//! to the model's tensors through public LogUp terms of the tensor relation: each input element
//! is yielded as many times as operators read it, each output element is read once.
use crate::air::LookupElements;
use crate::fields::m31::{M31, P};
use crate::fields::qm31::{QM31, QM31Trait, mul_felts};

pub const COMMITMENT_WORDS: u32 = 8;

/// `count` consecutive public inputs from `first_input`, bound to the tensor elements at
/// consecutive addresses from `address`, each with the same multiplicity.
#[derive(Drop, Copy, Debug)]
pub struct TermRun {
    pub first_input: u32,
    pub address: u32,
    pub count: u32,
    pub multiplicity: M31,
}

/// `count` public inputs from `first_input` that must lie in [-2^bound_bits, 2^bound_bits): the
/// model inputs' ranges, which the compile-time no-wrap analysis assumes.
#[derive(Drop, Copy, Debug)]
pub struct InputBound {
    pub first_input: u32,
    pub count: u32,
    pub bound_bits: u32,
}

/// What a proof of the model must state, besides the AIR: its commitment, the preprocessed tree's
/// root under the configuration the verifier accepts, and how public inputs become LogUp terms.
#[derive(Drop, Copy, Debug)]
pub struct ModelStatement {
    pub commitment: Span<M31>,
    pub preprocessed_root: felt252,
    pub log_blowup_factor: u32,
    pub tensor_relation: u32,
    pub terms: Span<TermRun>,
    pub input_bounds: Span<InputBound>,
}

/// Panics unless the public inputs begin with the model's commitment and its inputs are in range.
pub fn check_statement(statement: @ModelStatement, public_inputs: Span<M31>) {
    assert(public_inputs.slice(0, COMMITMENT_WORDS) == *statement.commitment, 'proof is for another model');
    for bound in *statement.input_bounds {
        let limit = crate::queries::pow2(*bound.bound_bits);
        for value in public_inputs.slice(*bound.first_input, *bound.count) {
            // q in [-limit, limit) is stored as q or P - |q|.
            let v = (*value).inner;
            assert(v < limit || v >= P - limit, 'model input out of range');
        };
    };
}

/// Σ multiplicity / (address + α·value - z) over the statement's terms, with one inversion: the
/// fractions are added as num/den pairs, a run's common multiplicity applied once. Panics if a
/// denominator is zero (then so is their product).
pub fn public_terms_sum(
    statement: @ModelStatement, public_inputs: Span<M31>, elements: @LookupElements,
) -> QM31 {
    let [a0, a1, a2, a3] = (*(*elements.alpha_powers)[1]).felts();
    let zero: QM31 = core::num::traits::Zero::zero();
    let mut numerator = zero;
    let mut denominator: QM31 = core::num::traits::One::one();
    for run in *statement.terms {
        // Σ 1/d over the run as run_numerator / run_denominator.
        let mut run_numerator = zero;
        let mut run_denominator: QM31 = core::num::traits::One::one();
        // address - z, for the run's first address; each next one adds 1.
        let [s0, s1, s2, s3] = (QM31Trait::from_m31(M31 { inner: *run.address }) - *elements.z)
            .felts();
        let mut s0 = s0;
        for value in public_inputs.slice(*run.first_input, *run.count) {
            // d's coordinates unreduced (below 2^63), for the two products with it.
            let v: felt252 = (*value).inner.into();
            let d = [s0 + a0 * v, s1 + a1 * v, s2 + a2 * v, s3 + a3 * v];
            run_numerator = mul_felts(run_numerator.felts(), d) + run_denominator;
            run_denominator = mul_felts(run_denominator.felts(), d);
            s0 += 1;
        };
        numerator = numerator * run_denominator
            + run_numerator.mul_m31(*run.multiplicity) * denominator;
        denominator = denominator * run_denominator;
    };
    assert(denominator != zero, 'public term denominator is zero');
    numerator * denominator.inverse()
}

/// Runs from their fields, four per run (first input, address, count, multiplicity), as
/// generated code passes them.
pub fn term_runs(fields: Span<u32>) -> Span<TermRun> {
    let mut runs = array![];
    let mut i = 0;
    while i != fields.len() {
        let multiplicity = *fields[i + 3];
        assert(multiplicity < P, 'term_runs: multiplicity');
        // public_terms_sum takes address + k < P as an M31 value.
        assert(*fields[i + 1] + *fields[i + 2] <= P, 'term_runs: address');
        runs
            .append(
                TermRun {
                    first_input: *fields[i],
                    address: *fields[i + 1],
                    count: *fields[i + 2],
                    multiplicity: M31 { inner: multiplicity },
                },
            );
        i += 4;
    };
    runs.span()
}

/// Bounds from their fields, three per bound (first input, count, bound bits).
pub fn input_bounds(fields: Span<u32>) -> Span<InputBound> {
    let mut bounds = array![];
    let mut i = 0;
    while i != fields.len() {
        bounds
            .append(
                InputBound {
                    first_input: *fields[i], count: *fields[i + 1], bound_bits: *fields[i + 2],
                },
            );
        i += 3;
    };
    bounds.span()
}
