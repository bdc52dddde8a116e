//! The Mersenne-31 field and its extensions, in software (Starknet contracts cannot use
//! core::qm31): M31 = Z/(2^31 - 1), CM31 = M31[i]/(i^2 + 1), QM31 = CM31[u]/(u^2 - 2 - i).
pub mod m31;
pub mod cm31;
pub mod qm31;
