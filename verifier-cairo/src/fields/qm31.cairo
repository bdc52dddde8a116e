//! QM31 = CM31[u]/(u^2 - 2 - i): c0 + c1·u, coordinates [c0.a, c0.b, c1.a, c1.b] everywhere
//! (hashing, columns, serialization), as in src/field/qm31.h.
use core::num::traits::{One, Zero};
use super::cm31::{CM31, CM31Trait};
use super::m31::{M31, M31Trait};

#[derive(Copy, Drop, Debug, PartialEq)]
pub struct QM31 {
    pub c0: CM31,
    pub c1: CM31,
}

/// u^2 = 2 + i.
pub const R: CM31 = CM31 { a: M31 { inner: 2 }, b: M31 { inner: 1 } };

#[generate_trait]
pub impl QM31Impl of QM31Trait {
    /// Panics unless every coordinate is below P.
    fn from_u32s(a: u32, b: u32, c: u32, d: u32) -> QM31 {
        QM31 {
            c0: CM31 { a: m31_checked(a), b: m31_checked(b) },
            c1: CM31 { a: m31_checked(c), b: m31_checked(d) },
        }
    }

    fn from_m31s(a: M31, b: M31, c: M31, d: M31) -> QM31 {
        QM31 { c0: CM31 { a, b }, c1: CM31 { a: c, b: d } }
    }

    fn from_m31(a: M31) -> QM31 {
        QM31 { c0: CM31Trait::from_m31(a), c1: Zero::zero() }
    }

    fn to_m31s(self: QM31) -> [M31; 4] {
        [self.c0.a, self.c0.b, self.c1.a, self.c1.b]
    }

    /// The coordinates as felt252, for sums of products reduced once (mul_felts).
    fn felts(self: QM31) -> [felt252; 4] {
        let (a, b) = self.c0.felts();
        let (c, d) = self.c1.felts();
        [a, b, c, d]
    }

    fn square(self: QM31) -> QM31 {
        self * self
    }

    fn mul_m31(self: QM31, rhs: M31) -> QM31 {
        QM31 { c0: self.c0.mul_m31(rhs), c1: self.c1.mul_m31(rhs) }
    }

    /// (c0 - c1·u) / (c0² - R·c1²); panics on zero.
    fn inverse(self: QM31) -> QM31 {
        let denominator_inverse = (self.c0.square() - R * self.c1.square()).inverse();
        QM31 { c0: self.c0 * denominator_inverse, c1: -self.c1 * denominator_inverse }
    }

    /// e0 + e1·i + e2·u + e3·iu: a QM31 value from its four coordinate polynomials' values.
    fn from_partial_evals(e: [QM31; 4]) -> QM31 {
        let [e0, e1, e2, e3] = e;
        let i = QM31 { c0: CM31 { a: Zero::zero(), b: One::one() }, c1: Zero::zero() };
        let u = QM31 { c0: Zero::zero(), c1: One::one() };
        e0 + e1 * i + e2 * u + e3 * i * u
    }
}

fn m31_checked(v: u32) -> M31 {
    match M31Trait::from_u32(v) {
        Option::Some(value) => value,
        Option::None => core::panic_with_felt252('M31 value out of range'),
    }
}

impl QM31Add of Add<QM31> {
    fn add(lhs: QM31, rhs: QM31) -> QM31 {
        QM31 { c0: lhs.c0 + rhs.c0, c1: lhs.c1 + rhs.c1 }
    }
}

impl QM31Sub of Sub<QM31> {
    fn sub(lhs: QM31, rhs: QM31) -> QM31 {
        QM31 { c0: lhs.c0 - rhs.c0, c1: lhs.c1 - rhs.c1 }
    }
}

impl QM31Mul of Mul<QM31> {
    #[inline(always)]
    fn mul(lhs: QM31, rhs: QM31) -> QM31 {
        mul_felts(lhs.felts(), rhs.felts())
    }
}

