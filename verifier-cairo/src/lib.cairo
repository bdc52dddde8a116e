//! The tensorstark verifier: the C++ verifier (src/air/verifier.h) module for module.
pub mod fields;
pub mod circle;
pub mod channel;
pub mod queries;
pub mod merkle;
pub mod proof;
pub mod fri;
pub mod fri_fold;
pub mod pcs;
pub mod air;
pub mod statement;
pub mod verifier;
pub mod contracts;
pub mod consumer;
pub mod examples;
pub mod final_air;

#[cfg(test)]
mod tests;
