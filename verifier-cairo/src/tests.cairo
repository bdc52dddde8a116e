//! Tests against the vectors the C++ side checks too (tests/vectors/, scripts/cairo/
//! gen_vector_tests.mjs), proofs of the C++ prover read back (gen_proof_fixtures.mjs), full
//! verifications of proofs of the example models (gen_airs.mjs), and the fact registry's
//! rules with a mock verifier, and the lending example's with a mock final verifier.
mod channel_vectors;
mod fact_registry_jobs;
mod lending;
mod mock_final_verifier;
mod mock_verifier;
mod merkle_vectors;
mod proof_fixtures;
mod verify_fashion_mlp;
mod verify_pinn;
mod verify_tiny_mlp;
mod verify_tiny_mlp_in_batches;
