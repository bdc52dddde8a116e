//! The Starknet contracts. The final verifier (contracts/final_verifier.cairo, one class for every
//! model) checks a final proof's calldata and returns what it states of each inner proof, under
//! its model id. The fact registry deploys verifiers by class hash (anyone may add one), verifies
//! final proofs through them against a pinned minimum security, and records, for each inner proof,
//! fact = Poseidon(model id, verifier class hash, Poseidon(inputs), Poseidon(outputs))
//! for other contracts to trust (is_fact_valid). A fact means "this verifier code accepted a proof
//! of this statement": a consumer pins the class hash it rebuilds from this repository, and a
//! verifier of any other class, whatever it accepts, only records facts under its own hash.
//! The registry is in its own module (contracts/fact_registry.cairo): one contract per bundle is
//! what the class compiler takes (scripts/cairo/build.mjs).
use core::poseidon::poseidon_hash_span;
use starknet::{ClassHash, ContractAddress};
use crate::channel::pack_m31s;
use crate::air::AirShape;
use crate::fields::m31::{M31, M31Trait};
use crate::proof::{StarkProof, read_proof, read_u32};
use crate::statement::COMMITMENT_WORDS;
use crate::verifier::{ModelAir, verify_final};

/// What a valid final proof states of one inner proof: its model id (Poseidon of the inner model's
/// commitment, its 8 words packed into one felt big-endian base 2^31, and the final circuit's id),
/// and what it states of the model inputs and of the outputs, as the model was compiled: public tensors' quantized values (as M31: a negative q is P - |q|), committed
/// tensors' Poseidon2 digests (8 M31 words each), nothing of private ones.
#[derive(Drop, Copy, Serde, Debug, PartialEq)]
pub struct VerifiedStatement {
    pub model: felt252,
    pub inputs: Span<felt252>,
    pub outputs: Span<felt252>,
}

#[starknet::interface]
pub trait IFinalVerifier<TContractState> {
    /// Panics with the failed check's message unless `proof` (`tensorstark calldata MODEL...
    /// FINAL.bin`) is a valid final proof with at least min_security_bits; returns what it states
    /// of each inner proof, in order, under its model id (verify_final_calldata).
    fn verify_final(
        self: @TContractState, proof: Span<felt252>, min_security_bits: u32,
    ) -> Span<VerifiedStatement>;
}

#[starknet::interface]
pub trait IFactRegistry<TContractState> {
    /// Deploys a verifier of this (declared) class, which the registry then verifies proofs
    /// through; returns its address. Anyone may add a class, once: the facts its verifier records
    /// carry its class hash, so a class nobody pins fools nobody.
    fn add_verifier(ref self: TContractState, verifier_class: ClassHash) -> ContractAddress;
    /// The verifier the registry deployed for a class (zero if none).
    fn verifier_of(self: @TContractState, verifier_class: ClassHash) -> ContractAddress;
    /// Verifies a final proof with the final verifier of `verifier_class` and records a fact per
    /// inner proof, under its model id; returns the facts, in order.
    fn verify_final(
        ref self: TContractState, verifier_class: ClassHash, proof: Span<felt252>,
    ) -> Span<felt252>;
    fn is_fact_valid(self: @TContractState, fact: felt252) -> bool;
    fn min_security_bits(self: @TContractState) -> u32;
}

/// The fact a verifier of `verifier_class` records for a proof of this statement.
pub fn fact_of(statement: @VerifiedStatement, verifier_class: felt252) -> felt252 {
    fact_from_hashes(
        *statement.model,
        verifier_class,
        poseidon_hash_span(*statement.inputs),
        poseidon_hash_span(*statement.outputs),
    )
}

/// Poseidon(model, verifier class hash, Poseidon(inputs), Poseidon(outputs)).
pub fn fact_from_hashes(
    model: felt252, verifier_class: felt252, inputs_hash: felt252, outputs_hash: felt252,
) -> felt252 {
    poseidon_hash_span(array![model, verifier_class, inputs_hash, outputs_hash].span())
}

/// The model commitment's 8 words as one felt.
pub fn commitment_felt(words: Span<M31>) -> felt252 {
    pack_m31s(words)
}

