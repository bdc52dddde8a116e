//! Points of the circle x² + y² = 1 over M31 or QM31, the group law (x1·x2 - y1·y2,
//! x1·y2 + y1·x2), the doubling map π(x, y) = (2x² - 1, 2xy) (src/circle/circle_point.h), and
//! the points of the domains the verifier opens: a queried position's point, and the points of
//! the 16-point subgroup that steps between the positions of a FRI coset.
use core::internal::bounded_int::{BoundedInt, DivRemHelper, div_rem, upcast};
use core::num::traits::{One, Zero};
use crate::fields::m31::{M31, M31Trait, P};
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
/// t (CirclePoint::FromT). Panics where 1 + t² = 0 (DrawnOodsSample in src/air/layout.h).
pub fn point_from_t(t: QM31) -> CirclePoint<QM31> {
    let t2 = t * t;
    let denominator = QM31Trait::from_m31(One::one()) + t2;
    assert(denominator.is_non_zero(), 'oods point undefined');
    let inverse = denominator.inverse();
    CirclePoint { x: (One::one() - t2) * inverse, y: (t + t) * inverse }
}

/// π(p) on an M31 point, each coordinate reduced once: (2x² - 1, 2xy).
pub fn double_m31_point(p: CirclePoint<M31>) -> CirclePoint<M31> {
    let xy = p.x.felt() * p.y.felt();
    CirclePoint { x: double_m31_x(p.x), y: M31Trait::reduce_felt(xy + xy) }
}

/// π(x) = 2x² - 1 on an M31 x coordinate, reduced once.
pub fn double_m31_x(x: M31) -> M31 {
    let x = x.felt();
    let x2 = x * x;
    M31Trait::reduce_felt(x2 + x2 + (P - 1).into())
}

/// p + (a, b) for a point (a, b) given by its coordinates as felt252 (a table's), each coordinate
/// reduced once.
fn add_felt_point(p: CirclePoint<M31>, q: (felt252, felt252)) -> CirclePoint<M31> {
    let (a, b) = q;
    let (x, y) = (p.x.felt(), p.y.felt());
    CirclePoint {
        x: M31Trait::reduce_signed_felt(x * a - y * b), y: M31Trait::reduce_felt(x * b + y * a),
    }
}

/// p + k·G_16, G_16 the generator of the circle's subgroup of 16 points (k below 32).
pub fn add_subgroup_16_multiple(p: CirclePoint<M31>, k: u32) -> CirclePoint<M31> {
    add_felt_point(p, table_point(SUBGROUP_16.span(), k))
}

/// The x coordinate of p + k·G_16 (k below 32), reduced once.
pub fn x_plus_subgroup_16_multiple(p: CirclePoint<M31>, k: u32) -> M31 {
    let (a, b) = table_point(SUBGROUP_16.span(), k);
    M31Trait::reduce_signed_felt(p.x.felt() * a - p.y.felt() * b)
}

/// Point k of a table of points given as x, y pairs. (Tables of pairs are flat: the test runner
/// fails to load programs with constant arrays of tuples.)
fn table_point(table: Span<felt252>, k: u32) -> (felt252, felt252) {
    (*table[2 * k], *table[2 * k + 1])
}

/// k·G_16 for k = 0 … 31 as (x, y), G_16 = 2^27·G (checked by test_subgroup_16_table): the 16
/// points twice, so that a sum of two multiples below 16 needs no reduction.
const SUBGROUP_16: [felt252; 64] = [
    1, 0, 590768354, 978592373, 32768, 2147450879, 1168891274, 1556715293, 0, 2147483646,
    978592373, 1556715293, 2147450879, 2147450879, 1556715293, 978592373, 2147483646, 0,
    1556715293, 1168891274, 2147450879, 32768, 978592373, 590768354, 0, 1, 1168891274, 590768354,
    32768, 32768, 590768354, 1168891274,
    1, 0, 590768354, 978592373, 32768, 2147450879, 1168891274, 1556715293, 0, 2147483646,
    978592373, 1556715293, 2147450879, 2147450879, 1556715293, 978592373, 2147483646, 0,
    1556715293, 1168891274, 2147450879, 32768, 978592373, 590768354, 0, 1, 1168891274, 590768354,
    32768, 32768, 590768354, 1168891274,
];

