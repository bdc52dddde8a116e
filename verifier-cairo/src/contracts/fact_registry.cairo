//! The fact registry contract (crate::contracts::IFactRegistry).
#[starknet::contract]
pub mod FactRegistry {
    use core::poseidon::poseidon_hash_span;
    use starknet::storage::{
        Map, StorageMapReadAccess, StorageMapWriteAccess, StoragePointerReadAccess,
        StoragePointerWriteAccess,
    };
    use starknet::{ContractAddress, get_caller_address};
    use crate::contracts::{
        IModelVerifierDispatcher, IModelVerifierDispatcherTrait, fact_from_hashes,
    };

    #[storage]
    struct Storage {
        min_security_bits: u32,
        owners: Map<felt252, ContractAddress>,
        verifiers: Map<felt252, ContractAddress>,
        facts: Map<felt252, bool>,
        /// Proofs verified over several transactions, by Poseidon(head): what their fact will
        /// record, and which batches are verified.
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

    #[generate_trait]
    impl InternalImpl of InternalTrait {
        fn model_verifier_of(self: @ContractState, model: felt252) -> IModelVerifierDispatcher {
            let verifier = self.verifiers.read(model);
            assert(verifier != no_address(), 'model not registered');
            IModelVerifierDispatcher { contract_address: verifier }
        }

        fn record_fact(
            ref self: ContractState, model: felt252, inputs_hash: felt252, outputs_hash: felt252,
        ) -> felt252 {
            let fact = fact_from_hashes(model, inputs_hash, outputs_hash);
            self.facts.write(fact, true);
            self.emit(FactRegistered { fact, model, inputs_hash, outputs_hash });
            fact
        }
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
            let statement = self.model_verifier_of(model).verify(proof, self.min_security_bits.read());
            assert(statement.model == model, 'proof is for another model');
            let inputs_hash = poseidon_hash_span(statement.inputs);
            let outputs_hash = poseidon_hash_span(statement.outputs);
            self.record_fact(model, inputs_hash, outputs_hash)
        }

        fn verify_head(ref self: ContractState, model: felt252, head: Span<felt252>) -> felt252 {
            let (statement, n_batches) = self
                .model_verifier_of(model)
                .verify_head(head, self.min_security_bits.read());
            assert(statement.model == model, 'proof is for another model');
            let job = poseidon_hash_span(head);
            assert(self.jobs.read(job).n_batches == 0, 'job already started');
            let inputs_hash = poseidon_hash_span(statement.inputs);
            let outputs_hash = poseidon_hash_span(statement.outputs);
            self
                .jobs
                .write(
                    job,
                    Job { model, inputs_hash, outputs_hash, n_batches, batches_left: n_batches },
                );
            job
        }

        fn verify_batch(
            ref self: ContractState, model: felt252, head: Span<felt252>, batch: Span<felt252>,
        ) -> u32 {
            let job_id = poseidon_hash_span(head);
            let mut job = self.jobs.read(job_id);
            assert(job.n_batches != 0, 'no such job');
            assert(job.model == model, 'job is for another model');
            // The batch's first felt is its index (src/air/calldata.h): a batch verified before
            // is refused before it is verified again.
            let index: u32 = match batch.get(0) {
                Option::Some(felt) => (*felt.unbox()).try_into().expect('calldata: bad batch index'),
                Option::None => core::panic_with_felt252('calldata: truncated'),
            };
            assert(!self.batches_done.read((job_id, index)), 'batch already verified');
            let verified = self.model_verifier_of(model).verify_batch(head, batch);
            assert(verified == index, 'batch index mismatch');
            self.batches_done.write((job_id, index), true);
            job.batches_left -= 1;
            self.jobs.write(job_id, job);
            if job.batches_left == 0 {
                self.record_fact(model, job.inputs_hash, job.outputs_hash);
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
