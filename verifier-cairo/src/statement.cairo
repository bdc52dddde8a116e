//! A model's statement (src/frontend/model_air.h): the public inputs are the model commitment
//! (8 words), then what the proof states of the inputs, then of the outputs: a public tensor's
//! quantized values, a committed tensor's Poseidon2 digest (8 words, computed in the AIR), nothing
//! of a private one. The verifier binds public values to the model's tensors through public LogUp
//! terms of the tensor relation: each input element is yielded as many times as operators read
//! it, each output element is read once.
use crate::air::LookupElements;
use crate::proof::ProofConfig;
use crate::fields::m31::{M31, M31Trait, P};
use crate::fields::qm31::{
    QM31, QM31Trait, add_coordinates, from_signed_coordinates, mul_add_felts, mul_felts,
    product_coordinates,
};

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
/// root and the configuration the verifier accepts, and how public inputs become LogUp terms.
#[derive(Drop, Copy, Debug)]
pub struct ModelStatement {
    pub commitment: Span<M31>,
    pub preprocessed_root: felt252,
    /// The configuration the verifier accepts, and no other: a fact never rests on a weaker one
    /// (its zk flag says whether it reads zero-knowledge proofs, and only those, or plain ones).
    pub config: ProofConfig,
    /// The least security of the proofs the AIR's circuit verifies (a final proof's outer proof
    /// and its inner proofs), which a fact rests on as much as on the proof itself.
    pub inner_security_bits: u32,
    /// The most inner proofs (inferences) one statement holds (a final proof's members, as the
    /// C++ verifier's file reader: kMaxTreeInferences, through the aggregation tree):
    /// verify_final_calldata refuses more.
    pub max_inner_proofs: u32,
    /// How many public inputs after the commitment state the model inputs (the outputs' follow).
    pub n_stated_inputs: u32,
    pub tensor_relation: u32,
    pub terms: Span<TermRun>,
    pub input_bounds: Span<InputBound>,
}

/// Panics unless the public inputs begin with the model's commitment and its inputs are in range.
/// (A final proof's statement has neither: its circuit checked them.)
pub fn check_statement(statement: @ModelStatement, public_inputs: Span<M31>) {
    let commitment = *statement.commitment;
    assert(
        public_inputs.slice(0, commitment.len()) == commitment, 'proof is for another model',
    );
    for bound in *statement.input_bounds {
        let limit = crate::queries::pow2(*bound.bound_bits);
        for value in public_inputs.slice(*bound.first_input, *bound.count) {
            // q in [-limit, limit) is stored as q or P - |q|.
            let v = (*value).to_u32();
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
    let alpha = *(*elements.alpha_powers)[1];
    let zero: QM31 = core::num::traits::Zero::zero();
    let mut numerator = zero;
    let mut denominator: QM31 = core::num::traits::One::one();
    for run in *statement.terms {
        let (run_numerator, run_denominator) = run_fraction(
            QM31Trait::from_m31(M31Trait::reduce_u32(*run.address)) - *elements.z,
            alpha,
            public_inputs.slice(*run.first_input, *run.count),
        );
        numerator = numerator * run_denominator
            + run_numerator.mul_m31(*run.multiplicity) * denominator;
        denominator = denominator * run_denominator;
    };
    assert(denominator != zero, 'public term denominator is zero');
    numerator * denominator.inverse()
}

/// Σ_i 1/(s + i + α·v_i) over the values v_i, as a numerator and a denominator. Two terms at a
/// time: with s_k = s + 2k, 1/d + 1/d' = (d + d')/(d·d') for d = s_k + α·v and
/// d' = s_k + 1 + α·w, where d·d' = Q_k + T_k·(v + w) + α·v + α²·v·w, Q_k = s_k·(s_k + 1) and
/// T_k = α·s_k. Q and T follow s_k by additions (Q_(k+1) = Q_k + 4·s_k + 6, T_(k+1) = T_k + 2α),
/// so a pair costs three products reduced once each where two terms cost four.
fn run_fraction(s: QM31, alpha: QM31, values: Span<M31>) -> (QM31, QM31) {
    let mut numerator: QM31 = core::num::traits::Zero::zero();
    let mut denominator: QM31 = core::num::traits::One::one();
    let [a0, a1, a2, a3] = alpha.felts();
    let [b0, b1, b2, b3] = (alpha * alpha).felts();
    // s_k, Q_k and T_k unreduced: over n terms they stay below 2^31·(2n + 6).
    let [mut s0, s1, s2, s3] = s.felts();
    let [mut q0, mut q1, mut q2, mut q3] = (s * (s + core::num::traits::One::one())).felts();
    let [mut t0, mut t1, mut t2, mut t3] = (alpha * s).felts();
    let mut values = values;
    while let Option::Some(pair) = values.multi_pop_front::<2>() {
        let [v, w] = (*pair).unbox();
        let (v, w) = (v.felt(), w.felt());
        let (sum, product) = (v + w, v * w);
        // d·d' (coordinates below 2^95), reduced, and d + d' (below 2^64).
        let both = from_signed_coordinates(
            [
                q0 + t0 * sum + a0 * v + b0 * product, q1 + t1 * sum + a1 * v + b1 * product,
                q2 + t2 * sum + a2 * v + b2 * product, q3 + t3 * sum + a3 * v + b3 * product,
            ],
        )
            .felts();
        let either = [
            s0 + s0 + 1 + a0 * sum, s1 + s1 + a1 * sum, s2 + s2 + a2 * sum, s3 + s3 + a3 * sum,
        ];
        numerator =
            from_signed_coordinates(
                add_coordinates(
                    product_coordinates(numerator.felts(), both),
                    product_coordinates(denominator.felts(), either),
                ),
            );
        denominator = mul_felts(denominator.felts(), both);
        // On to s_(k+1) = s_k + 2.
        q0 += 4 * s0 + 6;
        q1 += 4 * s1;
        q2 += 4 * s2;
        q3 += 4 * s3;
        t0 += a0 + a0;
        t1 += a1 + a1;
        t2 += a2 + a2;
        t3 += a3 + a3;
        s0 += 2;
    };
    if let Option::Some(value) = values.pop_front() {
        let v = (*value).felt();
        let d = [s0 + a0 * v, s1 + a1 * v, s2 + a2 * v, s3 + a3 * v];
        numerator = mul_add_felts(numerator.felts(), d, denominator.felts());
        denominator = mul_felts(denominator.felts(), d);
    }
    (numerator, denominator)
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
                    multiplicity: M31Trait::reduce_u32(multiplicity),
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
