//! The fact registry contract (crate::contracts::IFactRegistry).
//!
//! It knows a verifier by the class hash it deployed it from (add_verifier), so the class hash a
//! fact carries is the code that checked the proof. A verifier it did not deploy cannot record
//! facts, and a deployed one keeps its class: the generated verifiers never replace their class,
//! and one that would is of a class no consumer pins. A final verifier (verify_final, one class
//! for every model) gives a fact per inner proof of a final proof.
#[starknet::contract]
pub mod FactRegistry {
    use core::poseidon::poseidon_hash_span;
    use starknet::storage::{
        Map, StorageMapReadAccess, StorageMapWriteAccess, StoragePointerReadAccess,
        StoragePointerWriteAccess,
    };
    use starknet::syscalls::deploy_syscall;
    use starknet::{ClassHash, ContractAddress, SyscallResultTrait};
    use crate::contracts::{
        IFinalVerifierDispatcher, IFinalVerifierDispatcherTrait, IModelVerifierDispatcher,
        IModelVerifierDispatcherTrait, fact_from_hashes,
    };

    #[storage]
    struct Storage {
        min_security_bits: u32,
        verifiers: Map<ClassHash, ContractAddress>,
        facts: Map<felt252, bool>,
        /// Proofs verified over several transactions, by Poseidon(verifier class, Poseidon(head)):
        /// what their fact will record, and which batches are verified.
        jobs: Map<felt252, Job>,
        batches_done: Map<(felt252, u32), bool>,
    }

    /// A proof whose head is verified and whose batches are being verified. Its fact is only
    /// recorded when the last batch is (the head alone proves nothing).
    #[derive(Drop, Copy, starknet::Store)]
    struct Job {
        model: felt252,
        inputs_hash: felt252,
        outputs_hash: felt252,
        /// Set once, when the head is verified: a job is never started twice.
        n_batches: u32,
        batches_left: u32,
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
        fn verifier(self: @ContractState, verifier_class: ClassHash) -> IModelVerifierDispatcher {
            IModelVerifierDispatcher { contract_address: self.verifier_address(verifier_class) }
        }

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

    fn job_of(verifier_class: ClassHash, head: Span<felt252>) -> felt252 {
        poseidon_hash_span(array![verifier_class.into(), poseidon_hash_span(head)].span())
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

        fn verify(
            ref self: ContractState, verifier_class: ClassHash, proof: Span<felt252>,
        ) -> felt252 {
            let statement = self
                .verifier(verifier_class)
                .verify(proof, self.min_security_bits.read());
            let inputs_hash = poseidon_hash_span(statement.inputs);
            let outputs_hash = poseidon_hash_span(statement.outputs);
            self.record_fact(statement.model, verifier_class, inputs_hash, outputs_hash)
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

        fn verify_head(
            ref self: ContractState, verifier_class: ClassHash, head: Span<felt252>,
        ) -> felt252 {
            let (statement, n_batches) = self
                .verifier(verifier_class)
                .verify_head(head, self.min_security_bits.read());
            let job = job_of(verifier_class, head);
            assert(self.jobs.read(job).n_batches == 0, 'job already started');
            let inputs_hash = poseidon_hash_span(statement.inputs);
            let outputs_hash = poseidon_hash_span(statement.outputs);
            let model = statement.model;
            self
                .jobs
                .write(
                    job,
                    Job { model, inputs_hash, outputs_hash, n_batches, batches_left: n_batches },
                );
            job
        }

        fn verify_batch(
            ref self: ContractState,
            verifier_class: ClassHash,
            head: Span<felt252>,
            batch: Span<felt252>,
        ) -> u32 {
            let job_id = job_of(verifier_class, head);
            let mut job = self.jobs.read(job_id);
            assert(job.n_batches != 0, 'no such job');
            // The batch's first felt is its index (src/air/calldata.h): a batch verified before
            // is refused before it is verified again.
            let index: u32 = match batch.get(0) {
                Option::Some(felt) => (*felt.unbox()).try_into().expect('calldata: bad batch index'),
                Option::None => core::panic_with_felt252('calldata: truncated'),
            };
            assert(!self.batches_done.read((job_id, index)), 'batch already verified');
            let verified = self.verifier(verifier_class).verify_batch(head, batch);
            assert(verified == index, 'batch index mismatch');
            self.batches_done.write((job_id, index), true);
            job.batches_left -= 1;
            self.jobs.write(job_id, job);
            if job.batches_left == 0 {
                self.record_fact(job.model, verifier_class, job.inputs_hash, job.outputs_hash);
            }
            job.batches_left
        }

        fn batches_left(self: @ContractState, job: felt252) -> u32 {
            self.jobs.read(job).batches_left
        }

        fn batch_verified(self: @ContractState, job: felt252, index: u32) -> bool {
            self.batches_done.read((job, index))
        }

        fn is_fact_valid(self: @ContractState, fact: felt252) -> bool {
            self.facts.read(fact)
        }

        fn min_security_bits(self: @ContractState) -> u32 {
            self.min_security_bits.read()
        }
    }
}
