//! The Starknet contracts. A model verifier (one class per model, generated with its AIR in
//! src/airs/) checks a proof's calldata and returns what it states. The fact registry records
//! which model commitments exist, who registered each and which verifier checks its proofs; it
//! verifies proofs through that verifier against a pinned minimum security, and records
//! fact = Poseidon(model commitment, Poseidon(inputs), Poseidon(outputs)) for other contracts to
//! trust (is_fact_valid).
use core::poseidon::poseidon_hash_span;
use starknet::ContractAddress;
use crate::channel::pack_m31s;
use crate::fields::m31::M31;
use crate::proof::read_proof;
use crate::statement::COMMITMENT_WORDS;
use crate::verifier::{ModelAir, verify};

/// What a valid proof states: the model commitment (its 8 words packed into one felt, big-endian
/// base 2^31), and the model inputs' and outputs' quantized values (as M31: a negative q is
/// P - |q|).
#[derive(Drop, Copy, Serde, Debug, PartialEq)]
pub struct VerifiedStatement {
    pub model: felt252,
    pub inputs: Span<felt252>,
    pub outputs: Span<felt252>,
}

#[starknet::interface]
pub trait IModelVerifier<TContractState> {
    /// The commitment of the model whose proofs this verifier checks.
    fn model_commitment(self: @TContractState) -> felt252;
    /// Panics with the failed check's message unless `proof` (`tensorstark calldata`) is a valid
    /// proof of the model with at least min_security_bits.
    fn verify(self: @TContractState, proof: Span<felt252>, min_security_bits: u32) -> VerifiedStatement;
}

#[starknet::interface]
pub trait IFactRegistry<TContractState> {
    /// Registers a model: its commitment, checked by `verifier` (whose model_commitment() must
    /// be it). The caller becomes its owner; a commitment is registered once.
    fn register_model(ref self: TContractState, model: felt252, verifier: ContractAddress);
    fn model_owner(self: @TContractState, model: felt252) -> ContractAddress;
    fn model_verifier(self: @TContractState, model: felt252) -> ContractAddress;
    /// Verifies a proof of a registered model and records its fact; returns the fact.
    fn verify(ref self: TContractState, model: felt252, proof: Span<felt252>) -> felt252;
    fn is_fact_valid(self: @TContractState, fact: felt252) -> bool;
    fn min_security_bits(self: @TContractState) -> u32;
}

/// Poseidon(model, Poseidon(inputs), Poseidon(outputs)).
pub fn fact_of(statement: @VerifiedStatement) -> felt252 {
    poseidon_hash_span(
        array![
            *statement.model, poseidon_hash_span(*statement.inputs),
            poseidon_hash_span(*statement.outputs),
        ]
            .span(),
    )
}

/// The model commitment's 8 words as one felt.
pub fn commitment_felt(words: Span<M31>) -> felt252 {
    pack_m31s(words)
}

/// Reads and verifies a proof of the model `A` (verifier::verify) and returns its statement.
pub fn verify_calldata<impl A: ModelAir>(
    proof: Span<felt252>, min_security_bits: u32,
) -> VerifiedStatement {
    let proof = read_proof(proof);
    verify::<A>(@proof, min_security_bits);
    let public_inputs = proof.public_inputs;
    let mut n_inputs = 0;
    for bound in A::statement().input_bounds {
        n_inputs += *bound.count;
    };
    let first_output = COMMITMENT_WORDS + n_inputs;
    VerifiedStatement {
        model: commitment_felt(public_inputs.slice(0, COMMITMENT_WORDS)),
        inputs: felts(public_inputs.slice(COMMITMENT_WORDS, n_inputs)),
        outputs: felts(public_inputs.slice(first_output, public_inputs.len() - first_output)),
    }
}

fn felts(values: Span<M31>) -> Span<felt252> {
    let mut out = array![];
    for value in values {
        out.append((*value.inner).into());
    };
    out.span()
}

#[starknet::contract]
pub mod FactRegistry {
    use core::poseidon::poseidon_hash_span;
    use starknet::storage::{
        Map, StorageMapReadAccess, StorageMapWriteAccess, StoragePointerReadAccess,
        StoragePointerWriteAccess,
    };
    use starknet::{ContractAddress, get_caller_address};
    use super::{IModelVerifierDispatcher, IModelVerifierDispatcherTrait, fact_of};

    #[storage]
    struct Storage {
        min_security_bits: u32,
        owners: Map<felt252, ContractAddress>,
        verifiers: Map<felt252, ContractAddress>,
        facts: Map<felt252, bool>,
    }

    #[event]
    #[derive(Drop, PartialEq, Debug, starknet::Event)]
    pub enum Event {
        ModelRegistered: ModelRegistered,
        FactRegistered: FactRegistered,
    }

    #[derive(Drop, PartialEq, Debug, starknet::Event)]
    pub struct ModelRegistered {
        #[key]
        pub model: felt252,
        pub owner: ContractAddress,
        pub verifier: ContractAddress,
    }

    /// The values' hashes, as in the fact (events carry at most 300 felts of data).
    #[derive(Drop, PartialEq, Debug, starknet::Event)]
    pub struct FactRegistered {
        #[key]
        pub fact: felt252,
        #[key]
        pub model: felt252,
        pub inputs_hash: felt252,
        pub outputs_hash: felt252,
    }

    fn no_address() -> ContractAddress {
        0.try_into().unwrap()
    }

    #[constructor]
    fn constructor(ref self: ContractState, min_security_bits: u32) {
        self.min_security_bits.write(min_security_bits);
    }

    #[abi(embed_v0)]
    impl FactRegistryImpl of super::IFactRegistry<ContractState> {
        fn register_model(ref self: ContractState, model: felt252, verifier: ContractAddress) {
            assert(self.verifiers.read(model) == no_address(), 'model already registered');
            let checks = IModelVerifierDispatcher { contract_address: verifier };
            assert(checks.model_commitment() == model, 'verifier is for another model');
            let owner = get_caller_address();
            self.owners.write(model, owner);
            self.verifiers.write(model, verifier);
            self.emit(ModelRegistered { model, owner, verifier });
        }

        fn model_owner(self: @ContractState, model: felt252) -> ContractAddress {
            self.owners.read(model)
        }

        fn model_verifier(self: @ContractState, model: felt252) -> ContractAddress {
            self.verifiers.read(model)
        }

        fn verify(ref self: ContractState, model: felt252, proof: Span<felt252>) -> felt252 {
            let verifier = self.verifiers.read(model);
            assert(verifier != no_address(), 'model not registered');
            let statement = IModelVerifierDispatcher { contract_address: verifier }
                .verify(proof, self.min_security_bits.read());
            assert(statement.model == model, 'proof is for another model');
            let fact = fact_of(@statement);
            self.facts.write(fact, true);
            let inputs_hash = poseidon_hash_span(statement.inputs);
            let outputs_hash = poseidon_hash_span(statement.outputs);
            self.emit(FactRegistered { fact, model, inputs_hash, outputs_hash });
            fact
        }

        fn is_fact_valid(self: @ContractState, fact: felt252) -> bool {
            self.facts.read(fact)
        }

        fn min_security_bits(self: @ContractState) -> u32 {
            self.min_security_bits.read()
        }
    }
}
