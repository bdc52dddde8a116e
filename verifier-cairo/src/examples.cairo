//! Example contracts that consume the fact registry's facts.
pub mod lending;
