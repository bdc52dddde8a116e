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

/// k·2^(4j)·G for j = 0 … 7 (the index's nibbles) and k = 0 … 15: x, y per point, j major
/// (k = 0 is the identity (1, 0)). Checked against the group law by test_nibble_table.
const NIBBLE_MULTIPLES: [u32; 256] = [
    1, 0, 2, 1268011823, 7, 777079998, 26, 1840308169, 97, 141701737, 362, 873982426, 1351,
    1206744320, 5042, 1805511207, 18817, 1720333214, 70226, 780854355, 262087, 1403084206, 978122,
    536515175, 3650401, 742976494, 13623482, 287907154, 50843527, 408652122, 189750626, 1346701334,
    1, 0, 708158977, 683185920, 334835419, 1444967316, 1179671875, 1031913030, 2042371533,
    1362265296, 251214192, 1557021428, 1827909629, 1836816527, 2110227055, 661472412, 212706801,
    1223819887, 552528648, 1672522617, 352777635, 313115116, 1326093758, 824702110, 1343082982,
    1656388718, 1397719779, 1280626794, 1497340852, 2054439268, 545370846, 562844461, 1, 0,
    421007138, 256177860, 6346213, 905523693, 784830374, 912241638, 1022251061, 788094511,
    1774187400, 1713497086, 999230472, 1852479283, 344093444, 1723950257, 1633461177, 574296567,
    505774551, 1187398701, 1743980363, 345791924, 638925477, 1200786367, 2054061671, 949045631,
    1399167609, 1906303117, 1309393381, 53742718, 2080156404, 1988869649, 1, 0, 595037635,
    2111542451, 1799120754, 343598868, 1475016787, 1876816901, 438833264, 1327019128, 433600440,
    167145119, 503318431, 730224775, 1124768046, 299494314, 1389168750, 838891026, 1421883301,
    1767600112, 263253631, 1948074535, 1984370174, 548484416, 377761958, 572545120, 528497962,
    2048433423, 347749121, 1576860820, 1168068815, 1631133982, 1, 0, 1543902459, 1632329423,
    1330239767, 1446369578, 1338697498, 1881711368, 1420207432, 2023238517, 837291277, 535367851,
    113986326, 1659849761, 1128628559, 487113817, 2015554631, 1088093947, 238192698, 21195821,
    1801405099, 774845311, 57413392, 1672717428, 1720479643, 177413607, 1008640538, 1400738499,
    1719877370, 1305056920, 36983955, 1951442989, 1, 0, 996212859, 1140996376, 1434706457,
    1835793811, 497251457, 850319468, 13610297, 1064696601, 903851705, 1384342623, 609228044,
    827893883, 1272801243, 632096738, 785043271, 1260750973, 608020784, 1658232706, 477465227,
    1464821634, 1584592502, 821845974, 655387905, 752064346, 1616257580, 975311156, 1919800332,
    1732277387, 947277864, 1089459781, 1, 0, 838195206, 1774253895, 579625837, 1690787918,
    2013328190, 1108537731, 1179735656, 1241207368, 2140339328, 404685994, 1866536500, 1133522282,
    1263730590, 350742286, 590768354, 978592373, 206059115, 212443077, 1952787376, 1580223790,
    2079025011, 2137679949, 34602070, 732393395, 14530030, 228509164, 26164677, 505542828,
    1885292596, 408478793, 1, 0, 32768, 2147450879, 0, 2147483646, 2147450879, 2147450879,
    2147483646, 0, 2147450879, 32768, 0, 1, 32768, 32768, 1, 0, 32768, 2147450879, 0, 2147483646,
    2147450879, 2147450879, 2147483646, 0, 2147450879, 32768, 0, 1, 32768, 32768,
];

/// The point index·G, G = (2, 1268011823) the generator of the circle group (CirclePointIndex::
/// ToPoint): the sum of the table's multiples for the index's eight nibbles, in straight-line
/// code (a loop iteration costs about as many Cairo steps as a point addition).
pub fn point_at_index(index: u32) -> CirclePoint<M31> {
    let table = NIBBLE_MULTIPLES.span();
    let (rest, n0) = DivRem::div_rem(index & INDEX_MASK, 16);
    let (rest, n1) = DivRem::div_rem(rest, 16);
    let (rest, n2) = DivRem::div_rem(rest, 16);
    let (rest, n3) = DivRem::div_rem(rest, 16);
    let (rest, n4) = DivRem::div_rem(rest, 16);
    let (rest, n5) = DivRem::div_rem(rest, 16);
    let (n7, n6) = DivRem::div_rem(rest, 16);
    let mut result = multiple_at(table, 0, n0);
    result = add_nibble(result, table, 1, n1);
    result = add_nibble(result, table, 2, n2);
    result = add_nibble(result, table, 3, n3);
    result = add_nibble(result, table, 4, n4);
    result = add_nibble(result, table, 5, n5);
    result = add_nibble(result, table, 6, n6);
    add_nibble(result, table, 7, n7)
}

fn multiple_at(table: Span<u32>, j: u32, k: u32) -> CirclePoint<M31> {
    let at = 32 * j + 2 * k;
    CirclePoint { x: M31 { inner: *table[at] }, y: M31 { inner: *table[at + 1] } }
}

/// point + k·2^(4j)·G; nothing to add for k = 0.
fn add_nibble(point: CirclePoint<M31>, table: Span<u32>, j: u32, k: u32) -> CirclePoint<M31> {
    if k == 0 {
        return point;
    }
    add_m31_points(point, multiple_at(table, j, k))
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

/// The low log_size bits of i (below 2^log_size, log_size at most 31) in reverse order: its
/// bytes reversed by a table, then shifted down to log_size bits.
pub fn bit_reverse_index(i: u32, log_size: u32) -> u32 {
    let table = BYTES_REVERSED.span();
    let (rest, b0) = DivRem::div_rem(i, 0x100);
    let (rest, b1) = DivRem::div_rem(rest, 0x100);
    let (b3, b2) = DivRem::div_rem(rest, 0x100);
    let reversed: u64 = (*table[b0]).into() * 0x1000000
        + (*table[b1]).into() * 0x10000
        + (*table[b2]).into() * 0x100
        + (*table[b3]).into();
    (reversed / crate::queries::pow2(31 - log_size).into() / 2).try_into().unwrap()
}

/// Each byte with its bits reversed.
const BYTES_REVERSED: [u32; 256] = [
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

    #[test]
    fn test_nibble_table() {
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
}