/// The product of two QM31 values given by their coordinates as felt252, which need not be
/// reduced, reduced once (product_coordinates). Every coordinate's sum must stay within 2^125 in
/// absolute value: coordinates below 2^60 times reduced ones, for example.
pub fn mul_felts(lhs: [felt252; 4], rhs: [felt252; 4]) -> QM31 {
    from_signed_coordinates(product_coordinates(lhs, rhs))
}

/// lhs·rhs + addend, as mul_felts, the addend's coordinates added before the one reduction.
pub fn mul_add_felts(lhs: [felt252; 4], rhs: [felt252; 4], addend: [felt252; 4]) -> QM31 {
    from_signed_coordinates(add_coordinates(product_coordinates(lhs, rhs), addend))
}

/// The coordinates of lhs·rhs, unreduced: (a + b·u)(c + d·u) = a·c + R·b·d + (a·d + b·c)·u, each
/// coordinate a signed sum of products of the inputs' coordinates.
pub fn product_coordinates(lhs: [felt252; 4], rhs: [felt252; 4]) -> [felt252; 4] {
    let [a0, a1, a2, a3] = lhs;
    let [b0, b1, b2, b3] = rhs;
    // b·d = m + n·i, and R·(m + n·i) = (2m - n) + (m + 2n)·i.
    let m = a2 * b2 - a3 * b3;
    let n = a2 * b3 + a3 * b2;
    [
        a0 * b0 - a1 * b1 + m + m - n, a0 * b1 + a1 * b0 + m + n + n,
        a0 * b2 - a1 * b3 + a2 * b0 - a3 * b1, a0 * b3 + a1 * b2 + a2 * b1 + a3 * b0,
    ]
}

pub fn add_coordinates(lhs: [felt252; 4], rhs: [felt252; 4]) -> [felt252; 4] {
    let [a0, a1, a2, a3] = lhs;
    let [b0, b1, b2, b3] = rhs;
    [a0 + b0, a1 + b1, a2 + b2, a3 + b3]
}

/// The QM31 value with these coordinates, each a sum within (-2^125, 2^125), reduced once.
pub fn from_signed_coordinates(coordinates: [felt252; 4]) -> QM31 {
    let [c0, c1, c2, c3] = coordinates;
    QM31 {
        c0: CM31 { a: M31Trait::reduce_signed_felt(c0), b: M31Trait::reduce_signed_felt(c1) },
        c1: CM31 { a: M31Trait::reduce_signed_felt(c2), b: M31Trait::reduce_signed_felt(c3) },
    }
}

impl QM31Neg of Neg<QM31> {
    fn neg(a: QM31) -> QM31 {
        QM31 { c0: -a.c0, c1: -a.c1 }
    }
}

impl QM31Zero of Zero<QM31> {
    fn zero() -> QM31 {
        QM31 { c0: Zero::zero(), c1: Zero::zero() }
    }
    fn is_zero(self: @QM31) -> bool {
        self.c0.is_zero() && self.c1.is_zero()
    }
    fn is_non_zero(self: @QM31) -> bool {
        !self.is_zero()
    }
}

impl QM31One of One<QM31> {
    fn one() -> QM31 {
        QM31 { c0: One::one(), c1: Zero::zero() }
    }
    fn is_one(self: @QM31) -> bool {
        self.c0.is_one() && self.c1.is_zero()
    }
    fn is_non_one(self: @QM31) -> bool {
        !self.is_one()
    }
}

#[cfg(test)]
mod tests {
    use core::num::traits::One;
    use super::{QM31, QM31Trait};

    #[test]
    fn test_inverse() {
        let a = QM31Trait::from_u32s(1, 2, 3, 4);
        assert(a * a.inverse() == One::one(), 'inverse');
    }

    #[test]
    fn test_u_squared_is_2_plus_i() {
        let u = QM31Trait::from_u32s(0, 0, 1, 0);
        assert(u * u == QM31Trait::from_u32s(2, 1, 0, 0), 'u^2');
    }
}
