//! The fact registry's rules, with a mock final verifier that accepts anything
//! (tests/mock_final_verifier.cairo): verifiers added by class hash, each once, and a fact per
//! inner statement of a final proof, under the class that verified it. The real final verifier's
//! transactions are tested on a real final proof by CTest cairo_verify_final.
use core::poseidon::poseidon_hash_span;
use starknet::syscalls::deploy_syscall;
use starknet::testing::pop_log;
use starknet::{ClassHash, ContractAddress, SyscallResultTrait};
use crate::contracts::fact_registry::FactRegistry;
use crate::contracts::{
    IFactRegistryDispatcher, IFactRegistryDispatcherTrait, VerifiedStatement, fact_of,
};
use crate::tests::mock_final_verifier::{MockFinalVerifier, calldata_of_all};

fn mock_class() -> ClassHash {
    MockFinalVerifier::TEST_CLASS_HASH.try_into().unwrap()
}

/// What the mock states of an inner proof of `model` whose input is `input`.
fn statement(model: felt252, input: felt252) -> VerifiedStatement {
    VerifiedStatement { model, inputs: array![input].span(), outputs: array![7].span() }
}

fn registry_with_mock() -> IFactRegistryDispatcher {
    let (address, _) = deploy_syscall(
        FactRegistry::TEST_CLASS_HASH.try_into().unwrap(), 0, array![96].span(), false,
    )
        .unwrap_syscall();
    let registry = IFactRegistryDispatcher { contract_address: address };
    registry.add_verifier(mock_class());
    registry
}

fn fact_event(fact: felt252, stated: @VerifiedStatement) -> FactRegistry::Event {
    FactRegistry::Event::FactRegistered(
        FactRegistry::FactRegistered {
            fact,
            model: *stated.model,
            verifier_class: mock_class(),
            inputs_hash: poseidon_hash_span(*stated.inputs),
            outputs_hash: poseidon_hash_span(*stated.outputs),
        },
    )
}

#[test]
fn test_each_inner_statement_gets_a_fact_of_the_verifier_class() {
    let registry = registry_with_mock();
    let address: ContractAddress = registry.contract_address;
    let verifier = registry.verifier_of(mock_class());
    assert(
        pop_log::<FactRegistry::Event>(address)
            .unwrap() == FactRegistry::Event::VerifierAdded(
                FactRegistry::VerifierAdded { verifier_class: mock_class(), verifier },
            ),
        'verifier event',
    );
    let first = statement('model a', 11);
    let second = statement('model b', 12);
    let facts = registry.verify_final(mock_class(), calldata_of_all(array![first, second]));
    assert(facts.len() == 2, 'a fact per statement');
    assert(*facts[0] == fact_of(@first, MockFinalVerifier::TEST_CLASS_HASH), 'first fact');
    assert(*facts[1] == fact_of(@second, MockFinalVerifier::TEST_CLASS_HASH), 'second fact');
    assert(registry.is_fact_valid(*facts[0]) && registry.is_fact_valid(*facts[1]), 'recorded');
    assert(!registry.is_fact_valid(fact_of(@first, 'another class')), 'only under its class');
    assert(pop_log::<FactRegistry::Event>(address).unwrap() == fact_event(*facts[0], @first), 'e1');
    assert(pop_log::<FactRegistry::Event>(address).unwrap() == fact_event(*facts[1], @second), 'e2');
    assert(pop_log::<FactRegistry::Event>(address).is_none(), 'two fact events');
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
    registry.verify_final(other, calldata_of_all(array![statement('model', 11)]));
}
