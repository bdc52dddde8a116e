//! Mixed-degree Merkle trees with Poseidon252 nodes: the node hash of
//! src/hash/poseidon252_merkle_hasher.h and the traversal of src/hash/merkle_verifier.h.
//! A node of layer k (2^k nodes) hashes its two children (below the top layer) and the values
//! of the columns of log size k at its position:
//!   children only   PoseidonHash(left, right)
//!   otherwise       PoseidonHashMany([left, right]? ++ the values packed 8 per felt)
//! Layers without columns or queries only hash pairs of children (parents); the others walk the
//! parents of the nodes below and the layer's queries together, in one pass.
use core::internal::bounded_int::{BoundedInt, DivRemHelper, div_rem, upcast};
use core::poseidon::{hades_permutation, poseidon_hash_span};
use crate::channel::pack_m31s;
use crate::fields::m31::{M31, M31Trait};

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
    append_packed(ref input, column_values);
    poseidon_hash_span(input.span())
}

/// The values packed eight per felt (the last felt packing what is left), appended.
fn append_packed(ref input: Array<felt252>, values: Span<M31>) {
    let mut values = values;
    while let Option::Some(eight) = values.multi_pop_front::<8>() {
        let [v0, v1, v2, v3, v4, v5, v6, v7] = (*eight).unbox();
        let w: felt252 = 0x80000000;
        input
            .append(
                ((((((v0.felt() * w + v1.felt()) * w + v2.felt()) * w + v3.felt()) * w + v4.felt())
                    * w
                    + v5.felt())
                    * w
                    + v6.felt())
                    * w
                    + v7.felt(),
            );
    };
    if values.len() != 0 {
        input.append(pack_m31s(values));
    }
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
    let mut nodes: Span<u32> = array![].span();
    let mut hashes: Span<felt252> = array![].span();
    let mut k = max_log_size + 1;
    while k != 0 {
        k -= 1;
        let n_columns = *n_columns_per_log_size[k];
        let queries = if k < queries_per_log_size.len() {
            *queries_per_log_size[k]
        } else {
            array![].span()
        };
        let (layer_nodes, layer_hashes) = if n_columns == 0 && queries.len() == 0 && k < max_log_size {
            // Most layers only hash the nodes below in pairs.
            parents(nodes, hashes, ref hash_witness)
        } else {
            layer_with_columns(
                k == max_log_size,
                nodes,
                hashes,
                queries,
                n_columns,
                ref queried_values,
                ref column_witness,
                ref hash_witness,
            )
        };
        nodes = layer_nodes;
        hashes = layer_hashes;
    };
    assert(hash_witness.len() == 0, 'Merkle: witness too long');
    assert(column_witness.len() == 0, 'Merkle: witness too long');
    assert(queried_values.len() == 0, 'Merkle: too many queried values');
    if nodes.len() != 0 {
        // Anything but the single node 0 can only come from out-of-range queries.
        assert(nodes.len() == 1 && *nodes[0] == 0, 'Merkle: query out of range');
        assert(*hashes[0] == root, 'Merkle: root mismatch');
    }
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
    let mut hash_witness = decommitment.hash_witness;
    let mut nodes = leaves;
    let mut hashes = leaf_hashes;
    let mut k = leaf_log_size;
    while k != 0 {
        let (parent_nodes, parent_hashes) = parents(nodes, hashes, ref hash_witness);
        nodes = parent_nodes;
        hashes = parent_hashes;
        k -= 1;
    };
    assert(hash_witness.len() == 0, 'Merkle: witness too long');
    if nodes.len() != 0 {
        assert(nodes.len() == 1 && *nodes[0] == 0, 'Merkle: query out of range');
        assert(*hashes[0] == root, 'Merkle: root mismatch');
    }
}

