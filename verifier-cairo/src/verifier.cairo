//! The top-level verify (src/air/verifier.h) of a final proof (docs/recursion.md): replays the
//! prover's transcript from the proof, checks the security level first, then the statement, the
//! LogUp claims, the composition at the out-of-domain point, and the commitment scheme's openings.
//! Any failure panics with a message naming the check. The AIR is the final recursion AIR, the
//! same for every model (src/final_air.cairo, cairo-gen), with a statement built from the
//! proof.
use crate::air::{
    AirInputs, AirShape, ComponentMask, LookupElements, column_log_sizes, component_masks,
    recombine_composition, sample_points,
};
use crate::channel::{Channel, ChannelTrait};
use crate::circle::{CirclePoint, point_from_t};
use crate::fields::m31::M31;
use crate::fields::qm31::{QM31, QM31Trait};
use crate::pcs::{pcs_verify, split_samples};
use crate::proof::{PcsConfigTrait, ProofConfig, StarkProof};
use crate::statement::{ModelStatement, TermRun, check_statement, public_terms_sum};

pub const DEFAULT_MIN_SECURITY_BITS: u32 = 96;

/// An AIR as cairo-gen writes it (src/final_air.cairo): its shape, its statement (what every final
/// proof's shares) and its constraints at the out-of-domain point.
pub trait ModelAir {
    fn shape() -> AirShape;
    fn statement() -> ModelStatement;
    fn evaluate_composition(
        masks: Span<ComponentMask>,
        inputs: @AirInputs,
        claimed_sums: Span<QM31>,
        point: CirclePoint<QM31>,
        random_coeff: QM31,
    ) -> QM31;
}

/// Verifies a final proof, whose AIR `A` is the final recursion AIR (cairo-gen); panics unless it
/// is valid, at A's one configuration, with at least min_security_bits counted as the least of its
/// own and those of the proofs its circuit verifies. Its statement is the proof's public inputs,
/// the values of the final circuit's wires 0 to n - 1, each written once to the wire relation,
/// (i - z) + α·v_i; its preprocessed root, which commits to the circuit, is the proof's own: the
/// caller must bind it into what it reports (contracts::circuit_id), as nothing here pins it.
pub fn verify_final<impl A: ModelAir>(proof: @StarkProof, min_security_bits: u32) {
    let (shape, statement) = final_shape_and_statement::<A>(proof);
    verify_openings::<A>(proof, @shape, @statement, min_security_bits);
}

/// The shape and statement of a final proof of the final AIR `A` (verify_final): A's, with the
/// proof's statement length, one run of wire terms over it and the proof's preprocessed root.
pub fn final_shape_and_statement<impl A: ModelAir>(
    proof: @StarkProof,
) -> (AirShape, ModelStatement) {
    let commitments = *proof.pcs.commitments;
    assert(commitments.len() == 4, 'wrong number of sums or trees');
    let n = (*proof.public_inputs).len();
    let air = A::shape();
    let shape = AirShape {
        components: air.components,
        preprocessed_log_sizes: air.preprocessed_log_sizes,
        trace_log_sizes: air.trace_log_sizes,
        interaction_log_sizes: air.interaction_log_sizes,
        n_composition_chunks: air.n_composition_chunks,
        chunk_log_size: air.chunk_log_size,
        salt_log_sizes: air.salt_log_sizes,
        mask_columns: air.mask_columns,
        derived_points: air.derived_points,
        sample_ids: air.sample_ids,
        quotient_groups: air.quotient_groups,
        relation_widths: air.relation_widths,
        n_public_inputs: n,
    };
    let shared = A::statement();
    let statement = ModelStatement {
        commitment: array![].span(),
        preprocessed_root: *commitments[0],
        config: shared.config,
        inner_security_bits: shared.inner_security_bits,
        max_inner_proofs: shared.max_inner_proofs,
        n_stated_inputs: 0,
        tensor_relation: shared.tensor_relation,
        terms: array![
            TermRun {
                first_input: 0, address: 0, count: n, multiplicity: core::num::traits::One::one(),
            },
        ]
            .span(),
        input_bounds: array![].span(),
    };
    (shape, statement)
}

