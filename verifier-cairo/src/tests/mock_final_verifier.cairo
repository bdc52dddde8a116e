//! A final verifier contract that verifies nothing, for the tests of the facts' consumers: a
//! proof is a serialized array of VerifiedStatement, which it states as the inner proofs'
//! (calldata_of_all). Its facts must never pass for a real verifier's.
use crate::contracts::VerifiedStatement;

#[starknet::contract]
pub mod MockFinalVerifier {
    use crate::contracts::{IFinalVerifier, VerifiedStatement};

    #[storage]
    struct Storage {}

    #[abi(embed_v0)]
    impl MockFinalVerifierImpl of IFinalVerifier<ContractState> {
        fn verify_final(
            self: @ContractState, proof: Span<felt252>, min_security_bits: u32,
        ) -> Span<VerifiedStatement> {
            let mut calldata = proof;
            let statements: Array<VerifiedStatement> = Serde::deserialize(ref calldata).unwrap();
            statements.span()
        }
    }
}

/// The calldata the final mock takes for statements.
pub fn calldata_of_all(statements: Array<VerifiedStatement>) -> Span<felt252> {
    let mut out = array![];
    statements.serialize(ref out);
    out.span()
}
