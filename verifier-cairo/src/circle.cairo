//! Points of the circle x² + y² = 1 over M31 or QM31, the group law (x1·x2 - y1·y2,
//! x1·y2 + y1·x2), and the doubling map π(x, y) = (2x² - 1, 2xy) (src/circle/circle_point.h).
use core::num::traits::{One, Zero};
use crate::fields::m31::M31;
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

/// The point index·G, G = (2, 1268011823) the generator of the circle group (CirclePointIndex::
/// ToPoint): double-and-add over the index's 31 bits.
pub fn point_at_index(index: u32) -> CirclePoint<M31> {
    let mut power = CirclePoint { x: M31 { inner: 2 }, y: M31 { inner: 1268011823 } };
    let mut result = CirclePointTrait::zero();
    let mut bits = index & INDEX_MASK;
    while bits != 0 {
        if bits & 1 == 1 {
            result = result + power;
        }
        power = power.double();
        bits /= 2;
    };
    result
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
