//! Points of the circle x² + y² = 1 over M31 or QM31, the group law (x1·x2 - y1·y2,
//! x1·y2 + y1·x2), and the doubling map π(x, y) = (2x² - 1, 2xy) (src/circle/circle_point.h).
use core::num::traits::{One, Zero};
use crate::fields::m31::{M31, M31Trait};
use crate::fields::qm31::{QM31, QM31Trait};

/// The circle group over M31 has order 2^31; point indices are taken modulo it.
const INDEX_MASK: u32 = 0x7fffffff;

#[derive(Copy, Drop, Debug, PartialEq)]
pub struct CirclePoint<F> {
    pub x: F,
    pub y: F,
}

#[generate_trait]
pub impl CirclePointImpl<
    F, +Add<F>, +Sub<F>, +Mul<F>, +Neg<F>, +One<F>, +Zero<F>, +Copy<F>, +Drop<F>,
> of CirclePointTrait<F> {
    fn zero() -> CirclePoint<F> {
        CirclePoint { x: One::one(), y: Zero::zero() }
    }

    fn double(self: CirclePoint<F>) -> CirclePoint<F> {
        let x2 = self.x * self.x;
        let xy = self.x * self.y;
        CirclePoint { x: x2 + x2 - One::one(), y: xy + xy }
    }

    fn repeated_double(self: CirclePoint<F>, n: u32) -> CirclePoint<F> {
        let mut p = self;
        let mut i = 0;
        while i != n {
            p = p.double();
            i += 1;
        };
        p
    }

    /// The inverse in the group: the conjugate (x, -y).
    fn conjugate(self: CirclePoint<F>) -> CirclePoint<F> {
        CirclePoint { x: self.x, y: -self.y }
    }
}

/// The x coordinate of the doubled point: 2x² - 1.
pub fn double_x<F, +Add<F>, +Sub<F>, +Mul<F>, +One<F>, +Copy<F>, +Drop<F>>(x: F) -> F {
    let x2 = x * x;
    x2 + x2 - One::one()
}

impl CirclePointAdd<F, +Add<F>, +Sub<F>, +Mul<F>, +Copy<F>, +Drop<F>> of Add<CirclePoint<F>> {
    fn add(lhs: CirclePoint<F>, rhs: CirclePoint<F>) -> CirclePoint<F> {
        CirclePoint { x: lhs.x * rhs.x - lhs.y * rhs.y, y: lhs.x * rhs.y + lhs.y * rhs.x }
    }
}

/// The point ((1 - t²)/(1 + t²), 2t/(1 + t²)): how the out-of-domain point is drawn from a random
/// t (CirclePoint::FromT).
pub fn point_from_t(t: QM31) -> CirclePoint<QM31> {
    let t2 = t * t;
    let inverse = (QM31Trait::from_m31(One::one()) + t2).inverse();
    CirclePoint { x: (One::one() - t2) * inverse, y: (t + t) * inverse }
}

/// 2^k·G for k = 0 … 30, then the identity for the always-clear bit 31: x, y per point.
const GENERATOR_POWERS: [u32; 64] = [
    2, 1268011823, 7, 777079998, 97, 141701737, 18817, 1720333214, 708158977, 683185920, 334835419, 1444967316, 2042371533, 1362265296, 212706801, 1223819887, 421007138, 256177860, 6346213, 905523693, 1022251061, 788094511, 1633461177, 574296567, 595037635, 2111542451, 1799120754, 343598868, 438833264, 1327019128, 1389168750, 838891026, 1543902459, 1632329423, 1330239767, 1446369578, 1420207432, 2023238517, 2015554631, 1088093947, 996212859, 1140996376, 1434706457, 1835793811, 13610297, 1064696601, 785043271, 1260750973, 838195206, 1774253895, 579625837, 1690787918, 1179735656, 1241207368, 590768354, 978592373, 32768, 2147450879, 0, 2147483646, 2147483646, 0, 1, 0,
];

/// The point index·G, G = (2, 1268011823) the generator of the circle group (CirclePointIndex::
/// ToPoint): the sum of 2^k·G over the index's set bits, four bits per loop iteration (a loop
/// iteration costs more Cairo steps than a point addition).
pub fn point_at_index(index: u32) -> CirclePoint<M31> {
    let powers = GENERATOR_POWERS.span();
    let mut result = CirclePointTrait::zero();
    let mut bits = index & INDEX_MASK;
    let mut k = 0;
    while bits != 0 {
        let (rest, nibble) = DivRem::div_rem(bits, 16);
        let (high, b0) = DivRem::div_rem(nibble, 2);
        let (high, b1) = DivRem::div_rem(high, 2);
        let (b3, b2) = DivRem::div_rem(high, 2);
        if b0 == 1 {
            result = add_m31_points(result, power_at(powers, k));
        }
        if b1 == 1 {
            result = add_m31_points(result, power_at(powers, k + 1));
        }
        if b2 == 1 {
            result = add_m31_points(result, power_at(powers, k + 2));
        }
        if b3 == 1 {
            result = add_m31_points(result, power_at(powers, k + 3));
        }
        bits = rest;
        k += 4;
    };
    result
}

