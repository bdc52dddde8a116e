//! M31 = Z/(2^31 - 1), values kept reduced in [0, P).
use core::num::traits::{One, Zero};

pub const P: u32 = 0x7fffffff;
const P_U128: NonZero<u128> = 0x7fffffff;
const P_U256: NonZero<u256> = 0x7fffffff;
/// P·2^95 > 2^125: added to a signed sum (of products of reduced values, for example) to make it
/// non-negative and below 2^128 without changing it mod P.
const SIGNED_OFFSET: felt252 = 0x3fffffff800000000000000000000000;

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

    /// x mod P for an x in [0, 2^128): a sum of products of reduced values, computed in felt252
    /// (one field operation each) and reduced once.
    fn reduce_felt(x: felt252) -> M31 {
        let v: u128 = x.try_into().unwrap();
        let (_, r) = DivRem::div_rem(v, P_U128);
        M31 { inner: r.try_into().unwrap() }
    }

    /// x mod P for an x in (-2^125, 2^125) computed in felt252.
    fn reduce_signed_felt(x: felt252) -> M31 {
        Self::reduce_felt(x + SIGNED_OFFSET)
    }

    fn square(self: M31) -> M31 {
        self * self
    }

    /// 1/self; panics on zero. The corelib's modular inverse takes the inverse from a hint and
    /// checks it with one product: far fewer steps than self^(P - 2).
    fn inverse(self: M31) -> M31 {
        match core::math::u256_inv_mod(self.inner.into(), P_U256) {
            Option::Some(inverse) => {
                let inverse: u256 = inverse.into();
                M31 { inner: inverse.low.try_into().unwrap() }
            },
            Option::None => core::panic_with_felt252('M31: inverse of zero'),
        }
    }
}

/// The inverses of values (none zero) with one field inversion (Montgomery's trick).
pub fn batch_inverse(values: Span<M31>) -> Span<M31> {
    if values.len() == 0 {
        return values;
    }
    let mut prefix = array![*values[0]];
    let mut i = 1;
    while i != values.len() {
        prefix.append(*prefix[i - 1] * *values[i]);
        i += 1;
    };
    // Backwards: inverse = 1 / (values[0] ⋯ values[i]).
    let mut inverse = (*prefix[values.len() - 1]).inverse();
    let mut reversed = array![];
    let mut i = values.len();
    while i != 1 {
        i -= 1;
        reversed.append(inverse * *prefix[i - 1]);
        inverse = inverse * *values[i];
    };
    reversed.append(inverse);
    let mut inverses = array![];
    let mut i = reversed.len();
    while i != 0 {
        i -= 1;
        inverses.append(*reversed[i]);
    };
    inverses.span()
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
        let lhs: felt252 = lhs.inner.into();
        M31Impl::reduce_felt(lhs * rhs.inner.into())
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
    use super::{M31, M31Trait, P, batch_inverse};

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
        let values = array![a, M31 { inner: 2 }, M31 { inner: P - 1 }].span();
        let inverses = batch_inverse(values);
        assert(inverses.len() == 3, 'batch length');
        assert(*inverses[0] == a.inverse() && *inverses[1] == M31 { inner: 0x40000000 }, 'batch');
        assert(*inverses[2] == M31 { inner: P - 1 }, 'batch -1');
        assert(M31Trait::reduce_signed_felt(-5) == M31 { inner: P - 5 }, 'signed');
        // 2^124 = (2^31)^4 = 1 mod P, at the edge of the range a signed sum may take.
        let two_124: felt252 = 0x10000000000000000000000000000000;
        assert(M31Trait::reduce_signed_felt(two_124) == One::one(), 'signed 2^124');
        assert(M31Trait::reduce_signed_felt(-two_124) == M31 { inner: P - 1 }, 'signed -2^124');
    }
}
