//! An example consumer of facts: a lending contract that approves a loan for an applicant whose
//! credit score a pinned model computed, as a fact in a pinned registry under a pinned verifier
//! class shows. The model is compiled with a context of two felts (`tensorstark compile
//! --context 2`, private inputs: compile's default), and the applicant proves with their own
//! address and a fresh nonce as the context (`prove --context ADDRESS,NONCE`); the contract
//! recomputes the fact from the caller's address, the nonce and the outputs the caller says the
//! proof states, so a fact proves nothing for another applicant, and a nonce is used once.
use starknet::ContractAddress;

#[starknet::interface]
pub trait ILending<TContractState> {
    /// Approves a loan for the caller if the registry holds the fact of a proof of the pinned
    /// model stating the context (caller, nonce) and `outputs` (the statement's output words)
    /// under the pinned verifier class, and the score (output word `score_output`) is at least
    /// the threshold. Returns whether it approved; panics if there is no such fact, or the caller
    /// used the nonce before.
    fn apply(ref self: TContractState, nonce: felt252, outputs: Span<felt252>) -> bool;
    fn is_approved(self: @TContractState, applicant: ContractAddress) -> bool;
}

#[starknet::contract]
pub mod Lending {
    use core::poseidon::poseidon_hash_span;
    use starknet::storage::{
        Map, StorageMapReadAccess, StorageMapWriteAccess, StoragePointerReadAccess,
        StoragePointerWriteAccess,
    };
    use starknet::{ClassHash, ContractAddress, get_caller_address};
    use crate::consumer::{context_words, signed_value};
    use crate::contracts::{IFactRegistryDispatcher, IFactRegistryDispatcherTrait, fact_from_hashes};

    #[storage]
    struct Storage {
        registry: ContractAddress,
        verifier_class: ClassHash,
        model: felt252,
        score_output: u32,
        threshold: i64,
        used_nonces: Map<(ContractAddress, felt252), bool>,
        approved: Map<ContractAddress, bool>,
    }

    #[event]
    #[derive(Drop, PartialEq, Debug, starknet::Event)]
    pub enum Event {
        Applied: Applied,
    }

    #[derive(Drop, PartialEq, Debug, starknet::Event)]
    pub struct Applied {
        #[key]
        pub applicant: ContractAddress,
        pub score: i64,
        pub approved: bool,
    }

    /// registry: the fact registry; verifier_class: the verifier class whose facts count (the
    /// final verifier's, as declared on Starknet); model: the model id `tensorstark compress`
    /// prints; score_output and threshold: the output word holding the score and its least
    /// approved value, in the output's scale (score × 2^frac_bits).
    #[constructor]
    fn constructor(
        ref self: ContractState,
        registry: ContractAddress,
        verifier_class: ClassHash,
        model: felt252,
        score_output: u32,
        threshold: i64,
    ) {
        self.registry.write(registry);
        self.verifier_class.write(verifier_class);
        self.model.write(model);
        self.score_output.write(score_output);
        self.threshold.write(threshold);
    }

    #[abi(embed_v0)]
    impl LendingImpl of super::ILending<ContractState> {
        fn apply(ref self: ContractState, nonce: felt252, outputs: Span<felt252>) -> bool {
            let applicant = get_caller_address();
            assert(!self.used_nonces.read((applicant, nonce)), 'nonce already used');
            let inputs = context_words(array![applicant.into(), nonce].span());
            let fact = fact_from_hashes(
                self.model.read(),
                self.verifier_class.read().into(),
                poseidon_hash_span(inputs.span()),
                poseidon_hash_span(outputs),
            );
            let registry = IFactRegistryDispatcher { contract_address: self.registry.read() };
            assert(registry.is_fact_valid(fact), 'no fact for this application');
            self.used_nonces.write((applicant, nonce), true);
            let score = signed_value(*outputs[self.score_output.read()]);
            let approved = score >= self.threshold.read();
            if approved {
                self.approved.write(applicant, true);
            }
            self.emit(Applied { applicant, score, approved });
            approved
        }

        fn is_approved(self: @ContractState, applicant: ContractAddress) -> bool {
            self.approved.read(applicant)
        }
    }
}