/// The point index·G, G = (2, 1268011823) the generator of the circle group of order 2^31
/// (CirclePointIndex::ToPoint), index taken modulo 2^31: the sum of a table's multiples for the
/// index's eight nibbles, in straight-line code (a loop iteration costs about as many Cairo steps
/// as a point addition).
pub fn point_at_index(index: u32) -> CirclePoint<M31> {
    let (rest, n0) = div_rem(index, NZ_16);
    let (rest, n1) = div_rem(rest, NZ_16);
    let (rest, n2) = div_rem(rest, NZ_16);
    let (rest, n3) = div_rem(rest, NZ_16);
    let (rest, n4) = div_rem(rest, NZ_16);
    let (rest, n5) = div_rem(rest, NZ_16);
    let (n7, n6) = div_rem(rest, NZ_16);
    let (x, y) = table_point(NIBBLE_0.span(), upcast(n0));
    let mut point = CirclePoint { x: M31Trait::reduce_felt(x), y: M31Trait::reduce_felt(y) };
    point = add_felt_point(point, table_point(NIBBLE_1.span(), upcast(n1)));
    point = add_felt_point(point, table_point(NIBBLE_2.span(), upcast(n2)));
    point = add_felt_point(point, table_point(NIBBLE_3.span(), upcast(n3)));
    point = add_felt_point(point, table_point(NIBBLE_4.span(), upcast(n4)));
    point = add_felt_point(point, table_point(NIBBLE_5.span(), upcast(n5)));
    point = add_felt_point(point, table_point(NIBBLE_6.span(), upcast(n6)));
    add_felt_point(point, table_point(NIBBLE_7.span(), upcast(n7)))
}

/// The index of G_(2^log_size), the generator of the subgroup of 2^log_size points.
pub fn subgroup_generator_index(log_size: u32) -> u32 {
    crate::queries::pow2(31 - log_size)
}

/// The point at `position` of the canonic circle domain of 2^log_size points (log_size at most
/// 30) in bit-reversed order, the order of evaluations and Merkle leaves: the domain's half coset
/// G_(2^(log_size+1)) + <G_(2^(log_size-1))> at bitrev(position >> 1), conjugated for an odd
/// position. That point's index is bitrev_31(position >> 1) + 2^(30 - log_size).
pub fn domain_point(log_size: u32, position: u32) -> CirclePoint<M31> {
    let (half, odd) = div_rem(position, NZ_2);
    let point = point_at_index(bit_reverse_31(upcast(half)) + crate::queries::pow2(30 - log_size));
    if odd == 0 {
        point
    } else {
        point.conjugate()
    }
}

/// The 31 low bits of i (below 2^31) in reverse order: its bytes reversed by a table.
pub fn bit_reverse_31(i: u32) -> u32 {
    let table = BYTES_REVERSED.span();
    let (rest, b0) = div_rem(i, NZ_256);
    let (rest, b1) = div_rem(rest, NZ_256);
    let (b3, b2) = div_rem(rest, NZ_256);
    // The 32-bit reversal is even (bit 31 of i is 0): halved, it is the 31-bit one.
    let reversed = *table[upcast(b0)] * 0x1000000
        + *table[upcast(b1)] * 0x10000
        + *table[upcast(b2)] * 0x100
        + *table[upcast(b3)];
    (reversed * HALF).try_into().unwrap()
}

/// 1/2 in felt252: multiplying an even number by it halves it.
const HALF: felt252 = 0x400000000000008800000000000000000000000000000000000000000000001;

type ConstValue<const VALUE: felt252> = BoundedInt<VALUE, VALUE>;
const NZ_2: NonZero<ConstValue<2>> = 2;
const NZ_16: NonZero<ConstValue<16>> = 16;
const NZ_256: NonZero<ConstValue<256>> = 256;

