//! The lending example (examples/lending.cairo) through the contracts: a fact registry with a
//! mock final verifier records an applicant's fact (context: their address and a nonce), and the
//! lending contract approves the applicant with it, once per nonce; another applicant, a score
//! below the threshold, another model and a fact of another verifier class than the one the
//! lending contract pins are not approved. The real final proof's facts are recorded through the
//! registry in CTest cairo_verify_final.
use starknet::syscalls::deploy_syscall;
use starknet::testing::set_contract_address;
use starknet::{ClassHash, ContractAddress, SyscallResultTrait};
use crate::consumer::{context_words, signed_value};
use crate::contracts::fact_registry::FactRegistry;
use crate::contracts::{
    IFactRegistryDispatcher, IFactRegistryDispatcherTrait, VerifiedStatement, fact_of,
};
use crate::examples::lending::{ILendingDispatcher, ILendingDispatcherTrait, Lending};
use crate::fields::m31::P;
use super::mock_final_verifier::{MockFinalVerifier, calldata_of_all};

const MODEL: felt252 = 0x305b3a86c00dc28cdad8e2acc5db306a758865bf1691f5a1411ee0129b0933a;
const NONCE: felt252 = 5;
// The score is the second output word; approved from 0.5 (1,024 at frac_bits 11).
const THRESHOLD_FELT: felt252 = 1024;
// The class a consumer pins when it is not the mock's: a stand-in for the final verifier's as
// declared on Starknet (the runner's class hashes are not Starknet's).
const GENUINE_CLASS: felt252 = 0x7374616e642d696e20636c617373;

fn applicant() -> ContractAddress {
    0x49d36570d4e46f48e99674bd3fcc84644ddd6b96f7c741b1562b82f9e004dc7.try_into().unwrap()
}

fn deploy(class_hash: felt252, constructor_calldata: Span<felt252>) -> ContractAddress {
    let (address, _) = deploy_syscall(class_hash.try_into().unwrap(), 0, constructor_calldata, false)
        .unwrap_syscall();
    address
}

/// A statement of MODEL with the applicant's context and outputs 0.46 and `score`.
fn statement(who: ContractAddress, score: felt252) -> VerifiedStatement {
    let inputs = context_words(array![who.into(), NONCE].span());
    VerifiedStatement { model: MODEL, inputs: inputs.span(), outputs: array![946, score].span() }
}

/// A registry with the mock final verifier, which has recorded `statements`' facts; and a lending
/// contract of MODEL pinning `pinned_class` (the mock's if None).
fn setup(
    statements: Array<VerifiedStatement>, pinned_class: Option<felt252>,
) -> (ILendingDispatcher, IFactRegistryDispatcher) {
    let registry = IFactRegistryDispatcher {
        contract_address: deploy(FactRegistry::TEST_CLASS_HASH, array![96].span()),
    };
    let mock: ClassHash = MockFinalVerifier::TEST_CLASS_HASH.try_into().unwrap();
    registry.add_verifier(mock);
    let facts = registry.verify_final(mock, calldata_of_all(statements));
    for fact in facts {
        assert(registry.is_fact_valid(*fact), 'fact recorded');
    };
    let class = match pinned_class {
        Option::Some(class) => class,
        Option::None => MockFinalVerifier::TEST_CLASS_HASH,
    };
    let lending = ILendingDispatcher {
        contract_address: deploy(
            Lending::TEST_CLASS_HASH,
            array![registry.contract_address.into(), class, MODEL, 1, THRESHOLD_FELT].span(),
        ),
    };
    (lending, registry)
}

#[test]
fn test_context_words_are_28_bit_limbs_most_significant_first() {
    let words = context_words(array![0x1000000003, -1].span());
    assert(words.len() == 18, 'nine limbs a felt');
    // 2^36 + 3: limbs ..., 2^8, 3.
    assert(*words[7] == 0x100 && *words[8] == 3 && *words[6] == 0, 'small felt');
    // p - 1 = 2^251 + 2^196 + 2^192.
    assert(*words[9] == 0x8000000 && *words[10] == 1 && *words[11] == 0x1000000, 'p - 1');
    assert(*words[12] == 0 && *words[17] == 0, 'p - 1 low limbs');
}

