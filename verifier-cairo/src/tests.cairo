//! Tests against the vectors the C++ side checks too (tests/vectors/, scripts/cairo/
//! gen_vector_tests.mjs), proofs of the C++ prover read back (gen_proof_fixtures.mjs), and full
//! verifications of proofs of the example models (gen_airs.mjs).
mod channel_vectors;
mod merkle_vectors;
mod proof_fixtures;
mod verify_fashion_mlp;
mod verify_pinn;