impl DivRemU32By2 of DivRemHelper<u32, ConstValue<2>> {
    type DivT = BoundedInt<0, 0x7fffffff>;
    type RemT = BoundedInt<0, 1>;
}
impl DivRemU32By16 of DivRemHelper<u32, ConstValue<16>> {
    type DivT = BoundedInt<0, 0xfffffff>;
    type RemT = BoundedInt<0, 15>;
}
impl DivRem28By16 of DivRemHelper<BoundedInt<0, 0xfffffff>, ConstValue<16>> {
    type DivT = BoundedInt<0, 0xffffff>;
    type RemT = BoundedInt<0, 15>;
}
impl DivRem24By16 of DivRemHelper<BoundedInt<0, 0xffffff>, ConstValue<16>> {
    type DivT = BoundedInt<0, 0xfffff>;
    type RemT = BoundedInt<0, 15>;
}
impl DivRem20By16 of DivRemHelper<BoundedInt<0, 0xfffff>, ConstValue<16>> {
    type DivT = BoundedInt<0, 0xffff>;
    type RemT = BoundedInt<0, 15>;
}
impl DivRem16By16 of DivRemHelper<BoundedInt<0, 0xffff>, ConstValue<16>> {
    type DivT = BoundedInt<0, 0xfff>;
    type RemT = BoundedInt<0, 15>;
}
impl DivRem12By16 of DivRemHelper<BoundedInt<0, 0xfff>, ConstValue<16>> {
    type DivT = BoundedInt<0, 0xff>;
    type RemT = BoundedInt<0, 15>;
}
impl DivRem8By16 of DivRemHelper<BoundedInt<0, 0xff>, ConstValue<16>> {
    type DivT = BoundedInt<0, 0xf>;
    type RemT = BoundedInt<0, 15>;
}
impl DivRemU32By256 of DivRemHelper<u32, ConstValue<256>> {
    type DivT = BoundedInt<0, 0xffffff>;
    type RemT = BoundedInt<0, 0xff>;
}
impl DivRem24By256 of DivRemHelper<BoundedInt<0, 0xffffff>, ConstValue<256>> {
    type DivT = BoundedInt<0, 0xffff>;
    type RemT = BoundedInt<0, 0xff>;
}
impl DivRem16By256 of DivRemHelper<BoundedInt<0, 0xffff>, ConstValue<256>> {
    type DivT = BoundedInt<0, 0xff>;
    type RemT = BoundedInt<0, 0xff>;
}

/// k·2^(4j)·G for k = 0 … 15 (k = 0 is the identity (1, 0)), as (x, y), one table per nibble j:
/// 2^31·G is the identity, so NIBBLE_7 repeats after 8 entries. Checked against the group law by
/// test_nibble_tables.
const NIBBLE_0: [felt252; 32] = [
    1, 0, 2, 1268011823, 7, 777079998, 26, 1840308169, 97, 141701737, 362, 873982426,
    1351, 1206744320, 5042, 1805511207, 18817, 1720333214, 70226, 780854355, 262087, 1403084206,
    978122, 536515175, 3650401, 742976494, 13623482, 287907154, 50843527, 408652122,
    189750626, 1346701334,
];
const NIBBLE_1: [felt252; 32] = [
    1, 0, 708158977, 683185920, 334835419, 1444967316, 1179671875, 1031913030,
    2042371533, 1362265296, 251214192, 1557021428, 1827909629, 1836816527, 2110227055, 661472412,
    212706801, 1223819887, 552528648, 1672522617, 352777635, 313115116, 1326093758, 824702110,
    1343082982, 1656388718, 1397719779, 1280626794, 1497340852, 2054439268, 545370846, 562844461,
];
const NIBBLE_2: [felt252; 32] = [
    1, 0, 421007138, 256177860, 6346213, 905523693, 784830374, 912241638, 1022251061, 788094511,
    1774187400, 1713497086, 999230472, 1852479283, 344093444, 1723950257, 1633461177, 574296567,
    505774551, 1187398701, 1743980363, 345791924, 638925477, 1200786367, 2054061671, 949045631,
    1399167609, 1906303117, 1309393381, 53742718, 2080156404, 1988869649,
];
const NIBBLE_3: [felt252; 32] = [
    1, 0, 595037635, 2111542451, 1799120754, 343598868, 1475016787, 1876816901,
    438833264, 1327019128, 433600440, 167145119, 503318431, 730224775, 1124768046, 299494314,
    1389168750, 838891026, 1421883301, 1767600112, 263253631, 1948074535, 1984370174, 548484416,
    377761958, 572545120, 528497962, 2048433423, 347749121, 1576860820, 1168068815, 1631133982,
];
const NIBBLE_4: [felt252; 32] = [
    1, 0, 1543902459, 1632329423, 1330239767, 1446369578, 1338697498, 1881711368,
    1420207432, 2023238517, 837291277, 535367851, 113986326, 1659849761, 1128628559, 487113817,
    2015554631, 1088093947, 238192698, 21195821, 1801405099, 774845311, 57413392, 1672717428,
    1720479643, 177413607, 1008640538, 1400738499, 1719877370, 1305056920, 36983955, 1951442989,
];
const NIBBLE_5: [felt252; 32] = [
    1, 0, 996212859, 1140996376, 1434706457, 1835793811, 497251457, 850319468, 13610297, 1064696601,
    903851705, 1384342623, 609228044, 827893883, 1272801243, 632096738, 785043271, 1260750973,
    608020784, 1658232706, 477465227, 1464821634, 1584592502, 821845974, 655387905, 752064346,
    1616257580, 975311156, 1919800332, 1732277387, 947277864, 1089459781,
];
const NIBBLE_6: [felt252; 32] = [
    1, 0, 838195206, 1774253895, 579625837, 1690787918, 2013328190, 1108537731,
    1179735656, 1241207368, 2140339328, 404685994, 1866536500, 1133522282, 1263730590, 350742286,
    590768354, 978592373, 206059115, 212443077, 1952787376, 1580223790, 2079025011, 2137679949,
    34602070, 732393395, 14530030, 228509164, 26164677, 505542828, 1885292596, 408478793,
];
const NIBBLE_7: [felt252; 32] = [
    1, 0, 32768, 2147450879, 0, 2147483646, 2147450879, 2147450879, 2147483646, 0,
    2147450879, 32768, 0, 1, 32768, 32768, 1, 0, 32768, 2147450879, 0, 2147483646,
    2147450879, 2147450879, 2147483646, 0, 2147450879, 32768, 0, 1, 32768, 32768,
];

