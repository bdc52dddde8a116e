//! The fact registry contract (crate::contracts::IFactRegistry).
#[starknet::contract]
pub mod FactRegistry {
    use core::poseidon::poseidon_hash_span;
    use starknet::storage::{
        Map, StorageMapReadAccess, StorageMapWriteAccess, StoragePointerReadAccess,
        StoragePointerWriteAccess,
    };
    use starknet::{ContractAddress, get_caller_address};
    use crate::contracts::{IModelVerifierDispatcher, IModelVerifierDispatcherTrait, fact_of};

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
    impl FactRegistryImpl of crate::contracts::IFactRegistry<ContractState> {
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
