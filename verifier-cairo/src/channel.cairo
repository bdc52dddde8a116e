//! The Poseidon252 Fiat–Shamir channel, rule for rule as src/hash/poseidon252_channel.h:
//!   mix_root(r)     digest = PoseidonHash(digest, r)
//!   mix_felts(fs)   digest = PoseidonHashMany([digest, len(fs), pack(fs[0], fs[1]), ...]), the
//!                   coordinates of two QM31 values packed big-endian in base 2^31 per felt
//!   mix_u64(n)      digest = PoseidonHash(digest, n)
//!   draw            x = Hades(digest, n_draws, 3)[0]; n_draws += 1; its 8 low 31-bit limbs are
//!                   the draw's words, and reduced mod P its base field elements
//! Every mix resets n_draws.
use core::internal::bounded_int::{
    AddHelper, BoundedInt, DivRemHelper, MulHelper, add, div_rem, mul, upcast,
};
use core::poseidon::{hades_permutation, poseidon_hash_span};
use crate::fields::m31::{M31, M31Trait};
use crate::fields::qm31::{QM31, QM31Trait};

const TWO_POW_31_FELT: felt252 = 0x80000000;

#[derive(Copy, Drop, Debug)]
pub struct Channel {
    pub digest: felt252,
    pub n_draws: u64,
}

/// Σ m_k·2^(31·(K-1-k)) over the values m_0 … m_(K-1) (K ≤ 8): big-endian base 2^31, as
/// PackM31s packs channel inputs and Merkle leaves.
pub fn pack_m31s(values: Span<M31>) -> felt252 {
    if values.len() == 8 {
        return pack_8(
            [
                *values[0], *values[1], *values[2], *values[3], *values[4], *values[5], *values[6],
                *values[7],
            ],
        );
    }
    let mut packed: felt252 = 0;
    for value in values {
        packed = packed * TWO_POW_31_FELT + (*value).felt();
    };
    packed
}

/// Eight values packed as pack_m31s packs them, straight-line: a loop iteration costs more than
/// the arithmetic.
pub fn pack_8(values: [M31; 8]) -> felt252 {
    let [v0, v1, v2, v3, v4, v5, v6, v7] = values;
    let w = TWO_POW_31_FELT;
    ((((((v0.felt() * w + v1.felt()) * w + v2.felt()) * w + v3.felt()) * w + v4.felt()) * w
        + v5.felt())
        * w
        + v6.felt())
        * w
        + v7.felt()
}

#[generate_trait]
pub impl ChannelImpl of ChannelTrait {
    fn new() -> Channel {
        Channel { digest: 0, n_draws: 0 }
    }

    fn mix_root(ref self: Channel, root: felt252) {
        let (digest, _, _) = hades_permutation(self.digest, root, 2);
        self.set_digest(digest);
    }

    fn mix_u64(ref self: Channel, value: u64) {
        let (digest, _, _) = hades_permutation(self.digest, value.into(), 2);
        self.set_digest(digest);
    }

    fn mix_felts(ref self: Channel, felts: Span<QM31>) {
        let mut input = array![self.digest, felts.len().into()];
        let mut felts = felts;
        while let Option::Some(pair) = felts.multi_pop_front::<2>() {
            let [a, b] = (*pair).unbox();
            input.append(pack_qm31_pair(a, b));
        };
        if let Option::Some(last) = felts.pop_front() {
            input.append(pack_qm31(*last));
        }
        self.set_digest(poseidon_hash_span(input.span()));
    }

    /// The draw's 8 words: the low 31-bit limbs of x, least significant first.
    fn draw_u32s(ref self: Channel) -> Array<u32> {
        let (x, _, _) = hades_permutation(self.digest, self.n_draws.into(), 3);
        self.n_draws += 1;
        let (limbs, _) = limbs_31(x);
        let mut words = array![];
        words.append_span(limbs.span());
        words
    }

    /// The draw's words reduced mod P (the word 2^31 - 1 maps to 0).
    fn draw_base_felts(ref self: Channel) -> Array<M31> {
        let mut felts = array![];
        for word in self.draw_u32s() {
            felts.append(M31Trait::reduce_u32(word));
        };
        felts
    }

    fn draw_felt(ref self: Channel) -> QM31 {
        let base = self.draw_base_felts();
        QM31Trait::from_m31s(*base[0], *base[1], *base[2], *base[3])
    }

    /// n values, two per draw.
    fn draw_felts(ref self: Channel, n: u32) -> Array<QM31> {
        let mut felts = array![];
        while felts.len() < n {
            let base = self.draw_base_felts();
            felts.append(QM31Trait::from_m31s(*base[0], *base[1], *base[2], *base[3]));
            if felts.len() < n {
                felts.append(QM31Trait::from_m31s(*base[4], *base[5], *base[6], *base[7]));
            }
        };
        felts
    }

    /// True if the digest ends in at least `bits` zero bits (bits ≤ 127).
    fn has_trailing_zeros(self: @Channel, bits: u32) -> bool {
        let digest: u256 = (*self.digest).into();
        let (_, remainder) = DivRem::div_rem(digest.low, pow2_u128(bits).try_into().unwrap());
        remainder == 0
    }