fn power_at(powers: Span<u32>, k: u32) -> CirclePoint<M31> {
    CirclePoint { x: M31 { inner: *powers[2 * k] }, y: M31 { inner: *powers[2 * k + 1] } }
}

/// The group law on M31 points, each coordinate reduced once from its felt252 value.
pub fn add_m31_points(a: CirclePoint<M31>, b: CirclePoint<M31>) -> CirclePoint<M31> {
    let (x1, y1): (felt252, felt252) = (a.x.inner.into(), a.y.inner.into());
    let (x2, y2): (felt252, felt252) = (b.x.inner.into(), b.y.inner.into());
    CirclePoint {
        x: M31Trait::reduce_signed_felt(x1 * x2 - y1 * y2), y: M31Trait::reduce_felt(x1 * y2 + y1 * x2),
    }
}

/// The index of G_(2^log_size), the generator of the subgroup of 2^log_size points.
pub fn subgroup_generator_index(log_size: u32) -> u32 {
    crate::queries::pow2(31 - log_size)
}

/// initial + <step>, of 2^log_size points, as point indices (src/circle/coset.h).
#[derive(Drop, Copy, Debug, PartialEq)]
pub struct Coset {
    pub initial_index: u32,
    pub step_index: u32,
    pub log_size: u32,
}

#[generate_trait]
pub impl CosetImpl of CosetTrait {
    /// G_(2^(log_size+2)) + <G_(2^log_size)>: the half coset of CanonicCoset(log_size + 1).
    fn half_odds(log_size: u32) -> Coset {
        Coset {
            initial_index: subgroup_generator_index(log_size + 2),
            step_index: subgroup_generator_index(log_size),
            log_size,
        }
    }

    fn index_at(self: @Coset, i: u32) -> u32 {
        let index: u64 = (*self.initial_index).into() + (*self.step_index).into() * i.into();
        (index % 0x80000000).try_into().unwrap()
    }

    fn at(self: @Coset, i: u32) -> CirclePoint<M31> {
        point_at_index(self.index_at(i))
    }

    /// k·step.
    fn step_multiple(self: @Coset, k: u32) -> CirclePoint<M31> {
        let index: u64 = (*self.step_index).into() * k.into();
        point_at_index((index % 0x80000000).try_into().unwrap())
    }

    /// 2·initial + <2·step>, half the size.
    fn double(self: @Coset) -> Coset {
        Coset {
            initial_index: (*self.initial_index * 2) & INDEX_MASK,
            step_index: (*self.step_index * 2) & INDEX_MASK,
            log_size: *self.log_size - 1,
        }
    }
}

/// Point i (natural order) of CanonicCoset(log_size).circle_domain(): its half coset H's point i,
/// or for i ≥ |H| the conjugate of H's point i - |H|.
pub fn canonic_domain_point(log_size: u32, i: u32) -> CirclePoint<M31> {
    let half = CosetTrait::half_odds(log_size - 1);
    let half_size = crate::queries::pow2(log_size - 1);
    if i < half_size {
        half.at(i)
    } else {
        half.at(i - half_size).conjugate()
    }
}

/// The low log_size bits of i in reverse order.
pub fn bit_reverse_index(i: u32, log_size: u32) -> u32 {
    let mut bits = i;
    let mut reversed = 0;
    let mut k = 0;
    while k != log_size {
        reversed = reversed * 2 + (bits & 1);
        bits /= 2;
        k += 1;
    };
    reversed
}

#[cfg(test)]
mod tests {
    use core::num::traits::{One, Zero};
    use crate::fields::m31::{M31Trait, P};
    use crate::fields::qm31::QM31Trait;
    use super::{CirclePoint, CirclePointTrait, bit_reverse_index, point_at_index, point_from_t};

    #[test]
    fn test_points_from_t_are_on_the_circle() {
        let p = point_from_t(QM31Trait::from_u32s(5, 6, 7, 8));
        assert(p.x * p.x + p.y * p.y == One::one(), 'on circle');
        let q = p.double();
        assert(q.x * q.x + q.y * q.y == One::one(), 'doubled on circle');
        assert(p + p == q, 'double is add');
        assert(p + p.conjugate() == CirclePointTrait::zero(), 'conjugate is inverse');
    }

    #[test]
    fn test_point_indices() {
        let minus_one = M31Trait::reduce_u32(P - 1);
        assert(point_at_index(0x40000000) == CirclePoint { x: minus_one, y: Zero::zero() }, 'G_2');
        assert(point_at_index(0x80000000) == CirclePointTrait::zero(), 'order 2^31');
        let g = point_at_index(1);
        assert(point_at_index(3) == g + g + g, '3G');
        assert(point_at_index(0x7fffffff) == g.conjugate(), '-G');
        assert(bit_reverse_index(0b0011, 4) == 0b1100, 'bit reverse');
    }
}