/// Each byte with its bits reversed.
const BYTES_REVERSED: [felt252; 256] = [
    0, 128, 64, 192, 32, 160, 96, 224, 16, 144, 80, 208, 48, 176, 112, 240,
    8, 136, 72, 200, 40, 168, 104, 232, 24, 152, 88, 216, 56, 184, 120, 248,
    4, 132, 68, 196, 36, 164, 100, 228, 20, 148, 84, 212, 52, 180, 116, 244,
    12, 140, 76, 204, 44, 172, 108, 236, 28, 156, 92, 220, 60, 188, 124, 252,
    2, 130, 66, 194, 34, 162, 98, 226, 18, 146, 82, 210, 50, 178, 114, 242,
    10, 138, 74, 202, 42, 170, 106, 234, 26, 154, 90, 218, 58, 186, 122, 250,
    6, 134, 70, 198, 38, 166, 102, 230, 22, 150, 86, 214, 54, 182, 118, 246,
    14, 142, 78, 206, 46, 174, 110, 238, 30, 158, 94, 222, 62, 190, 126, 254,
    1, 129, 65, 193, 33, 161, 97, 225, 17, 145, 81, 209, 49, 177, 113, 241,
    9, 137, 73, 201, 41, 169, 105, 233, 25, 153, 89, 217, 57, 185, 121, 249,
    5, 133, 69, 197, 37, 165, 101, 229, 21, 149, 85, 213, 53, 181, 117, 245,
    13, 141, 77, 205, 45, 173, 109, 237, 29, 157, 93, 221, 61, 189, 125, 253,
    3, 131, 67, 195, 35, 163, 99, 227, 19, 147, 83, 211, 51, 179, 115, 243,
    11, 139, 75, 203, 43, 171, 107, 235, 27, 155, 91, 219, 59, 187, 123, 251,
    7, 135, 71, 199, 39, 167, 103, 231, 23, 151, 87, 215, 55, 183, 119, 247,
    15, 143, 79, 207, 47, 175, 111, 239, 31, 159, 95, 223, 63, 191, 127, 255,
];

