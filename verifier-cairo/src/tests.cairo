//! Tests against the vectors the C++ side checks too (tests/vectors/, scripts/cairo/
//! gen_vector_tests.mjs), proofs of the C++ prover read back (gen_proof_fixtures.mjs), and the
//! fact registry's rules and the lending example's with a mock final verifier. A real final
//! proof's verification is CTest cairo_verify_final's (scripts/cairo/verify_final.mjs).
mod channel_vectors;
mod fact_registry;
mod lending;
mod mock_final_verifier;
mod merkle_vectors;
mod proof_fixtures;
