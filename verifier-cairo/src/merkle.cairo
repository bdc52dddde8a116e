//! Mixed-degree Merkle trees with Poseidon252 nodes: the node hash of
//! src/hash/poseidon252_merkle_hasher.h and the traversal of src/hash/merkle_verifier.h.
//! A node of layer k (2^k nodes) hashes its two children (below the top layer) and the values
//! of the columns of log size k at its position:
//!   children only   PoseidonHash(left, right)
//!   otherwise       PoseidonHashMany([left, right]? ++ the values packed 8 per felt)
use core::poseidon::{hades_permutation, poseidon_hash_span};
use crate::channel::pack_m31s;
use crate::fields::m31::M31;

const VALUES_PER_FELT: u32 = 8;

pub fn hash_node(children: Option<(felt252, felt252)>, column_values: Span<M31>) -> felt252 {
    let mut input = array![];
    if let Option::Some((left, right)) = children {
        if column_values.len() == 0 {
            let (hash, _, _) = hades_permutation(left, right, 2);
            return hash;
        }
        input.append(left);
        input.append(right);
    }
    let mut values = column_values;
    while values.len() != 0 {
        let n = if values.len() < VALUES_PER_FELT {
            values.len()
        } else {
            VALUES_PER_FELT
        };
        input.append(pack_m31s(values.slice(0, n)));
        values = values.slice(n, values.len() - n);
    };
    poseidon_hash_span(input.span())
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
    let mut child_nodes: Span<u32> = array![].span();
    let mut child_hashes: Span<felt252> = array![].span();
    let mut k = max_log_size + 1;
    while k != 0 {
        k -= 1;
        let n_columns = *n_columns_per_log_size[k];
        let queries = if k < queries_per_log_size.len() {
            *queries_per_log_size[k]
        } else {
            array![].span()
        };
        if n_columns == 0 && queries.len() == 0 && k < max_log_size {
            // Most layers only hash the nodes below in pairs.
            let (nodes, hashes) = parents(child_nodes, child_hashes, ref hash_witness);
            child_nodes = nodes;
            child_hashes = hashes;
            continue;
        }
        let nodes = layer_nodes(child_nodes, queries);
        let mut hashes = array![];
        let mut next_child = 0;
        let mut next_query = 0;
        for j in nodes.span() {
            let j = *j;
            let children = if k < max_log_size {
                let left = child_hash(2 * j, child_nodes, child_hashes, ref next_child, ref hash_witness);
                let right = child_hash(
                    2 * j + 1, child_nodes, child_hashes, ref next_child, ref hash_witness,
                );
                Option::Some((left, right))
            } else {
                Option::None
            };
            let queried = next_query < queries.len() && *queries[next_query] == j;
            let values = if queried {
                next_query += 1;
                take(ref queried_values, n_columns, 'Merkle: too few queried values')
            } else {
                take(ref column_witness, n_columns, 'Merkle: witness too short')
            };
            hashes.append(hash_node(children, values));
        };
        child_nodes = nodes.span();
        child_hashes = hashes.span();
    };
    assert(hash_witness.len() == 0, 'Merkle: witness too long');
    assert(column_witness.len() == 0, 'Merkle: witness too long');
    assert(queried_values.len() == 0, 'Merkle: too many queried values');
    if child_nodes.len() != 0 {
        // Anything but the single node 0 can only come from out-of-range queries.
        assert(child_nodes.len() == 1 && *child_nodes[0] == 0, 'Merkle: query out of range');
        assert(*child_hashes[0] == root, 'Merkle: root mismatch');
    }
}

/// The parents of the nodes (ascending) with these hashes, and their hashes: a parent's children
/// are both in the list, or one is and the other is the next witness hash.
fn parents(
    nodes: Span<u32>, hashes: Span<felt252>, ref hash_witness: Span<felt252>,
) -> (Span<u32>, Span<felt252>) {
    let mut parent_nodes = array![];
    let mut parent_hashes = array![];
    let mut i = 0;
    while i != nodes.len() {
        let (parent, is_right) = DivRem::div_rem(*nodes[i], 2);
        let (left, right) = if is_right == 1 {
            (witness_hash(ref hash_witness), *hashes[i])
        } else if i + 1 != nodes.len() && *nodes[i + 1] == *nodes[i] + 1 {
            i += 1;
            (*hashes[i - 1], *hashes[i])
        } else {
            (*hashes[i], witness_hash(ref hash_witness))
        };
        let (hash, _, _) = hades_permutation(left, right, 2);
        parent_nodes.append(parent);
        parent_hashes.append(hash);
        i += 1;
    };
    (parent_nodes.span(), parent_hashes.span())
}

fn witness_hash(ref hash_witness: Span<felt252>) -> felt252 {
    match hash_witness.pop_front() {
        Option::Some(hash) => *hash,
        Option::None => core::panic_with_felt252('Merkle: witness too short'),
    }
}

/// The nodes of a layer to recompute: the parents of the nodes recomputed below, and the
/// queries, in ascending order without duplicates.
fn layer_nodes(child_nodes: Span<u32>, queries: Span<u32>) -> Array<u32> {
    let mut nodes: Array<u32> = array![];
    let (mut c, mut q) = (0, 0);
    while c < child_nodes.len() || q < queries.len() {
        let from_child = q == queries.len()
            || (c < child_nodes.len() && *child_nodes[c] / 2 <= *queries[q]);
        let next = if from_child {
            c += 1;
            *child_nodes[c - 1] / 2
        } else {
            q += 1;
            *queries[q - 1]
        };
        if nodes.len() == 0 || *nodes[nodes.len() - 1] != next {
            nodes.append(next);
        }
    };
    nodes
}

/// The hash of `child`: recomputed if that node was opened, else the next witness hash.
fn child_hash(
    child: u32,
    child_nodes: Span<u32>,
    child_hashes: Span<felt252>,
    ref next_child: u32,
    ref hash_witness: Span<felt252>,
) -> felt252 {
    if next_child < child_nodes.len() && *child_nodes[next_child] == child {
        next_child += 1;
        return *child_hashes[next_child - 1];
    }
    witness_hash(ref hash_witness)
}

fn take(ref values: Span<M31>, n: u32, error: felt252) -> Span<M31> {
    assert(values.len() >= n, error);
    let taken = values.slice(0, n);
    values = values.slice(n, values.len() - n);
    taken
}
