//! The fact registry contract (crate::contracts::IFactRegistry).
//!
//! It knows a verifier by the class hash it deployed it from (add_verifier), so the class hash a
//! fact carries is the code that checked the proof. A verifier it did not deploy cannot record
//! facts, and a deployed one keeps its class: the final verifier never replaces its class, and one
//! that would is of a class no consumer pins. A final proof (verify_final, through the one final
//! verifier class every model shares) records a fact per inner proof.
#[starknet::contract]
pub mod FactRegistry {
    use core::poseidon::poseidon_hash_span;
    use starknet::storage::{
        Map, StorageMapReadAccess, StorageMapWriteAccess, StoragePointerReadAccess,
        StoragePointerWriteAccess,
    };
    use starknet::syscalls::deploy_syscall;
    use starknet::{ClassHash, ContractAddress, SyscallResultTrait};
    use crate::contracts::{IFinalVerifierDispatcher, IFinalVerifierDispatcherTrait, fact_from_hashes};

    #[storage]
    struct Storage {
        min_security_bits: u32,
        verifiers: Map<ClassHash, ContractAddress>,
        facts: Map<felt252, bool>,
    }

    #[event]
    #[derive(Drop, PartialEq, Debug, starknet::Event)]
    pub enum Event {
        VerifierAdded: VerifierAdded,
        FactRegistered: FactRegistered,
    }

    #[derive(Drop, PartialEq, Debug, starknet::Event)]
    pub struct VerifierAdded {
        #[key]
        pub verifier_class: ClassHash,
        pub verifier: ContractAddress,
    }

    /// The values' hashes, as in the fact (events carry at most 300 felts of data).
    #[derive(Drop, PartialEq, Debug, starknet::Event)]
    pub struct FactRegistered {
        #[key]
        pub fact: felt252,
        #[key]
        pub model: felt252,
        #[key]
        pub verifier_class: ClassHash,
        pub inputs_hash: felt252,
        pub outputs_hash: felt252,
    }

    fn no_address() -> ContractAddress {
        0.try_into().unwrap()
    }

    #[generate_trait]
    impl InternalImpl of InternalTrait {
        fn verifier_address(self: @ContractState, verifier_class: ClassHash) -> ContractAddress {
            let verifier = self.verifiers.read(verifier_class);
            assert(verifier != no_address(), 'verifier class not added');
            verifier
        }

        fn record_fact(
            ref self: ContractState,
            model: felt252,
            verifier_class: ClassHash,
            inputs_hash: felt252,
            outputs_hash: felt252,
        ) -> felt252 {
            let fact = fact_from_hashes(model, verifier_class.into(), inputs_hash, outputs_hash);
            self.facts.write(fact, true);
            self.emit(FactRegistered { fact, model, verifier_class, inputs_hash, outputs_hash });
            fact
        }
    }

    #[constructor]
    fn constructor(ref self: ContractState, min_security_bits: u32) {
        self.min_security_bits.write(min_security_bits);
    }

    #[abi(embed_v0)]
    impl FactRegistryImpl of crate::contracts::IFactRegistry<ContractState> {
        fn add_verifier(ref self: ContractState, verifier_class: ClassHash) -> ContractAddress {
            assert(self.verifiers.read(verifier_class) == no_address(), 'verifier already added');
            let (verifier, _) = deploy_syscall(verifier_class, 0, array![].span(), false)
                .unwrap_syscall();
            self.verifiers.write(verifier_class, verifier);
            self.emit(VerifierAdded { verifier_class, verifier });
            verifier
        }

        fn verifier_of(self: @ContractState, verifier_class: ClassHash) -> ContractAddress {
            self.verifiers.read(verifier_class)
        }

        fn verify_final(
            ref self: ContractState, verifier_class: ClassHash, proof: Span<felt252>,
        ) -> Span<felt252> {
            let verifier = IFinalVerifierDispatcher {
                contract_address: self.verifier_address(verifier_class),
            };
            let statements = verifier.verify_final(proof, self.min_security_bits.read());
            let mut facts = array![];
            for statement in statements {
                let inputs_hash = poseidon_hash_span(*statement.inputs);
                let outputs_hash = poseidon_hash_span(*statement.outputs);
                let model = *statement.model;
                facts.append(self.record_fact(model, verifier_class, inputs_hash, outputs_hash));
            };
            facts.span()
        }

        fn is_fact_valid(self: @ContractState, fact: felt252) -> bool {
            self.facts.read(fact)
        }

        fn min_security_bits(self: @ContractState) -> u32 {
            self.min_security_bits.read()
        }
    }
}
