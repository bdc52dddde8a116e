//! Mixed-degree Merkle trees with Poseidon252 nodes: the node hash of
//! src/hash/poseidon252_merkle_hasher.h and the traversal of src/hash/merkle_verifier.h.
//! A node of layer k (2^k nodes) hashes its two children (below the top layer) and the values
//! of the columns of log size k at its position:
//!   children only   PoseidonHash(left, right)
//!   otherwise       PoseidonHashMany([left, right]? ++ the values packed 8 per felt)
//! The traversal keeps the nodes it has recomputed in one queue, layer after layer, each by its
//! heap index (2^k + position in layer k: the root is 1, a node's parent is index / 2): layers
//! without columns or queries are climbed in one loop over the queue (climb), the others merge
//! the parents of the nodes below with the layer's queries (layer_with_columns). A loop iteration
//! costs more Cairo steps than a hash, so the loops do as little else as they can.
use core::internal::bounded_int::{BoundedInt, DivRemHelper, div_rem, upcast};
use core::poseidon::hades_permutation;
use crate::channel::{pack_8, pack_m31s, pack_qm31_pair};
use crate::fields::m31::M31;
use crate::fields::qm31::QM31;
use crate::queries::pow2;

pub fn hash_node(children: Option<(felt252, felt252)>, column_values: Span<M31>) -> felt252 {
    match children {
        Option::Some((left, right)) => {
            if column_values.len() == 0 {
                let (hash, _, _) = hades_permutation(left, right, 2);
                return hash;
            }
            // PoseidonHashMany absorbs the children first, two felts at a time.
            absorb_packed(hades_permutation(left, right, 0), column_values)
        },
        Option::None => absorb_packed((0, 0, 0), column_values),
    }
}

/// PoseidonHashMany (the corelib's poseidon_hash_span) from `state`, which has absorbed an even
/// number of felts, of the values packed eight per felt (the last felt packing what is left):
/// two packed felts a permutation, with no array built.
fn absorb_packed(state: (felt252, felt252, felt252), values: Span<M31>) -> felt252 {
    let (mut s0, mut s1, mut s2) = state;
    let mut values = values;
    while let Option::Some(sixteen) = values.multi_pop_front::<16>() {
        let [v0, v1, v2, v3, v4, v5, v6, v7, v8, v9, v10, v11, v12, v13, v14, v15] = (*sixteen)
            .unbox();
        let (t0, t1, t2) = hades_permutation(
            s0 + pack_8([v0, v1, v2, v3, v4, v5, v6, v7]),
            s1 + pack_8([v8, v9, v10, v11, v12, v13, v14, v15]),
            s2,
        );
        s0 = t0;
        s1 = t1;
        s2 = t2;
    };
    // Fewer than 16 values left: one or two felts, or none, then the padding: [1, 0] after an
    // even number of felts, [1] after an odd one.
    let (last0, last1) = if let Option::Some(eight) = values.multi_pop_front::<8>() {
        let first = pack_8((*eight).unbox());
        if values.len() == 0 {
            (first, 1)
        } else {
            let (h0, h1, h2) = hades_permutation(s0 + first, s1 + pack_m31s(values), s2);
            s0 = h0;
            s1 = h1;
            s2 = h2;
            (1, 0)
        }
    } else if values.len() != 0 {
        (pack_m31s(values), 1)
    } else {
        (1, 0)
    };
    let (hash, _, _) = hades_permutation(s0 + last0, s1 + last1, s2);
    hash
}

/// The leaf hashes of a FRI inner layer's tree, a leaf per coset of 2^fold_step values (`values`
/// in order): PoseidonHashMany of the coset's values packed two QM31 (eight coordinates) to a
/// felt. Cosets of 8, every final proof's, are hashed in straight-line code: three permutations
/// cost less than the corelib's loop over the felts.
pub fn fri_leaf_hashes(values: Span<QM31>, fold_step: u32) -> Span<felt252> {
    if fold_step != 3 {
        return packed_coset_hashes(values, fold_step);
    }
    let mut values = values;
    let mut hashes = array![];
    while let Option::Some(coset) = values.multi_pop_front::<8>() {
        let [a, b, c, d, e, f, g, h] = (*coset).unbox();
        let (s0, s1, s2) = hades_permutation(pack_qm31_pair(a, b), pack_qm31_pair(c, d), 0);
        let (s0, s1, s2) = hades_permutation(
            s0 + pack_qm31_pair(e, f), s1 + pack_qm31_pair(g, h), s2,
        );
        // The padding after an even number of felts: [1, 0].
        let (hash, _, _) = hades_permutation(s0 + 1, s1, s2);
        hashes.append(hash);
    };
    hashes.span()
}