/// How one inner proof's statement lies in a final proof's (the inner statements follow each
/// other): its length, the commitment's 8 words included, and how many of its words after the
/// commitment state the inputs.
#[derive(Drop, Copy, Debug)]
pub struct MemberLayout {
    pub n_words: u32,
    pub n_stated_inputs: u32,
}

/// Reads and verifies a final proof (verifier::verify_final) with the final AIR `A`, and returns
/// what it states of each inner proof, in order, each under its model id: Poseidon(the inner
/// model's commitment packed, the circuit id). The calldata (`tensorstark calldata MODEL...
/// FINAL.bin`) is the number of inner proofs, each one's statement length and count of words
/// stating its inputs, then the proof. That layout is the caller's word, which the circuit id
/// binds: a wrong one names models nobody pinned.
pub fn verify_final_calldata<impl A: ModelAir>(
    calldata: Span<felt252>, min_security_bits: u32,
) -> Span<VerifiedStatement> {
    let mut data = calldata;
    let n_members = read_u32(ref data);
    assert(n_members >= 1, 'calldata: no inner proof');
    assert(n_members <= A::statement().max_inner_proofs, 'calldata: too many proofs');
    let mut members = array![];
    let mut n_words_in_all = 0;
    while members.len() != n_members {
        let n_words = read_u32(ref data);
        let n_stated_inputs = read_u32(ref data);
        assert(n_words >= COMMITMENT_WORDS + n_stated_inputs, 'calldata: member layout');
        members.append(MemberLayout { n_words, n_stated_inputs });
        n_words_in_all += n_words;
    };
    let proof = read_proof(data);
    let public_inputs = proof.public_inputs;
    assert(n_words_in_all == public_inputs.len(), 'member layout is not statement');
    verify_final::<A>(@proof, min_security_bits);
    let circuit = circuit_id(@proof, @A::shape(), members.span());
    let mut statements = array![];
    let mut offset = 0;
    for member in members.span() {
        let n_words = *member.n_words;
        statements
            .append(
                member_statement(
                    public_inputs.slice(offset, n_words), *member.n_stated_inputs, circuit,
                ),
            );
        offset += n_words;
    };
    statements.span()
}

/// The id of a final proof's circuit (src/frontend/starknet_fact.h): Poseidon('tensorstark-
/// circuit-v1', the hash id (Poseidon252: 1), the configuration's six words and its zero-knowledge
/// flag, the number of components and each one's log size, the number of inner proofs and each
/// one's layout, the preprocessed root as two 128-bit felts, high first).
pub fn circuit_id(
    proof: @StarkProof, shape: @AirShape, members: Span<MemberLayout>,
) -> felt252 {
    let config = proof.config;
    let pcs = config.pcs;
    let mut words: Array<felt252> = array![
        'tensorstark-circuit-v1', 1, (*pcs.pow_bits).into(), (*pcs.log_blowup_factor).into(),
        (*pcs.log_last_layer_degree_bound).into(), (*pcs.n_queries).into(),
        (*pcs.fold_step).into(), (*config.interaction_pow_bits).into(),
        if *config.zk {
            1
        } else {
            0
        },
        (*shape.components).len().into(),
    ];
    for component in *shape.components {
        words.append((*component.log_size).into());
    };
    words.append(members.len().into());
    for member in members {
        words.append((*member.n_words).into());
        words.append((*member.n_stated_inputs).into());
    };
    let root: u256 = (*(*proof.pcs.commitments)[0]).into();
    words.append(root.high.into());
    words.append(root.low.into());
    poseidon_hash_span(words.span())
}

/// One inner proof's statement, under its model id within the circuit.
fn member_statement(
    words: Span<M31>, n_stated_inputs: u32, circuit: felt252,
) -> VerifiedStatement {
    let first_output = COMMITMENT_WORDS + n_stated_inputs;
    let inner_model = commitment_felt(words.slice(0, COMMITMENT_WORDS));
    VerifiedStatement {
        model: poseidon_hash_span(array![inner_model, circuit].span()),
        inputs: felts(words.slice(COMMITMENT_WORDS, n_stated_inputs)),
        outputs: felts(words.slice(first_output, words.len() - first_output)),
    }
}

fn felts(values: Span<M31>) -> Span<felt252> {
    let mut out = array![];
    for value in values {
        out.append((*value).felt());
    };
    out.span()
}

pub mod fact_registry;
pub mod final_verifier;