#[cfg(test)]
mod tests {
    use core::num::traits::{One, Zero};
    use crate::fields::m31::{M31Trait, P};
    use crate::fields::qm31::QM31Trait;
    use super::{
        CirclePoint, CirclePointTrait, add_subgroup_16_multiple, bit_reverse_31, domain_point,
        double_m31_point, point_at_index, point_from_t, x_plus_subgroup_16_multiple,
    };

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
    #[should_panic(expected: ('oods point undefined',))]
    fn test_point_from_t_refuses_1_plus_t_squared_zero() {
        point_from_t(QM31Trait::from_u32s(0, 1, 0, 0));
    }

    #[test]
    fn test_point_indices() {
        let minus_one = M31Trait::reduce_u32(P - 1);
        assert(point_at_index(0x40000000) == CirclePoint { x: minus_one, y: Zero::zero() }, 'G_2');
        assert(point_at_index(0x80000000) == CirclePointTrait::zero(), 'order 2^31');
        let g = point_at_index(1);
        assert(point_at_index(3) == g + g + g, '3G');
        assert(point_at_index(0x7fffffff) == g.conjugate(), '-G');
        assert(point_at_index(0xffffffff) == g.conjugate(), 'index mod 2^31');
        assert(bit_reverse_31(0b0011) == 0x60000000, 'bit reverse');
        assert(bit_reverse_31(0x7fffffff) == 0x7fffffff, 'bit reverse all');
        assert(bit_reverse_31(0x40000001) == 0x40000001, 'bit reverse ends');
    }

    #[test]
    fn test_nibble_tables() {
        // Every entry k·2^(4j)·G against repeated additions of G's doublings.
        let mut base = point_at_index(1);
        let mut shift = 1;
        let mut j = 0;
        while j != 8 {
            let mut multiple = CirclePointTrait::zero();
            let mut k = 0;
            while k != 16 {
                assert(point_at_index(k * shift) == multiple, 'table entry');
                multiple = multiple + base;
                k += 1;
            };
            j += 1;
            if j != 8 {
                base = base.repeated_double(4);
                shift *= 16;
            }
        };
        let g = CirclePoint { x: M31Trait::reduce_u32(2), y: M31Trait::reduce_u32(1268011823) };
        assert(point_at_index(1) == g, 'G');
    }

    #[test]
    fn test_subgroup_16_table() {
        let p = point_at_index(123456789);
        let mut k = 0;
        while k != 32 {
            let expected = p + point_at_index(k * 0x8000000);
            assert(add_subgroup_16_multiple(p, k) == expected, 'p + k G_16');
            assert(x_plus_subgroup_16_multiple(p, k) == expected.x, 'x of p + k G_16');
            k += 1;
        };
    }

    /// The point at a bit-reversed position of the canonic circle domain, from its definition:
    /// natural index i = bitrev(position); i below half the size is the half coset's point i,
    /// above it the conjugate of the half coset's point i - half.
    fn domain_point_by_definition(log_size: u32, position: u32) -> CirclePoint<crate::fields::m31::M31> {
        let mut i = 0;
        let mut bits = position;
        let mut b = 0;
        while b != log_size {
            i = 2 * i + bits % 2;
            bits /= 2;
            b += 1;
        };
        let half = crate::queries::pow2(log_size - 1);
        let initial = crate::queries::pow2(30 - log_size);
        let step = crate::queries::pow2(32 - log_size);
        if i < half {
            point_at_index(initial + i * step)
        } else {
            point_at_index(initial + (i - half) * step).conjugate()
        }
    }

    #[test]
    fn test_domain_points() {
        let mut position = 0;
        while position != 64 {
            assert(domain_point(6, position) == domain_point_by_definition(6, position), 'size 64');
            assert(
                domain_point(20, position * 16381) == domain_point_by_definition(20, position * 16381),
                'size 2^20',
            );
            position += 1;
        };
    }

    #[test]
    fn test_domain_points_double_to_the_folded_positions() {
        // π(point(s, j)) is point(s - 1, j >> 1), conjugated when bits 0 and 1 of j differ.
        let mut j = 0;
        while j != 64 {
            let doubled = double_m31_point(domain_point(7, j));
            assert(doubled == domain_point(7, j).double(), 'doubling');
            let differ = (j % 2) != ((j / 2) % 2);
            let folded = domain_point(6, j / 2);
            assert(doubled == if differ {
                folded.conjugate()
            } else {
                folded
            }, 'folded position');
            j += 1;
        };
    }
}
