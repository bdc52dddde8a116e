//! Query positions (src/hash/queries.h): n words drawn from the channel, each taken modulo the
//! size of the evaluation domain (2^log_domain_size), then sorted with duplicates removed.
use crate::channel::{Channel, ChannelTrait};

pub fn draw_query_positions(ref channel: Channel, log_domain_size: u32, n_queries: u32) -> Array<u32> {
    assert(log_domain_size <= 31, 'query domain too large');
    let size: NonZero<u32> = pow2(log_domain_size).try_into().unwrap();
    let mut positions = array![];
    while positions.len() < n_queries {
        for word in channel.draw_u32s() {
            if positions.len() < n_queries {
                let (_, position) = DivRem::div_rem(word, size);
                positions.append(position);
            }
        };
    };
    sorted_unique(positions.span())
}

/// 2^n for n below 32, from a table (a loop costs a dozen steps a doubling).
pub fn pow2(n: u32) -> u32 {
    *POWERS_OF_TWO.span()[n]
}

const POWERS_OF_TWO: [u32; 32] = [
    1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768, 65536, 131072, 262144, 524288, 1048576, 2097152, 4194304, 8388608, 16777216, 33554432, 67108864, 134217728, 268435456, 536870912, 1073741824, 2147483648,
];

/// The values in increasing order, each once (a merge sort).
pub fn sorted_unique(values: Span<u32>) -> Array<u32> {
    if values.len() <= 1 {
        let mut single = array![];
        single.append_span(values);
        return single;
    }
    let half = values.len() / 2;
    let left = sorted_unique(values.slice(0, half));
    let right = sorted_unique(values.slice(half, values.len() - half));
    let mut merged = array![];
    let (mut i, mut j) = (0, 0);
    while i < left.len() || j < right.len() {
        let take_left = j == right.len() || (i < left.len() && *left[i] <= *right[j]);
        let value = if take_left {
            *left[i]
        } else {
            *right[j]
        };
        if take_left {
            i += 1;
        } else {
            j += 1;
        }
        if merged.len() == 0 || *merged[merged.len() - 1] != value {
            merged.append(value);
        }
    };
    merged
}

#[cfg(test)]
mod tests {
    use super::sorted_unique;

    #[test]
    fn test_sorted_unique() {
        assert(sorted_unique(array![5, 1, 5, 3, 1, 0].span()) == array![0, 1, 3, 5], 'sorted');
        assert(sorted_unique(array![].span()) == array![], 'empty');
    }
}
