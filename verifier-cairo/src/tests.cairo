//! Tests against the vectors the C++ side checks too (tests/vectors/), generated into Cairo by
//! scripts/cairo/gen_vector_tests.mjs.
mod channel_vectors;
mod merkle_vectors;
mod proof_fixtures;
