//! The final verifier contract (crate::contracts::IFinalVerifier): final proofs of any model, read
//! with the final recursion AIR (crate::final_air), the same for every model. A fact registry
//! records a fact per inner proof it states, under the inner model's id within the proof's
//! circuit (contracts::verify_final_calldata), which binds the proof's preprocessed root.
#[starknet::contract]
pub mod FinalVerifier {
    use crate::contracts::{IFinalVerifier, VerifiedStatement, verify_final_calldata};
    use crate::final_air::Air;

    #[storage]
    struct Storage {}

    #[abi(embed_v0)]
    impl FinalVerifierImpl of IFinalVerifier<ContractState> {
        fn verify_final(
            self: @ContractState, proof: Span<felt252>, min_security_bits: u32,
        ) -> Span<VerifiedStatement> {
            verify_final_calldata::<Air>(proof, min_security_bits)
        }
    }
}
