//! CM31 = M31[i]/(i^2 + 1): a + b·i.
use core::num::traits::{One, Zero};
use super::m31::{M31, M31Trait, batch_inverse};

#[derive(Copy, Drop, Debug, PartialEq)]
pub struct CM31 {
    pub a: M31,
    pub b: M31,
}

#[generate_trait]
pub impl CM31Impl of CM31Trait {
    fn from_m31(a: M31) -> CM31 {
        CM31 { a, b: Zero::zero() }
    }

    fn square(self: CM31) -> CM31 {
        self * self
    }

    fn conjugate(self: CM31) -> CM31 {
        CM31 { a: self.a, b: -self.b }
    }

    fn mul_m31(self: CM31, rhs: M31) -> CM31 {
        CM31 { a: self.a * rhs, b: self.b * rhs }
    }

    /// The coordinates as felt252, for products reduced once (M31Trait::reduce_felt).
    fn felts(self: CM31) -> (felt252, felt252) {
        (self.a.felt(), self.b.felt())
    }

    /// (a - b·i) / (a² + b²); panics on zero.
    fn inverse(self: CM31) -> CM31 {
        self.conjugate().mul_m31((self.a.square() + self.b.square()).inverse())
    }
}

/// The inverses of values (none zero) with one field inversion: 1/d = conj(d) / (a² + b²).
pub fn batch_inverse_cm31(values: Span<CM31>) -> Span<CM31> {
    let mut norms = array![];
    for d in values {
        norms.append((*d.a).square() + (*d.b).square());
    };
    let norm_inverses = batch_inverse(norms.span());
    let mut inverses = array![];
    let mut i = 0;
    while i != values.len() {
        inverses.append((*values[i]).conjugate().mul_m31(*norm_inverses[i]));
        i += 1;
    };
    inverses.span()
}

impl CM31Add of Add<CM31> {
    fn add(lhs: CM31, rhs: CM31) -> CM31 {
        CM31 { a: lhs.a + rhs.a, b: lhs.b + rhs.b }
    }
}

impl CM31Sub of Sub<CM31> {
    fn sub(lhs: CM31, rhs: CM31) -> CM31 {
        CM31 { a: lhs.a - rhs.a, b: lhs.b - rhs.b }
    }
}

impl CM31Mul of Mul<CM31> {
    fn mul(lhs: CM31, rhs: CM31) -> CM31 {
        let (a, b) = lhs.felts();
        let (c, d) = rhs.felts();
        CM31 {
            a: M31Trait::reduce_signed_felt(a * c - b * d), b: M31Trait::reduce_felt(a * d + b * c),
        }
    }
}

impl CM31Neg of Neg<CM31> {
    fn neg(a: CM31) -> CM31 {
        CM31 { a: -a.a, b: -a.b }
    }
}

impl CM31Zero of Zero<CM31> {
    fn zero() -> CM31 {
        CM31 { a: Zero::zero(), b: Zero::zero() }
    }
    fn is_zero(self: @CM31) -> bool {
        self.a.is_zero() && self.b.is_zero()
    }
    fn is_non_zero(self: @CM31) -> bool {
        !self.is_zero()
    }
}

impl CM31One of One<CM31> {
    fn one() -> CM31 {
        CM31 { a: One::one(), b: Zero::zero() }
    }
    fn is_one(self: @CM31) -> bool {
        self.a.is_one() && self.b.is_zero()
    }
    fn is_non_one(self: @CM31) -> bool {
        !self.is_one()
    }
}
