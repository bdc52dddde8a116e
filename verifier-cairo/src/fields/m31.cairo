//! M31 = Z/(2^31 - 1), values kept reduced in [0, P).
use core::num::traits::{One, Zero};

pub const P: u32 = 0x7fffffff;
const P_U64: NonZero<u64> = 0x7fffffff;

#[derive(Copy, Drop, Debug, PartialEq)]
pub struct M31 {
    pub inner: u32,
}

#[generate_trait]
pub impl M31Impl of M31Trait {
    /// v mod P, for any u32 (P itself and 2^32 - 1 included).
    fn reduce_u32(v: u32) -> M31 {
        if v >= P {
            let w = v - P;
            if w >= P {
                return M31 { inner: w - P };
            }
            return M31 { inner: w };
        }
        M31 { inner: v }
    }

    fn reduce_u64(v: u64) -> M31 {
        let (_, r) = DivRem::div_rem(v, P_U64);
        M31 { inner: r.try_into().unwrap() }
    }

    fn square(self: M31) -> M31 {
        self * self
    }

    /// self^(P - 2); panics on zero.
    fn inverse(self: M31) -> M31 {
        assert(self.inner != 0, 'M31: inverse of zero');
        // P - 2 = 2^31 - 3: 29 ones, then 0, then 1 (square and multiply from the top bit).
        let mut result = self;
        let mut i = 0_u32;
        while i != 28 {
            result = result.square() * self;
            i += 1;
        };
        // result = self^(2^29 - 1); two more squarings with a multiplication after the last.
        result = result.square();
        result = result.square() * self;
        result
    }
}

impl M31Add of Add<M31> {
    fn add(lhs: M31, rhs: M31) -> M31 {
        let sum = lhs.inner + rhs.inner; // < 2^32 - 3
        if sum >= P {
            return M31 { inner: sum - P };
        }
        M31 { inner: sum }
    }
}

impl M31Sub of Sub<M31> {
    fn sub(lhs: M31, rhs: M31) -> M31 {
        if lhs.inner >= rhs.inner {
            return M31 { inner: lhs.inner - rhs.inner };
        }
        M31 { inner: lhs.inner + P - rhs.inner }
    }
}

impl M31Mul of Mul<M31> {
    fn mul(lhs: M31, rhs: M31) -> M31 {
        let product: u64 = lhs.inner.into() * rhs.inner.into();
        M31Impl::reduce_u64(product)
    }
}

impl M31Neg of Neg<M31> {
    fn neg(a: M31) -> M31 {
        if a.inner == 0 {
            return a;
        }
        M31 { inner: P - a.inner }
    }
}

impl M31Zero of Zero<M31> {
    fn zero() -> M31 {
        M31 { inner: 0 }
    }
    fn is_zero(self: @M31) -> bool {
        *self.inner == 0
    }
    fn is_non_zero(self: @M31) -> bool {
        *self.inner != 0
    }
}

impl M31One of One<M31> {
    fn one() -> M31 {
        M31 { inner: 1 }
    }
    fn is_one(self: @M31) -> bool {
        *self.inner == 1
    }
    fn is_non_one(self: @M31) -> bool {
        *self.inner != 1
    }
}

#[cfg(test)]
mod tests {
    use core::num::traits::One;
    use super::{M31, M31Trait, P};

    #[test]
    fn test_arithmetic_wraps_at_p() {
        let a = M31 { inner: P - 1 };
        assert(a + M31 { inner: 1 } == M31 { inner: 0 }, 'add');
        assert(M31 { inner: 0 } - M31 { inner: 1 } == a, 'sub');
        assert(a * a == M31 { inner: 1 }, 'mul');
        assert(-a == M31 { inner: 1 }, 'neg');
        assert(M31Trait::reduce_u32(0xffffffff) == M31 { inner: 1 }, 'reduce');
    }

    #[test]
    fn test_inverse() {
        let a = M31 { inner: 123456789 };
        assert(a * a.inverse() == One::one(), 'inverse');
        assert(M31 { inner: 2 }.inverse() == M31 { inner: 0x40000000 }, 'half');
    }
}
