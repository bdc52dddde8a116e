//! Query positions (src/hash/queries.h): n distinct positions in the evaluation domain of
//! 2^log_domain_size points. The channel's words are drawn 8 at a time, each taken modulo the
//! domain's size; a position seen before is skipped, and the drawing stops at the word that
//! completes n (the rest of that draw unused). Sorted.
use core::dict::{Felt252Dict, Felt252DictTrait};
use crate::channel::{Channel, ChannelTrait};

pub fn draw_query_positions(ref channel: Channel, log_domain_size: u32, n_queries: u32) -> Array<u32> {
    assert(log_domain_size <= 31, 'query domain too large');
    let size: NonZero<u32> = pow2(log_domain_size).try_into().unwrap();
    assert(n_queries <= pow2(log_domain_size), 'too many queries for domain');
    let mut seen: Felt252Dict<bool> = Default::default();
    let mut positions = array![];
    while positions.len() < n_queries {
        for word in channel.draw_u32s() {
            if positions.len() < n_queries {
                let (_, position) = DivRem::div_rem(word, size);
                if !seen.get(position.into()) {
                    seen.insert(position.into(), true);
                    positions.append(position);
                }
            }
        };
    };
    sorted(positions.span())
}

/// 2^n for n below 32, from a table (a loop costs a dozen steps a doubling).
pub fn pow2(n: u32) -> u32 {
    *POWERS_OF_TWO.span()[n]
}

const POWERS_OF_TWO: [u32; 32] = [
    1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768, 65536, 131072, 262144, 524288, 1048576, 2097152, 4194304, 8388608, 16777216, 33554432, 67108864, 134217728, 268435456, 536870912, 1073741824, 2147483648,
];

/// The values in increasing order (a merge sort).
pub fn sorted(values: Span<u32>) -> Array<u32> {
    if values.len() <= 1 {
        let mut single = array![];
        single.append_span(values);
        return single;
    }
    let half = values.len() / 2;
    let left = sorted(values.slice(0, half));
    let right = sorted(values.slice(half, values.len() - half));
    let mut merged = array![];
    let (mut i, mut j) = (0, 0);
    while i < left.len() || j < right.len() {
        if j == right.len() || (i < left.len() && *left[i] <= *right[j]) {
            merged.append(*left[i]);
            i += 1;
        } else {
            merged.append(*right[j]);
            j += 1;
        }
    };
    merged
}

#[cfg(test)]
mod tests {
    use crate::channel::ChannelTrait;
    use super::{draw_query_positions, sorted};

    #[test]
    fn test_sorted() {
        assert(sorted(array![5, 1, 6, 3, 2, 0].span()) == array![0, 1, 2, 3, 5, 6], 'sorted');
        assert(sorted(array![].span()) == array![], 'empty');
    }

    #[test]
    #[should_panic(expected: ('too many queries for domain',))]
    fn test_more_queries_than_the_domain_has_points() {
        let mut channel = ChannelTrait::new();
        draw_query_positions(ref channel, 4, 17);
    }
}
