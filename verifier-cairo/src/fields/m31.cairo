//! M31 = Z/(2^31 - 1), values kept reduced in [0, P).
//! The value is a bounded integer (the corelib's BoundedInt), so the compiler knows its range:
//! sums, differences and products need one range-checked comparison or division each, where u32
//! arithmetic would check for overflow first. Field code reduces once from felt252 sums of
//! products (reduce_felt) wherever it can.
use core::internal::bounded_int::{
    AddHelper, BoundedInt, ConstrainHelper, DivRemHelper, SubHelper, add, constrain, div_rem, sub,
    upcast,
};
use core::num::traits::{One, WideMul, Zero};

pub const P: u32 = 0x7fffffff;
const P_U256: NonZero<u256> = 0x7fffffff;
/// P·2^95 > 2^125: added to a signed sum (of products of reduced values, for example) to make it
/// non-negative and below 2^128 without changing it mod P.
const SIGNED_OFFSET: felt252 = 0x3fffffff800000000000000000000000;

/// A reduced value: [0, P).
pub type M31Inner = BoundedInt<0, 0x7ffffffe>;
type ConstValue<const VALUE: felt252> = BoundedInt<VALUE, VALUE>;
const P_CONST: ConstValue<0x7fffffff> = 0x7fffffff;
const P_NON_ZERO: NonZero<ConstValue<0x7fffffff>> = 0x7fffffff;

#[derive(Copy, Drop, Debug, PartialEq)]
pub struct M31 {
    pub inner: M31Inner,
}

#[generate_trait]
pub impl M31Impl of M31Trait {
    /// v mod P, for any u32 (P itself and 2^32 - 1 included).
    fn reduce_u32(v: u32) -> M31 {
        let (_, r) = div_rem(v, P_NON_ZERO);
        M31 { inner: r }
    }

    /// v mod P for a v below 2^64 (a product of two reduced values, for example).
    fn reduce_u64(v: u64) -> M31 {
        let (_, r) = div_rem(v, P_NON_ZERO);
        M31 { inner: r }
    }

    /// x mod P for an x in [0, 2^128): a sum of products of reduced values, computed in felt252
    /// (one field operation each) and reduced once.
    fn reduce_felt(x: felt252) -> M31 {
        let v: u128 = x.try_into().unwrap();
        let (_, r) = div_rem(v, P_NON_ZERO);
        M31 { inner: r }
    }

    /// x mod P for an x in (-2^125, 2^125) computed in felt252.
    fn reduce_signed_felt(x: felt252) -> M31 {
        Self::reduce_felt(x + SIGNED_OFFSET)
    }

    /// v as an M31 value, or None unless v < P.
    fn from_u32(v: u32) -> Option<M31> {
        match constrain::<u32, 0x7fffffff>(v) {
            Result::Ok(reduced) => Option::Some(M31 { inner: reduced }),
            Result::Err(_) => Option::None,
        }
    }

    /// The value as felt252, for sums of products reduced once.
    fn felt(self: M31) -> felt252 {
        upcast(self.inner)
    }

    fn to_u32(self: M31) -> u32 {
        upcast(self.inner)
    }

    fn square(self: M31) -> M31 {
        self * self
    }