/// The parents of the nodes (ascending, distinct) with these hashes, and their hashes: a
/// parent's children are both in the list, or one is and the other is the next witness hash.
fn parents(
    nodes: Span<u32>, hashes: Span<felt252>, ref hash_witness: Span<felt252>,
) -> (Span<u32>, Span<felt252>) {
    let mut parent_nodes = array![];
    let mut parent_hashes = array![];
    let mut nodes = nodes;
    let mut hashes = hashes;
    while let Option::Some(node) = nodes.pop_front() {
        let hash = *hashes.pop_front().unwrap();
        let (parent, is_right) = div_rem(*node, NZ_2);
        let parent: u32 = upcast(parent);
        let (left, right) = if is_right == 1 {
            (witness_hash(ref hash_witness), hash)
        } else {
            // The right sibling is the next node if it was opened too.
            let sibling = match nodes.get(0) {
                Option::Some(next) => {
                    let (next_parent, _) = div_rem(*next.unbox(), NZ_2);
                    upcast(next_parent) == parent
                },
                Option::None => false,
            };
            if sibling {
                nodes.pop_front().unwrap();
                (hash, *hashes.pop_front().unwrap())
            } else {
                (hash, witness_hash(ref hash_witness))
            }
        };
        let (parent_hash, _, _) = hades_permutation(left, right, 2);
        parent_nodes.append(parent);
        parent_hashes.append(parent_hash);
    };
    (parent_nodes.span(), parent_hashes.span())
}

type ConstValue<const VALUE: felt252> = BoundedInt<VALUE, VALUE>;
const NZ_2: NonZero<ConstValue<2>> = 2;

impl DivRemU32By2 of DivRemHelper<u32, ConstValue<2>> {
    type DivT = BoundedInt<0, 0x7fffffff>;
    type RemT = BoundedInt<0, 1>;
}

/// A layer with columns or queries: its nodes are the parents of the nodes below (none in the
/// top layer) and the queries, in ascending order; below the top, each hashes its children
/// (child_hash), and each its n_columns values: queried, or from the column witness for a node
/// that is only a parent.
fn layer_with_columns(
    is_top: bool,
    child_nodes: Span<u32>,
    child_hashes: Span<felt252>,
    queries: Span<u32>,
    n_columns: u32,
    ref queried_values: Span<M31>,
    ref column_witness: Span<M31>,
    ref hash_witness: Span<felt252>,
) -> (Span<u32>, Span<felt252>) {
    let mut child_nodes = child_nodes;
    let mut child_hashes = child_hashes;
    let mut queries = queries;
    let mut nodes = array![];
    let mut hashes = array![];
    loop {
        // The next node: the least of the next child's parent and the next query.
        let next_parent = match child_nodes.get(0) {
            Option::Some(child) => Option::Some(*child.unbox() / 2),
            Option::None => Option::None,
        };
        let (node, is_query) = match (next_parent, queries.get(0)) {
            (Option::None, Option::None) => { break; },
            (Option::Some(parent), Option::None) => (parent, false),
            (Option::None, Option::Some(query)) => (*query.unbox(), true),
            (
                Option::Some(parent), Option::Some(query),
            ) => {
                let query = *query.unbox();
                if parent < query {
                    (parent, false)
                } else {
                    (query, true)
                }
            },
        };
        let mut input = array![];
        if !is_top {
            input.append(child_hash(2 * node, ref child_nodes, ref child_hashes, ref hash_witness));
            input
                .append(
                    child_hash(2 * node + 1, ref child_nodes, ref child_hashes, ref hash_witness),
                );
        }
        let values = if is_query {
            queries.pop_front().unwrap();
            take(ref queried_values, n_columns, 'Merkle: too few queried values')
        } else {
            take(ref column_witness, n_columns, 'Merkle: witness too short')
        };
        nodes.append(node);
        hashes.append(hash_of_input(input, values));
    };
    (nodes.span(), hashes.span())
}

/// The hash of `child`: the next recomputed one if that is the child's (which it then takes),
/// else the next witness hash.
fn child_hash(
    child: u32,
    ref child_nodes: Span<u32>,
    ref child_hashes: Span<felt252>,
    ref hash_witness: Span<felt252>,
) -> felt252 {
    let recomputed = match child_nodes.get(0) {
        Option::Some(node) => *node.unbox() == child,
        Option::None => false,
    };
    if recomputed {
        child_nodes.pop_front().unwrap();
        return *child_hashes.pop_front().unwrap();
    }
    witness_hash(ref hash_witness)
}

/// The node hash of hash_node, given the children's hashes (none or two) in `input`.
fn hash_of_input(input: Array<felt252>, values: Span<M31>) -> felt252 {
    if values.len() == 0 && input.len() == 2 {
        let (hash, _, _) = hades_permutation(*input[0], *input[1], 2);
        return hash;
    }
    let mut input = input;
    append_packed(ref input, values);
    poseidon_hash_span(input.span())
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