    /// Mixes the nonce and checks the proof of work (hash::CheckProofOfWork).
    fn check_proof_of_work(ref self: Channel, bits: u32, nonce: u64) -> bool {
        self.mix_u64(nonce);
        self.has_trailing_zeros(bits)
    }

    fn set_digest(ref self: Channel, digest: felt252) {
        self.digest = digest;
        self.n_draws = 0;
    }
}

/// The 8 low 31-bit limbs of x's integer value, least significant first, and the rest of it
/// (x >> 248). Straight-line, with divisions whose bounds the compiler knows: bits 0 … 123 of
/// the low half, then bits 124 … 127 joined with the high half's 27 lowest, then three more limbs
/// of the high half.
pub fn limbs_31(x: felt252) -> ([u32; 8], u32) {
    let x: u256 = x.into();
    let (q, l0) = div_rem(x.low, NZ_2_31);
    let (q, l1) = div_rem(q, NZ_2_31);
    let (q, l2) = div_rem(q, NZ_2_31);
    let (low_bits, l3) = div_rem(q, NZ_2_31);
    let (h, high_bits) = div_rem(x.high, NZ_2_27);
    let l4 = add(mul(high_bits, SIXTEEN), low_bits);
    let (h, l5) = div_rem(h, NZ_2_31);
    let (h, l6) = div_rem(h, NZ_2_31);
    let (rest, l7) = div_rem(h, NZ_2_31);
    (
        [
            upcast(l0), upcast(l1), upcast(l2), upcast(l3), upcast(l4), upcast(l5), upcast(l6),
            upcast(l7),
        ],
        upcast(rest),
    )
}

type ConstValue<const VALUE: felt252> = BoundedInt<VALUE, VALUE>;
type Limb = BoundedInt<0, 0x7fffffff>;
const NZ_2_31: NonZero<ConstValue<0x80000000>> = 0x80000000;
const NZ_2_27: NonZero<ConstValue<0x8000000>> = 0x8000000;
const SIXTEEN: ConstValue<16> = 16;

impl DivRem128By31 of DivRemHelper<u128, ConstValue<0x80000000>> {
    type DivT = BoundedInt<0, 0x1ffffffffffffffffffffffff>;
    type RemT = Limb;
}
impl DivRem97By31 of DivRemHelper<BoundedInt<0, 0x1ffffffffffffffffffffffff>, ConstValue<0x80000000>> {
    type DivT = BoundedInt<0, 0x3ffffffffffffffff>;
    type RemT = Limb;
}
impl DivRem66By31 of DivRemHelper<BoundedInt<0, 0x3ffffffffffffffff>, ConstValue<0x80000000>> {
    type DivT = BoundedInt<0, 0x7ffffffff>;
    type RemT = Limb;
}
impl DivRem35By31 of DivRemHelper<BoundedInt<0, 0x7ffffffff>, ConstValue<0x80000000>> {
    type DivT = BoundedInt<0, 0xf>;
    type RemT = Limb;
}
impl DivRem128By27 of DivRemHelper<u128, ConstValue<0x8000000>> {
    type DivT = BoundedInt<0, 0x1fffffffffffffffffffffffff>;
    type RemT = BoundedInt<0, 0x7ffffff>;
}
impl MulHighBits of MulHelper<BoundedInt<0, 0x7ffffff>, ConstValue<16>> {
    type Result = BoundedInt<0, 0x7ffffff0>;
}
impl AddLowBits of AddHelper<BoundedInt<0, 0x7ffffff0>, BoundedInt<0, 0xf>> {
    type Result = Limb;
}
impl DivRem101By31 of DivRemHelper<BoundedInt<0, 0x1fffffffffffffffffffffffff>, ConstValue<0x80000000>> {
    type DivT = BoundedInt<0, 0x3fffffffffffffffff>;
    type RemT = Limb;
}
impl DivRem70By31 of DivRemHelper<BoundedInt<0, 0x3fffffffffffffffff>, ConstValue<0x80000000>> {
    type DivT = BoundedInt<0, 0x7fffffffff>;
    type RemT = Limb;
}
impl DivRem39By31 of DivRemHelper<BoundedInt<0, 0x7fffffffff>, ConstValue<0x80000000>> {
    type DivT = BoundedInt<0, 0xff>;
    type RemT = Limb;
}

/// The four coordinates of a packed big-endian in base 2^31 (pack_m31s of them).
fn pack_qm31(a: QM31) -> felt252 {
    let [a0, a1, a2, a3] = a.felts();
    let w = TWO_POW_31_FELT;
    ((a0 * w + a1) * w + a2) * w + a3
}

/// The eight coordinates of a and b packed big-endian in base 2^31 (pack_m31s of them): how a
/// channel mixes two QM31 values and a FRI layer's leaf holds them.
pub fn pack_qm31_pair(a: QM31, b: QM31) -> felt252 {
    let [b0, b1, b2, b3] = b.felts();
    let w = TWO_POW_31_FELT;
    (((pack_qm31(a) * w + b0) * w + b1) * w + b2) * w + b3
}

fn pow2_u128(bits: u32) -> u128 {
    assert(bits < 128, 'too many bits');
    let mut result: u128 = 1;
    let mut i = 0;
    while i != bits {
        result *= 2;
        i += 1;
    };
    result
}
