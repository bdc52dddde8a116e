//! The fact registry's rules, with a mock verifier that accepts anything
//! (tests/mock_verifier.cairo): verifiers added by class hash, each once, facts under the class
//! that verified them, and the bookkeeping of proofs verified over several transactions (a job is
//! started once, each batch counts once, only the last one records the fact). The real
//! verifier's transactions are tested on real proofs in verify_*.cairo.
use starknet::syscalls::deploy_syscall;
use starknet::testing::pop_log;
use starknet::{ClassHash, ContractAddress, SyscallResultTrait};
use crate::contracts::fact_registry::FactRegistry;
use crate::contracts::{
    IFactRegistryDispatcher, IFactRegistryDispatcherTrait, VerifiedStatement, fact_of,
};
use crate::tests::mock_verifier::{BATCHES, MockVerifier, calldata_of};

const MODEL: felt252 = 'model';

fn mock_class() -> ClassHash {
    MockVerifier::TEST_CLASS_HASH.try_into().unwrap()
}

/// What the mock states for a head or proof whose input is `input`.
fn statement(input: felt252) -> VerifiedStatement {
    VerifiedStatement { model: MODEL, inputs: array![input].span(), outputs: array![7].span() }
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
    registry.add_verifier(mock_class());
    registry
}

#[test]
fn test_a_fact_names_the_verifier_class() {
    let registry = registry_with_mock();
    let address = registry.contract_address;
    let verifier = registry.verifier_of(mock_class());
    assert(
        pop_log::<FactRegistry::Event>(address)
            .unwrap() == FactRegistry::Event::VerifierAdded(
                FactRegistry::VerifierAdded { verifier_class: mock_class(), verifier },
            ),
        'verifier event',
    );
    let stated = statement(11);
    let fact = registry.verify(mock_class(), calldata_of(@stated));
    assert(fact == fact_of(@stated, MockVerifier::TEST_CLASS_HASH), 'fact of the mock class');
    assert(registry.is_fact_valid(fact), 'fact recorded');
    assert(
        pop_log::<FactRegistry::Event>(address)
            .unwrap() == FactRegistry::Event::FactRegistered(
                FactRegistry::FactRegistered {
                    fact,
                    model: MODEL,
                    verifier_class: mock_class(),
                    inputs_hash: core::poseidon::poseidon_hash_span(stated.inputs),
                    outputs_hash: core::poseidon::poseidon_hash_span(stated.outputs),
                },
            ),
        'fact event',
    );
}

#[test]
#[should_panic(expected: ('verifier already added', 'ENTRYPOINT_FAILED'))]
fn test_a_verifier_class_is_added_once() {
    registry_with_mock().add_verifier(mock_class());
}

#[test]
#[should_panic(expected: ('verifier class not added', 'ENTRYPOINT_FAILED'))]
fn test_a_proof_needs_an_added_verifier() {
    let registry = registry_with_mock();
    let other: ClassHash = FactRegistry::TEST_CLASS_HASH.try_into().unwrap();
    registry.verify(other, calldata_of(@statement(11)));
}

#[test]
fn test_the_last_batch_records_the_fact() {
    let registry = registry_with_mock();
    let stated = statement(11);
    let head = calldata_of(@stated);
    let fact = fact_of(@stated, MockVerifier::TEST_CLASS_HASH);
    let job = registry.verify_head(mock_class(), head);
    assert(
        job == core::poseidon::poseidon_hash_span(
            array![MockVerifier::TEST_CLASS_HASH, core::poseidon::poseidon_hash_span(head)].span(),
        ),
        'job is Poseidon(class, head)',
    );
    assert(registry.batches_left(job) == BATCHES, 'batches to verify');
    // Any order.
    assert(registry.verify_batch(mock_class(), head, array![2].span()) == 2, 'two left');
    assert(registry.verify_batch(mock_class(), head, array![0].span()) == 1, 'one left');
    assert(registry.batch_verified(job, 0) && !registry.batch_verified(job, 1), 'batches done');
    assert(!registry.is_fact_valid(fact), 'no fact before the last batch');
    assert(registry.verify_batch(mock_class(), head, array![1].span()) == 0, 'none left');
    assert(registry.is_fact_valid(fact), 'fact recorded');
    assert(registry.batches_left(job) == 0, 'job done');

    let address = registry.contract_address;
    pop_log::<FactRegistry::Event>(address).unwrap(); // VerifierAdded
    let recorded = pop_log::<FactRegistry::Event>(address).unwrap();
    assert(
        recorded == FactRegistry::Event::FactRegistered(
            FactRegistry::FactRegistered {
                fact,
                model: MODEL,
                verifier_class: mock_class(),
                inputs_hash: core::poseidon::poseidon_hash_span(stated.inputs),
                outputs_hash: core::poseidon::poseidon_hash_span(stated.outputs),
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
    let head = calldata_of(@statement(11));
    registry.verify_head(mock_class(), head);
    registry.verify_batch(mock_class(), head, array![1].span());
    registry.verify_batch(mock_class(), head, array![1].span());
}

#[test]
#[should_panic(expected: ('job already started', 'ENTRYPOINT_FAILED'))]
fn test_a_job_starts_once() {
    let registry = registry_with_mock();
    let head = calldata_of(@statement(11));
    registry.verify_head(mock_class(), head);
    registry.verify_batch(mock_class(), head, array![0].span());
    // Restarting would let its verified batches count again.
    registry.verify_head(mock_class(), head);
}

#[test]
#[should_panic(expected: ('no such job', 'ENTRYPOINT_FAILED'))]
fn test_a_job_is_of_the_class_that_started_it() {
    let registry = registry_with_mock();
    let head = calldata_of(@statement(11));
    registry.verify_head(mock_class(), head);
    // Under another class (a genuine verifier's), the mock's head is no job: that verifier's
    // batches cannot finish what the mock's head started.
    let other: ClassHash = FactRegistry::TEST_CLASS_HASH.try_into().unwrap();
    registry.verify_batch(other, head, array![0].span());
}

#[test]
#[should_panic(expected: ('no such job', 'ENTRYPOINT_FAILED'))]
fn test_a_batch_needs_its_head() {
    let registry = registry_with_mock();
    registry.verify_head(mock_class(), calldata_of(@statement(11)));
    registry.verify_batch(mock_class(), calldata_of(@statement(12)), array![0].span());
}