/// fri_leaf_hashes for any fold step, by the corelib's PoseidonHashMany.
fn packed_coset_hashes(values: Span<QM31>, fold_step: u32) -> Span<felt252> {
    let mut packed = array![];
    let mut pairs = values;
    while let Option::Some(pair) = pairs.multi_pop_front::<2>() {
        let [a, b] = (*pair).unbox();
        packed.append(pack_qm31_pair(a, b));
    };
    let felts_per_leaf = pow2(fold_step - 1);
    let mut packed = packed.span();
    let mut hashes = array![];
    while packed.len() != 0 {
        hashes.append(core::poseidon::poseidon_hash_span(packed.slice(0, felts_per_leaf)));
        packed = packed.slice(felts_per_leaf, packed.len() - felts_per_leaf);
    };
    hashes.span()
}

/// What the verifier needs besides the queried values, in the order the traversal consumes it:
/// layer by layer from the leaves up, node by node in ascending order, the missing child hashes
/// (left, then right) and the column values of nodes that were not queried.
#[derive(Drop, Copy, Debug)]
pub struct MerkleDecommitment {
    pub hash_witness: Span<felt252>,
    pub column_witness: Span<M31>,
}

/// Checks that `decommitment` opens `queried_values` at the queried positions of the tree with
/// `root`, whose columns of log size k number n_columns_per_log_size[k]; panics otherwise.
/// queries_per_log_size[k] are the sorted, distinct positions queried in layer k (the
/// verifier's own, drawn from the channel); layers past its end have none. queried_values are
/// the queried nodes' column values in traversal order.
pub fn verify_merkle(
    root: felt252,
    n_columns_per_log_size: Span<u32>,
    queries_per_log_size: Span<Span<u32>>,
    queried_values: Span<M31>,
    decommitment: MerkleDecommitment,
) {
    assert(n_columns_per_log_size.len() != 0, 'Merkle: no layers');
    assert(queries_per_log_size.len() <= n_columns_per_log_size.len(), 'Merkle: query too deep');
    let max_log_size = n_columns_per_log_size.len() - 1;
    let mut queried_values = queried_values;
    let mut hash_witness = decommitment.hash_witness;
    let mut column_witness = decommitment.column_witness;
    let mut queue: Array<(u32, felt252)> = array![];
    let mut k = max_log_size + 1;
    while k != 0 {
        k -= 1;
        if k < max_log_size && is_bare(n_columns_per_log_size, queries_per_log_size, k) {
            // This layer and the bare ones below it only hash the nodes below in pairs.
            while k != 0 && is_bare(n_columns_per_log_size, queries_per_log_size, k - 1) {
                k -= 1;
            };
            climb(ref queue, pow2(k), ref hash_witness);
        } else {
            let queries = if k < queries_per_log_size.len() {
                *queries_per_log_size[k]
            } else {
                array![].span()
            };
            layer_with_columns(
                ref queue,
                k,
                k == max_log_size,
                queries,
                *n_columns_per_log_size[k],
                ref queried_values,
                ref column_witness,
                ref hash_witness,
            );
        }
    };
    assert(hash_witness.len() == 0, 'Merkle: witness too long');
    assert(column_witness.len() == 0, 'Merkle: witness too long');
    assert(queried_values.len() == 0, 'Merkle: too many queried values');
    check_root(queue, root);
}

/// Whether layer k has neither columns nor queries.
fn is_bare(
    n_columns_per_log_size: Span<u32>, queries_per_log_size: Span<Span<u32>>, k: u32,
) -> bool {
    *n_columns_per_log_size[k] == 0
        && (k >= queries_per_log_size.len() || (*queries_per_log_size[k]).len() == 0)
}

/// Checks that the leaves (ascending, distinct) with these hashes are in the tree with `root`,
/// whose leaves form layer leaf_log_size and whose other nodes hash their two children only (a
/// FRI layer's tree: the same check as verify_merkle's, with the leaves hashed by the caller);
/// panics otherwise.
pub fn verify_merkle_of_leaf_hashes(
    root: felt252,
    leaf_log_size: u32,
    leaves: Span<u32>,
    leaf_hashes: Span<felt252>,
    decommitment: MerkleDecommitment,
) {
    assert(decommitment.column_witness.len() == 0, 'Merkle: witness too long');
    assert(leaves.len() == leaf_hashes.len(), 'Merkle: wrong number of leaves');
    let first_leaf = pow2(leaf_log_size);
    if leaves.len() != 0 {
        assert(*leaves[leaves.len() - 1] < first_leaf, 'Merkle: query out of range');
    }
    let mut queue = array![];
    let mut hashes = leaf_hashes;
    for leaf in leaves {
        queue.append((first_leaf + *leaf, *hashes.pop_front().unwrap()));
    };
    let mut hash_witness = decommitment.hash_witness;
    climb(ref queue, 1, ref hash_witness);
    assert(hash_witness.len() == 0, 'Merkle: witness too long');
    check_root(queue, root);
}