#[test]
fn test_signed_values() {
    assert(signed_value(1843) == 1843, 'positive');
    assert(signed_value((P - 5).into()) == -5, 'negative');
    assert(signed_value(0) == 0, 'zero');
}

#[test]
#[should_panic(expected: ('not an M31 word',))]
fn test_signed_value_of_a_felt_outside_m31() {
    signed_value(P.into());
}

#[test]
fn test_an_applicant_with_a_fact_is_approved_once_per_nonce() {
    let (lending, _) = setup(array![statement(applicant(), 1877)], Option::None);
    set_contract_address(applicant());
    assert(lending.apply(NONCE, array![946, 1877].span()), 'approved');
    assert(lending.is_approved(applicant()), 'recorded');
}

#[test]
#[should_panic(expected: ('nonce already used', 'ENTRYPOINT_FAILED'))]
fn test_a_nonce_is_used_once() {
    let (lending, _) = setup(array![statement(applicant(), 1877)], Option::None);
    set_contract_address(applicant());
    lending.apply(NONCE, array![946, 1877].span());
    lending.apply(NONCE, array![946, 1877].span());
}

#[test]
fn test_a_score_below_the_threshold_is_not_approved() {
    // -0.25 (P - 512): the fact holds, the score does not pass.
    let low: felt252 = (P - 512).into();
    let (lending, _) = setup(array![statement(applicant(), low)], Option::None);
    set_contract_address(applicant());
    assert(!lending.apply(NONCE, array![946, low].span()), 'not approved');
    assert(!lending.is_approved(applicant()), 'not recorded');
}

#[test]
#[should_panic(expected: ('no fact for this application', 'ENTRYPOINT_FAILED'))]
fn test_another_applicants_fact_does_not_count() {
    let (lending, _) = setup(array![statement(applicant(), 1877)], Option::None);
    set_contract_address(0x123.try_into().unwrap());
    lending.apply(NONCE, array![946, 1877].span());
}

#[test]
#[should_panic(expected: ('no fact for this application', 'ENTRYPOINT_FAILED'))]
fn test_other_outputs_than_the_proofs_do_not_count() {
    let (lending, _) = setup(array![statement(applicant(), 900)], Option::None);
    set_contract_address(applicant());
    lending.apply(NONCE, array![946, 1877].span());
}

#[test]
#[should_panic(expected: ('no fact for this application', 'ENTRYPOINT_FAILED'))]
fn test_another_models_fact_does_not_count() {
    let mut other = statement(applicant(), 1877);
    other.model = MODEL + 1;
    let (lending, _) = setup(array![other], Option::None);
    set_contract_address(applicant());
    lending.apply(NONCE, array![946, 1877].span());
}

#[test]
#[should_panic(expected: ('no fact for this application', 'ENTRYPOINT_FAILED'))]
fn test_a_fact_of_a_foreign_verifier_class_does_not_count() {
    // The registry holds the mock's fact; the lending contract pins another class.
    let (lending, _) = setup(array![statement(applicant(), 1877)], Option::Some(GENUINE_CLASS));
    set_contract_address(applicant());
    lending.apply(NONCE, array![946, 1877].span());
}

#[test]
fn test_aggregated_facts_approve_each_applicant() {
    let other: ContractAddress = 0x123.try_into().unwrap();
    let (lending, registry) = setup(
        array![statement(applicant(), 1877), statement(other, 1100)], Option::None,
    );
    let second = statement(other, 1100);
    let fact = fact_of(@second, MockFinalVerifier::TEST_CLASS_HASH);
    assert(registry.is_fact_valid(fact), 'second fact');
    set_contract_address(other);
    assert(lending.apply(NONCE, array![946, 1100].span()), 'second approved');
    set_contract_address(applicant());
    assert(lending.apply(NONCE, array![946, 1877].span()), 'first approved');
}
