//! Points of the circle x² + y² = 1 over M31 or QM31, the group law (x1·x2 - y1·y2,
//! x1·y2 + y1·x2), and the doubling map π(x, y) = (2x² - 1, 2xy) (src/circle/circle_point.h).
use core::num::traits::{One, Zero};
use crate::fields::qm31::{QM31, QM31Trait};

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

#[cfg(test)]
mod tests {
    use core::num::traits::One;
    use crate::fields::qm31::QM31Trait;
    use super::{CirclePointTrait, point_from_t};

    #[test]
    fn test_points_from_t_are_on_the_circle() {
        let p = point_from_t(QM31Trait::from_u32s(5, 6, 7, 8));
        assert(p.x * p.x + p.y * p.y == One::one(), 'on circle');
        let q = p.double();
        assert(q.x * q.x + q.y * q.y == One::one(), 'doubled on circle');
        assert(p + p == q, 'double is add');
        assert(p + p.conjugate() == CirclePointTrait::zero(), 'conjugate is inverse');
    }
}
