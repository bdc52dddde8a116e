//! A verifier contract that verifies nothing, for the fact registry's tests: a proof or head is
//! a serialized VerifiedStatement, which it states as if proved (a head in BATCHES batches), and
//! a batch's index is its first felt. Its facts must never pass for a real verifier's.
use crate::contracts::VerifiedStatement;

pub const BATCHES: u32 = 3;

#[starknet::contract]
pub mod MockVerifier {
    use crate::contracts::{IModelVerifier, VerifiedStatement};

    #[storage]
    struct Storage {}

    #[abi(embed_v0)]
    impl MockVerifierImpl of IModelVerifier<ContractState> {
        fn model_commitment(self: @ContractState) -> felt252 {
            0
        }

        fn verify(
            self: @ContractState, proof: Span<felt252>, min_security_bits: u32,
        ) -> VerifiedStatement {
            super::stated(proof)
        }

        fn verify_head(
            self: @ContractState, head: Span<felt252>, min_security_bits: u32,
        ) -> (VerifiedStatement, u32) {
            (super::stated(head), super::BATCHES)
        }

        fn verify_batch(self: @ContractState, head: Span<felt252>, batch: Span<felt252>) -> u32 {
            (*batch[0]).try_into().unwrap()
        }
    }
}

/// The calldata the mock takes for a statement.
pub fn calldata_of(statement: @VerifiedStatement) -> Span<felt252> {
    let mut out = array![];
    statement.serialize(ref out);
    out.span()
}

fn stated(mut calldata: Span<felt252>) -> VerifiedStatement {
    Serde::deserialize(ref calldata).unwrap()
}
