//! What a contract that consumes facts needs to recompute one from its own data: the context's
//! words for felts it knows (the caller's address, a nonce), and an output's value from the
//! statement's M31 word. A fact is contracts::fact_from_hashes(model id, verifier class,
//! Poseidon(inputs), Poseidon(outputs)), where the inputs are the stated inputs' words followed
//! by the context's (with private inputs, the context's alone).
use crate::fields::m31::P;

/// A context felt is stated as this many limbs (src/frontend/context.h)...
pub const CONTEXT_LIMBS: u32 = 9;
/// ... of this many bits each, the most significant first.
const LIMB_BASE: u256 = 0x10000000; // 2^28

/// The statement's words of context felts, in order: CONTEXT_LIMBS limbs of 28 bits each, the
/// most significant first, as `tensorstark prove --context` states them.
pub fn context_words(felts: Span<felt252>) -> Array<felt252> {
    let mut words = array![];
    for felt in felts {
        let mut value: u256 = (*felt).into();
        let mut limbs = array![];
        for _ in 0..CONTEXT_LIMBS {
            limbs.append(value % LIMB_BASE);
            value = value / LIMB_BASE;
        };
        let mut i = CONTEXT_LIMBS;
        while i > 0 {
            i -= 1;
            let limb: felt252 = (*limbs[i]).try_into().unwrap();
            words.append(limb);
        };
    };
    words
}

/// The signed integer q a public value's word holds (an M31: q >= 0 as itself, q < 0 as P - |q|);
/// the value is q / 2^frac_bits, the tensor's scale (`tensorstark verify --json` prints each
/// output's frac_bits). Panics for a felt that is not an M31 word.
pub fn signed_value(word: felt252) -> i64 {
    let value: u32 = word.try_into().expect('not an M31 word');
    assert(value < P, 'not an M31 word');
    if value <= P / 2 {
        value.into()
    } else {
        let magnitude: i64 = (P - value).into();
        -magnitude
    }
}