/// The queue after the traversal holds the root alone (none if nothing was queried).
fn check_root(queue: Array<(u32, felt252)>, root: felt252) {
    let mut queue = queue;
    if let Option::Some((index, hash)) = queue.pop_front() {
        assert(index == 1 && queue.len() == 0, 'Merkle: query out of range');
        assert(hash == root, 'Merkle: root mismatch');
    }
}

/// Replaces the queue's nodes below layer l (2^l = first, the heap index of its first node) by
/// their ancestors in layer l: a node's parent hashes it with its sibling, the next node of the
/// queue if that is the sibling, else the next witness hash.
fn climb(ref queue: Array<(u32, felt252)>, first: u32, ref hash_witness: Span<felt252>) {
    let below = first + first;
    while let Option::Some(front) = queue.get(0) {
        let (index, hash) = *front.unbox();
        if index < below {
            break;
        }
        queue.pop_front().unwrap();
        let (parent, is_right) = div_rem(index, NZ_2);
        let (left, right) = if is_right == 1 {
            (witness_hash(ref hash_witness), hash)
        } else {
            match queue.get(0) {
                Option::Some(next) => {
                    let (next_index, next_hash) = *next.unbox();
                    if next_index == index + 1 {
                        queue.pop_front().unwrap();
                        (hash, next_hash)
                    } else {
                        (hash, witness_hash(ref hash_witness))
                    }
                },
                Option::None => (hash, witness_hash(ref hash_witness)),
            }
        };
        let (parent_hash, _, _) = hades_permutation(left, right, 2);
        queue.append((upcast(parent), parent_hash));
    };
}

type ConstValue<const VALUE: felt252> = BoundedInt<VALUE, VALUE>;
const NZ_2: NonZero<ConstValue<2>> = 2;

impl DivRemU32By2 of DivRemHelper<u32, ConstValue<2>> {
    type DivT = BoundedInt<0, 0x7fffffff>;
    type RemT = BoundedInt<0, 1>;
}

/// Layer k, which has columns or queries: its nodes are the parents of the queue's nodes (none
/// in the top layer) and the queries, in ascending order; below the top, each hashes its children
/// (child_hash), and each its n_columns values: queried, or from the column witness for a node
/// that is only a parent. They replace the nodes below in the queue.
fn layer_with_columns(
    ref queue: Array<(u32, felt252)>,
    k: u32,
    is_top: bool,
    queries: Span<u32>,
    n_columns: u32,
    ref queried_values: Span<M31>,
    ref column_witness: Span<M31>,
    ref hash_witness: Span<felt252>,
) {
    let first = pow2(k);
    if queries.len() != 0 {
        assert(*queries[queries.len() - 1] < first, 'Merkle: query out of range');
    }
    let below = first + first;
    let mut queries = queries;
    loop {
        // The next node: the least of the next child's parent and the next query.
        let next_parent = match queue.get(0) {
            Option::Some(child) => {
                let (index, _) = *child.unbox();
                if index >= below {
                    Option::Some(index / 2)
                } else {
                    Option::None
                }
            },
            Option::None => Option::None,
        };
        let (node, is_query) = match (next_parent, queries.get(0)) {
            (Option::None, Option::None) => { break; },
            (Option::Some(parent), Option::None) => (parent, false),
            (Option::None, Option::Some(query)) => (first + *query.unbox(), true),
            (
                Option::Some(parent), Option::Some(query),
            ) => {
                let query = first + *query.unbox();
                if parent < query {
                    (parent, false)
                } else {
                    (query, true)
                }
            },
        };
        let values = if is_query {
            queries.pop_front().unwrap();
            take(ref queried_values, n_columns, 'Merkle: too few queried values')
        } else {
            take(ref column_witness, n_columns, 'Merkle: witness too short')
        };
        let children = if is_top {
            Option::None
        } else {
            let left = child_hash(2 * node, ref queue, ref hash_witness);
            Option::Some((left, child_hash(2 * node + 1, ref queue, ref hash_witness)))
        };
        queue.append((node, hash_node(children, values)));
    };
}

/// The hash of the child with heap index `child`: the queue's next node if that is the child
/// (which it then takes), else the next witness hash.
fn child_hash(
    child: u32, ref queue: Array<(u32, felt252)>, ref hash_witness: Span<felt252>,
) -> felt252 {
    if let Option::Some(next) = queue.get(0) {
        let (index, hash) = *next.unbox();
        if index == child {
            queue.pop_front().unwrap();
            return hash;
        }
    }
    witness_hash(ref hash_witness)
}