    /// 1/self; panics on zero. The corelib's modular inverse takes the inverse from a hint and
    /// checks it with one product: far fewer steps than self^(P - 2).
    fn inverse(self: M31) -> M31 {
        let value: u32 = upcast(self.inner);
        match core::math::u256_inv_mod(value.into(), P_U256) {
            Option::Some(inverse) => {
                let inverse: u256 = inverse.into();
                Self::reduce_felt(inverse.low.into())
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
    // prefix[i] = values[0] ⋯ values[i].
    let mut prefix = array![];
    let mut product: M31 = One::one();
    for value in values {
        product = product * *value;
        prefix.append(product);
    };
    // Backwards: inverse = 1 / (values[0] ⋯ values[i]).
    let mut inverse = product.inverse();
    let mut reversed = array![];
    let mut i = values.len() - 1;
    while i != 0 {
        reversed.append(inverse * *prefix[i - 1]);
        inverse = inverse * *values[i];
        i -= 1;
    };
    reversed.append(inverse);
    let mut inverses = array![];
    let mut reversed = reversed.span();
    while let Option::Some(inverse) = reversed.pop_back() {
        inverses.append(*inverse);
    };
    inverses.span()
}

impl M31AddHelper of AddHelper<M31Inner, M31Inner> {
    type Result = BoundedInt<0, 0xfffffffc>;
}

impl M31SumConstrain of ConstrainHelper<BoundedInt<0, 0xfffffffc>, 0x7fffffff> {
    type LowT = M31Inner;
    type HighT = BoundedInt<0x7fffffff, 0xfffffffc>;
}

impl M31SumReduce of SubHelper<BoundedInt<0x7fffffff, 0xfffffffc>, ConstValue<0x7fffffff>> {
    type Result = BoundedInt<0, 0x7ffffffd>;
}

impl M31SubHelper of SubHelper<M31Inner, M31Inner> {
    type Result = BoundedInt<-0x7ffffffe, 0x7ffffffe>;
}

impl M31DifferenceConstrain of ConstrainHelper<BoundedInt<-0x7ffffffe, 0x7ffffffe>, 0> {
    type LowT = BoundedInt<-0x7ffffffe, -1>;
    type HighT = M31Inner;
}

impl M31DifferenceReduce of AddHelper<BoundedInt<-0x7ffffffe, -1>, ConstValue<0x7fffffff>> {
    type Result = BoundedInt<1, 0x7ffffffe>;
}

impl U32Constrain of ConstrainHelper<u32, 0x7fffffff> {
    type LowT = M31Inner;
    type HighT = BoundedInt<0x7fffffff, 0xffffffff>;
}

impl DivRemU32ByP of DivRemHelper<u32, ConstValue<0x7fffffff>> {
    type DivT = BoundedInt<0, 2>;
    type RemT = M31Inner;
}

impl DivRemU64ByP of DivRemHelper<u64, ConstValue<0x7fffffff>> {
    type DivT = BoundedInt<0, 0x200000004>;
    type RemT = M31Inner;
}

impl DivRemU128ByP of DivRemHelper<u128, ConstValue<0x7fffffff>> {
    type DivT = BoundedInt<0, 0x2000000040000000800000010>;
    type RemT = M31Inner;
}

impl M31Add of Add<M31> {
    fn add(lhs: M31, rhs: M31) -> M31 {
        match constrain::<_, 0x7fffffff>(add(lhs.inner, rhs.inner)) {
            Result::Ok(sum) => M31 { inner: sum },
            Result::Err(sum) => M31 { inner: upcast(sub(sum, P_CONST)) },
        }
    }
}

impl M31Sub of Sub<M31> {
    fn sub(lhs: M31, rhs: M31) -> M31 {
        match constrain::<_, 0>(sub(lhs.inner, rhs.inner)) {
            Result::Ok(negative) => M31 { inner: upcast(add(negative, P_CONST)) },
            Result::Err(difference) => M31 { inner: difference },
        }
    }
}

impl M31Mul of Mul<M31> {
    fn mul(lhs: M31, rhs: M31) -> M31 {
        let lhs: u32 = upcast(lhs.inner);
        M31Impl::reduce_u64(lhs.wide_mul(upcast(rhs.inner)))
    }
}

impl M31Neg of Neg<M31> {
    fn neg(a: M31) -> M31 {
        Zero::zero() - a
    }
}

impl M31Zero of Zero<M31> {
    fn zero() -> M31 {
        M31 { inner: 0 }
    }
    fn is_zero(self: @M31) -> bool {
        *self == Self::zero()
    }
    fn is_non_zero(self: @M31) -> bool {
        !self.is_zero()
    }
}

impl M31One of One<M31> {
    fn one() -> M31 {
        M31 { inner: 1 }
    }
    fn is_one(self: @M31) -> bool {
        *self == Self::one()
    }
    fn is_non_one(self: @M31) -> bool {
        !self.is_one()
    }
}

#[cfg(test)]
mod tests {
    use core::num::traits::One;
    use super::{M31, M31Trait, P, batch_inverse};

    fn m31(v: u32) -> M31 {
        M31Trait::from_u32(v).unwrap()
    }

    #[test]
    fn test_arithmetic_wraps_at_p() {
        let a = m31(P - 1);
        assert(a + m31(1) == m31(0), 'add');
        assert(a + a == m31(P - 2), 'add twice');
        assert(m31(0) - m31(1) == a, 'sub');
        assert(m31(5) - m31(3) == m31(2), 'sub positive');
        assert(a * a == m31(1), 'mul');
        assert(-a == m31(1), 'neg');
        assert(-m31(0) == m31(0), 'neg zero');
        assert(M31Trait::reduce_u32(0xffffffff) == m31(1), 'reduce');
        assert(M31Trait::reduce_u32(P) == m31(0), 'reduce P');
        assert(M31Trait::from_u32(P).is_none(), 'P is not reduced');
        assert(M31Trait::reduce_u64(0xffffffffffffffff) == m31(3), 'reduce u64');
    }

    #[test]
    fn test_inverse() {
        let a = m31(123456789);
        assert(a * a.inverse() == One::one(), 'inverse');
        assert(m31(2).inverse() == m31(0x40000000), 'half');
        let values = array![a, m31(2), m31(P - 1)].span();
        let inverses = batch_inverse(values);
        assert(inverses.len() == 3, 'batch length');
        assert(*inverses[0] == a.inverse() && *inverses[1] == m31(0x40000000), 'batch');
        assert(*inverses[2] == m31(P - 1), 'batch -1');
        assert(batch_inverse(array![a].span()) == array![a.inverse()].span(), 'batch of one');
        assert(M31Trait::reduce_signed_felt(-5) == m31(P - 5), 'signed');
        // 2^124 = (2^31)^4 = 1 mod P, at the edge of the range a signed sum may take.
        let two_124: felt252 = 0x10000000000000000000000000000000;
        assert(M31Trait::reduce_signed_felt(two_124) == One::one(), 'signed 2^124');
        assert(M31Trait::reduce_signed_felt(-two_124) == m31(P - 1), 'signed -2^124');
    }
}
