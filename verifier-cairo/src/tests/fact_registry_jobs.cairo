//! The fact registry's bookkeeping of proofs verified over several transactions, with a mock
//! verifier that accepts any head and batch: a job is started once, each batch counts once, and
//! only the last one records the fact. The real verifier's transactions are tested on real proofs
//! in verify_*_in_batches.cairo.
use starknet::syscalls::deploy_syscall;
use starknet::testing::pop_log;
use starknet::{ContractAddress, SyscallResultTrait};
use crate::contracts::fact_registry::FactRegistry;
use crate::contracts::{
    IFactRegistryDispatcher, IFactRegistryDispatcherTrait, VerifiedStatement, fact_of,
};

const MODEL: felt252 = 'model';
const BATCHES: u32 = 3;

/// Verifies nothing: a head states inputs [head[0]] and outputs [7], in BATCHES batches; a
/// batch's index is its first felt.
#[starknet::contract]
mod MockVerifier {
    use crate::contracts::{IModelVerifier, VerifiedStatement};

    #[storage]
    struct Storage {}

    #[abi(embed_v0)]
    impl MockVerifierImpl of IModelVerifier<ContractState> {
        fn model_commitment(self: @ContractState) -> felt252 {
            super::MODEL
        }

        fn verify(
            self: @ContractState, proof: Span<felt252>, min_security_bits: u32,
        ) -> VerifiedStatement {
            super::statement(proof)
        }

        fn verify_head(
            self: @ContractState, head: Span<felt252>, min_security_bits: u32,
        ) -> (VerifiedStatement, u32) {
            (super::statement(head), super::BATCHES)
        }

        fn verify_batch(self: @ContractState, head: Span<felt252>, batch: Span<felt252>) -> u32 {
            (*batch[0]).try_into().unwrap()
        }
    }
}

fn statement(head: Span<felt252>) -> VerifiedStatement {
    VerifiedStatement {
        model: MODEL, inputs: array![*head[0]].span(), outputs: array![7].span(),
    }
}

fn deploy(class_hash: felt252, calldata: Span<felt252>) -> ContractAddress {
    let (address, _) = deploy_syscall(class_hash.try_into().unwrap(), 0, calldata, false)
        .unwrap_syscall();
    address
}

fn registry_with_mock() -> IFactRegistryDispatcher {
    let registry = IFactRegistryDispatcher {
        contract_address: deploy(FactRegistry::TEST_CLASS_HASH, array![96].span()),
    };
    registry.register_model(MODEL, deploy(MockVerifier::TEST_CLASS_HASH, array![].span()));
    registry
}

#[test]
fn test_the_last_batch_records_the_fact() {
    let registry = registry_with_mock();
    let head = array![11, 12].span();
    let fact = fact_of(@statement(head));
    let job = registry.verify_head(MODEL, head);
    assert(job == core::poseidon::poseidon_hash_span(head), 'job is Poseidon(head)');
    assert(registry.batches_left(job) == BATCHES, 'batches to verify');
    // Any order.
    assert(registry.verify_batch(MODEL, head, array![2].span()) == 2, 'two left');
    assert(registry.verify_batch(MODEL, head, array![0].span()) == 1, 'one left');
    assert(registry.batch_verified(job, 0) && !registry.batch_verified(job, 1), 'batches done');
    assert(!registry.is_fact_valid(fact), 'no fact before the last batch');
    assert(registry.verify_batch(MODEL, head, array![1].span()) == 0, 'none left');
    assert(registry.is_fact_valid(fact), 'fact recorded');
    assert(registry.batches_left(job) == 0, 'job done');

    let address = registry.contract_address;
    pop_log::<FactRegistry::Event>(address).unwrap(); // ModelRegistered
    let recorded = pop_log::<FactRegistry::Event>(address).unwrap();
    let hashes = statement(head);
    assert(
        recorded == FactRegistry::Event::FactRegistered(
            FactRegistry::FactRegistered {
                fact,
                model: MODEL,
                inputs_hash: core::poseidon::poseidon_hash_span(hashes.inputs),
                outputs_hash: core::poseidon::poseidon_hash_span(hashes.outputs),
            },
        ),
        'fact event',
    );
    assert(pop_log::<FactRegistry::Event>(address).is_none(), 'one fact event');
}

#[test]
#[should_panic(expected: ('batch already verified', 'ENTRYPOINT_FAILED'))]
fn test_a_batch_counts_once() {
    let registry = registry_with_mock();
    let head = array![11].span();
    registry.verify_head(MODEL, head);
    registry.verify_batch(MODEL, head, array![1].span());
    registry.verify_batch(MODEL, head, array![1].span());
}

#[test]
#[should_panic(expected: ('job already started', 'ENTRYPOINT_FAILED'))]
fn test_a_job_starts_once() {
    let registry = registry_with_mock();
    let head = array![11].span();
    registry.verify_head(MODEL, head);
    registry.verify_batch(MODEL, head, array![0].span());
    // Restarting would let its verified batches count again.
    registry.verify_head(MODEL, head);
}

#[test]
#[should_panic(expected: ('no such job', 'ENTRYPOINT_FAILED'))]
fn test_a_batch_needs_its_head() {
    let registry = registry_with_mock();
    registry.verify_head(MODEL, array![11].span());
    registry.verify_batch(MODEL, array![12].span(), array![0].span());
}

#[test]
#[should_panic(expected: ('job is for another model', 'ENTRYPOINT_FAILED'))]
fn test_a_batch_is_of_the_job_model() {
    let registry = registry_with_mock();
    let head = array![11].span();
    registry.verify_head(MODEL, head);
    registry.verify_batch('other', head, array![0].span());
}