fn witness_hash(ref hash_witness: Span<felt252>) -> felt252 {
    match hash_witness.pop_front() {
        Option::Some(hash) => *hash,
        Option::None => core::panic_with_felt252('Merkle: witness too short'),
    }
}

fn take(ref values: Span<M31>, n: u32, error: felt252) -> Span<M31> {
    assert(values.len() >= n, error);
    let taken = values.slice(0, n);
    values = values.slice(n, values.len() - n);
    taken
}

#[cfg(test)]
mod tests {
    use core::poseidon::poseidon_hash_span;
    use crate::channel::{pack_m31s, pack_qm31_pair};
    use crate::fields::m31::{M31, M31Trait};
    use crate::fields::qm31::QM31Trait;
    use super::{MerkleDecommitment, fri_leaf_hashes, hash_node, verify_merkle_of_leaf_hashes};

    /// The node hash of a node with values as the corelib computes it: PoseidonHashMany of the
    /// children and the values packed eight per felt, the last felt packing what is left.
    fn hash_node_by_definition(children: Option<(felt252, felt252)>, values: Span<M31>) -> felt252 {
        let mut input = array![];
        if let Option::Some((left, right)) = children {
            input.append(left);
            input.append(right);
        }
        let mut values = values;
        while values.len() != 0 {
            let n = if values.len() < 8 {
                values.len()
            } else {
                8
            };
            input.append(pack_m31s(values.slice(0, n)));
            values = values.slice(n, values.len() - n);
        };
        poseidon_hash_span(input.span())
    }

    #[test]
    fn test_node_hash_is_poseidon_hash_many_at_every_length() {
        let children = Option::Some((0x123, 0x456));
        let (children_only, _, _) = core::poseidon::hades_permutation(0x123, 0x456, 2);
        assert(hash_node(children, array![].span()) == children_only, 'children only');
        let mut values = array![M31Trait::reduce_u32(0x7fff0000)];
        let mut n: u32 = 1;
        while n != 41 {
            let span = values.span();
            assert(
                hash_node(Option::None, span) == hash_node_by_definition(Option::None, span),
                'leaf hash',
            );
            assert(
                hash_node(children, span) == hash_node_by_definition(children, span), 'node hash',
            );
            values.append(M31Trait::reduce_u32(0x7fff0000 + n * 52361));
            n += 1;
        };
    }

    #[test]
    fn test_fri_leaves_of_8_are_poseidon_hash_many() {
        let mut values = array![];
        let mut n: u32 = 0;
        while n != 16 {
            values.append(QM31Trait::from_u32s(n * 7919, 0x7ffffffe - n, n * n, 0x40000000 + n));
            n += 1;
        };
        let values = values.span();
        let hashes = fri_leaf_hashes(values, 3);
        assert(hashes.len() == 2, 'one hash a coset');
        let mut coset = 0;
        while coset != 2 {
            let v = values.slice(coset * 8, 8);
            let packed = array![
                pack_qm31_pair(*v[0], *v[1]), pack_qm31_pair(*v[2], *v[3]),
                pack_qm31_pair(*v[4], *v[5]), pack_qm31_pair(*v[6], *v[7]),
            ];
            assert(*hashes[coset] == poseidon_hash_span(packed.span()), 'coset hash');
            coset += 1;
        };
        // Other fold steps take the corelib's loop: a coset of 4 is two packed felts.
        let hashes = fri_leaf_hashes(values.slice(0, 4), 2);
        let packed = array![
            pack_qm31_pair(*values[0], *values[1]), pack_qm31_pair(*values[2], *values[3]),
        ];
        assert(hashes == array![poseidon_hash_span(packed.span())].span(), 'coset of 4');
    }

    fn no_witness() -> MerkleDecommitment {
        MerkleDecommitment { hash_witness: array![].span(), column_witness: array![].span() }
    }

    #[test]
    #[should_panic(expected: ('Merkle: query out of range',))]
    fn test_leaf_outside_the_tree() {
        verify_merkle_of_leaf_hashes(0, 2, array![4].span(), array![1].span(), no_witness());
    }

    #[test]
    #[should_panic(expected: ('Merkle: wrong number of leaves',))]
    fn test_leaves_without_their_hashes() {
        verify_merkle_of_leaf_hashes(0, 2, array![1, 2].span(), array![1].span(), no_witness());
    }

    #[test]
    fn test_all_leaves_opened() {
        let h = |a: felt252, b: felt252| {
            let (hash, _, _) = core::poseidon::hades_permutation(a, b, 2);
            hash
        };
        let root = h(h(11, 12), h(13, 14));
        let leaves = array![0, 1, 2, 3].span();
        verify_merkle_of_leaf_hashes(root, 2, leaves, array![11, 12, 13, 14].span(), no_witness());
    }
}