/// Replays the transcript of a proof of `shape` (with A's constraints) and `statement`, and
/// checks it all.
fn verify_openings<impl A: ModelAir>(
    proof: @StarkProof, shape: @AirShape, statement: @ModelStatement, min_security_bits: u32,
) {
    let config = proof.config;
    let pcs_config = config.pcs;
    let bits = core::cmp::min(pcs_config.security_bits(), *statement.inner_security_bits);
    assert(bits >= min_security_bits, 'insufficient security');
    let public_inputs = *proof.public_inputs;
    let pcs = proof.pcs;
    let commitments = *pcs.commitments;
    let mut channel = channel_before_interaction(proof, shape, statement);
    assert(
        channel.check_proof_of_work(*config.interaction_pow_bits, *proof.interaction_pow_nonce),
        'interaction proof of work',
    );
    let lookup_elements = draw_lookup_elements(ref channel, *shape.relation_widths);

    // The LogUp fractions of all components and of the statement must cancel.
    let claimed_sums = *proof.claimed_sums;
    check_logup_sums(shape, statement, public_inputs, claimed_sums, lookup_elements.span());
    channel.mix_felts(claimed_sums);
    channel.mix_root(*commitments[2]);

    let random_coeff = channel.draw_felt();
    channel.mix_root(*commitments[3]);
    let oods_point = point_from_t(channel.draw_felt());
    let points = sample_points(shape, oods_point);
    let sampled_values = split_samples(*shape.sample_ids, *pcs.sampled_values);
    let mut chunk_coordinates = array![];
    for column in *sampled_values[3] {
        chunk_coordinates.append(*(*column)[0]);
    };
    let inputs = AirInputs { public_inputs, lookup_elements: lookup_elements.span() };
    let composition = A::evaluate_composition(
        component_masks(shape, sampled_values), @inputs, claimed_sums, oods_point, random_coeff,
    );
    assert(
        recombine_composition(shape, chunk_coordinates.span(), oods_point) == composition,
        'OODS mismatch',
    );
    pcs_verify(
        ref channel,
        pcs_config,
        column_log_sizes(shape),
        points,
        *shape.quotient_groups,
        *shape.mask_columns,
        pcs,
    );
}

fn check_logup_sums(
    shape: @AirShape,
    statement: @ModelStatement,
    public_inputs: Span<M31>,
    claimed_sums: Span<QM31>,
    lookup_elements: Span<LookupElements>,
) {
    let mut total = public_terms_sum(
        statement, public_inputs, lookup_elements[*statement.tensor_relation],
    );
    let mut i = 0;
    while i != claimed_sums.len() {
        let sum = *claimed_sums[i];
        assert(
            *(*shape.components)[i].has_relations || sum == core::num::traits::Zero::zero(),
            'claimed sum without relations',
        );
        total = total + sum;
        i += 1;
    };
    assert(total == core::num::traits::Zero::zero(), 'LogUp sums do not cancel');
}

/// Checks the proof's shape and statement against the model's AIR shape and statement, and
/// returns the channel after the statement and the first two trees' roots: where the interaction
/// proof of work is drawn.
pub fn channel_before_interaction(
    proof: @StarkProof, shape: @AirShape, statement: @ModelStatement,
) -> Channel {
    let config = proof.config;
    assert(*config == *statement.config, 'not the pinned configuration');
    let public_inputs = *proof.public_inputs;
    assert(public_inputs.len() == *shape.n_public_inputs, 'wrong number of public inputs');
    check_statement(statement, public_inputs);
    let commitments = *proof.pcs.commitments;
    assert(
        (*proof.claimed_sums).len() == (*shape.components).len() && commitments.len() == 4,
        'wrong number of sums or trees',
    );
    let mut channel = ChannelTrait::new();
    mix_statement(ref channel, config, public_inputs, shape);
    assert(*commitments[0] == *statement.preprocessed_root, 'preprocessed root mismatch');
    channel.mix_root(*commitments[0]);
    channel.mix_root(*commitments[1]);
    channel
}

/// The configuration (with 1 after it for a zero-knowledge proof), the public inputs (four to a
/// QM31, zero-padded) and the components' log sizes, mixed before anything else (MixStatement).
fn mix_statement(
    ref channel: Channel, config: @ProofConfig, public_inputs: Span<M31>, shape: @AirShape,
) {
    let pcs = config.pcs;
    channel.mix_u64((*pcs.pow_bits).into());
    channel.mix_u64((*pcs.log_blowup_factor).into());
    channel.mix_u64((*pcs.log_last_layer_degree_bound).into());
    channel.mix_u64((*pcs.n_queries).into());
    channel.mix_u64((*pcs.fold_step).into());
    channel.mix_u64((*config.interaction_pow_bits).into());
    if *config.zk {
        channel.mix_u64(1);
    }
    channel.mix_u64(public_inputs.len().into());
    let mut packed = array![];
    let mut i = 0;
    while i < public_inputs.len() {
        packed
            .append(
                QM31Trait::from_m31s(
                    m31_or_zero(public_inputs, i),
                    m31_or_zero(public_inputs, i + 1),
                    m31_or_zero(public_inputs, i + 2),
                    m31_or_zero(public_inputs, i + 3),
                ),
            );
        i += 4;
    };
    channel.mix_felts(packed.span());
    channel.mix_u64((*shape.components).len().into());
    for component in *shape.components {
        channel.mix_u64((*component.log_size).into());
    };
}

fn m31_or_zero(values: Span<M31>, i: u32) -> M31 {
    if i < values.len() {
        *values[i]
    } else {
        core::num::traits::Zero::zero()
    }
}

/// z and the powers [1, α, …] of each relation's α, in name order (two felts per relation).
fn draw_lookup_elements(ref channel: Channel, widths: Span<u32>) -> Array<LookupElements> {
    let mut elements = array![];
    for width in widths {
        let drawn = channel.draw_felts(2);
        let alpha = *drawn[1];
        let mut powers = array![];
        let mut power: QM31 = core::num::traits::One::one();
        while powers.len() != *width {
            powers.append(power);
            power = power * alpha;
        };
        elements.append(LookupElements { z: *drawn[0], alpha_powers: powers.span() });
    };
    elements
}
