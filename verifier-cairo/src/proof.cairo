//! A STARK proof as the verifier reads it (src/air/proof.h, src/fri/proof.h), and its reader
//! from calldata (src/air/calldata.h): every list starts with its length; M31 lists are packed
//! eight values per felt (big-endian base 2^31, the last felt packing what is left), QM31 lists
//! are their coordinates packed the same way, hashes and integers are one felt each. Sampled
//! values come as one flat list: the AIR gives their shape. A malformed calldata panics with a
//! message naming what is wrong.
use crate::channel::limbs_31;
use crate::fields::m31::{M31, M31Trait, P};
use crate::fields::qm31::{QM31, QM31Trait};
use crate::merkle::MerkleDecommitment;

pub const CALLDATA_FORMAT_VERSION: u64 = 4;
/// A zero-knowledge proof's: a flags felt follows the configuration, which must be 1.
pub const ZK_CALLDATA_FORMAT_VERSION: u64 = 5;
pub const ZK_PROOF_FLAGS: u32 = 1;

#[derive(Drop, Copy, Debug, PartialEq)]
pub struct PcsConfig {
    pub pow_bits: u32,
    pub log_blowup_factor: u32,
    pub log_last_layer_degree_bound: u32,
    pub n_queries: u32,
    pub fold_step: u32,
}

#[generate_trait]
pub impl PcsConfigImpl of PcsConfigTrait {
    /// pow_bits + log_blowup_factor · n_queries (src/fri/config.h).
    fn security_bits(self: @PcsConfig) -> u32 {
        *self.pow_bits + *self.log_blowup_factor * *self.n_queries
    }
}

#[derive(Drop, Copy, Debug, PartialEq)]
pub struct ProofConfig {
    pub pcs: PcsConfig,
    pub interaction_pow_bits: u32,
    /// Whether the proof is zero-knowledge (docs/zero-knowledge.md).
    pub zk: bool,
}

#[derive(Drop, Copy, Debug)]
pub struct FriLayerProof {
    pub fri_witness: Span<QM31>,
    pub decommitment: MerkleDecommitment,
    pub commitment: felt252,
}

#[derive(Drop, Copy, Debug)]
pub struct FriProof {
    pub first_layer: FriLayerProof,
    pub inner_layers: Span<FriLayerProof>,
    pub last_layer_poly: Span<QM31>,
}

#[derive(Drop, Copy, Debug)]
pub struct PcsProof {
    pub commitments: Span<felt252>,
    pub sampled_values: Span<QM31>,
    pub decommitments: Span<MerkleDecommitment>,
    pub queried_values: Span<Span<M31>>,
    pub proof_of_work: u64,
    pub fri_proof: FriProof,
}

#[derive(Drop, Copy, Debug)]
pub struct StarkProof {
    pub config: ProofConfig,
    pub public_inputs: Span<M31>,
    pub interaction_pow_nonce: u64,
    pub claimed_sums: Span<QM31>,
    pub pcs: PcsProof,
}

pub fn read_proof(calldata: Span<felt252>) -> StarkProof {
    let mut data = calldata;
    let version = read_u64(ref data);
    assert(
        version == CALLDATA_FORMAT_VERSION || version == ZK_CALLDATA_FORMAT_VERSION,
        'calldata: unknown version',
    );
    let pcs_config = PcsConfig {
        pow_bits: read_u32(ref data),
        log_blowup_factor: read_u32(ref data),
        log_last_layer_degree_bound: read_u32(ref data),
        n_queries: read_u32(ref data),
        fold_step: read_u32(ref data),
    };
    let interaction_pow_bits = read_u32(ref data);
    let zk = version == ZK_CALLDATA_FORMAT_VERSION;
    if zk {
        assert(read_u32(ref data) == ZK_PROOF_FLAGS, 'calldata: unknown flags');
    }
    let config = ProofConfig { pcs: pcs_config, interaction_pow_bits, zk };
    let public_inputs = read_m31s(ref data);
    let interaction_pow_nonce = read_u64(ref data);
    let claimed_sums = read_qm31s(ref data);
    let commitments = read_hashes(ref data);
    let sampled_values = read_qm31s(ref data);
    let (decommitments, queried_values) = read_tree_openings(ref data);
    let proof_of_work = read_u64(ref data);
    let first_layer = read_fri_layer(ref data);
    let mut inner_layers = array![];
    let n_inner = read_u32(ref data);
    while inner_layers.len() < n_inner {
        inner_layers.append(read_fri_layer(ref data));
    };
    let last_layer_poly = read_qm31s(ref data);
    assert(data.len() == 0, 'calldata: trailing felts');
    StarkProof {
        config,
        public_inputs,
        interaction_pow_nonce,
        claimed_sums,
        pcs: PcsProof {
            commitments,
            sampled_values,
            decommitments,
            queried_values,
            proof_of_work,
            fri_proof: FriProof {
                first_layer, inner_layers: inner_layers.span(), last_layer_poly,
            },
        },
    }
}

fn read_tree_openings(ref data: Span<felt252>) -> (Span<MerkleDecommitment>, Span<Span<M31>>) {
    let mut decommitments = array![];
    let n_trees = read_u32(ref data);
    while decommitments.len() < n_trees {
        decommitments.append(read_decommitment(ref data));
    };
    let mut queried_values = array![];
    let n_trees = read_u32(ref data);
    while queried_values.len() < n_trees {
        queried_values.append(read_m31s(ref data));
    };
    (decommitments.span(), queried_values.span())
}

fn next(ref data: Span<felt252>) -> felt252 {
    match data.pop_front() {
        Option::Some(felt) => *felt,
        Option::None => core::panic_with_felt252('calldata: truncated'),
    }
}

fn read_u64(ref data: Span<felt252>) -> u64 {
    match next(ref data).try_into() {
        Option::Some(value) => value,
        Option::None => core::panic_with_felt252('calldata: integer out of range'),
    }
}

pub fn read_u32(ref data: Span<felt252>) -> u32 {
    match next(ref data).try_into() {
        Option::Some(value) => value,
        Option::None => core::panic_with_felt252('calldata: integer out of range'),
    }
}

fn read_hashes(ref data: Span<felt252>) -> Span<felt252> {
    let n = read_u32(ref data);
    assert(data.len() >= n, 'calldata: truncated');
    let hashes = data.slice(0, n);
    data = data.slice(n, data.len() - n);
    hashes
}

/// n values packed eight per felt, big-endian: a felt of k values is below 2^(31k), and each
/// value below P.
fn read_packed(ref data: Span<felt252>, n: u32) -> Array<M31> {
    let mut values = array![];
    let mut remaining = n;
    while remaining >= 8 {
        let [v0, v1, v2, v3, v4, v5, v6, v7] = read_eight(ref data);
        values.append(v0);
        values.append(v1);
        values.append(v2);
        values.append(v3);
        values.append(v4);
        values.append(v5);
        values.append(v6);
        values.append(v7);
        remaining -= 8;
    };
    if remaining != 0 {
        let (limbs, rest) = limbs_31(next(ref data));
        let limbs = limbs.span();
        assert(rest == 0, 'calldata: bad packing');
        for limb in limbs.slice(remaining, 8 - remaining) {
            assert(*limb == 0, 'calldata: bad packing');
        };
        while remaining != 0 {
            remaining -= 1;
            values.append(m31_from_limb(*limbs[remaining]));
        };
    }
    values
}

/// The eight values of the next felt, most significant first.
fn read_eight(ref data: Span<felt252>) -> [M31; 8] {
    let (limbs, rest) = limbs_31(next(ref data));
    assert(rest == 0, 'calldata: bad packing');
    let [l0, l1, l2, l3, l4, l5, l6, l7] = limbs;
    [
        m31_from_limb(l7), m31_from_limb(l6), m31_from_limb(l5), m31_from_limb(l4),
        m31_from_limb(l3), m31_from_limb(l2), m31_from_limb(l1), m31_from_limb(l0),
    ]
}

fn m31_from_limb(limb: u32) -> M31 {
    match M31Trait::from_u32(limb) {
        Option::Some(value) => value,
        Option::None => core::panic_with_felt252('calldata: value out of range'),
    }
}

fn read_m31s(ref data: Span<felt252>) -> Span<M31> {
    let n = read_u32(ref data);
    read_packed(ref data, n).span()
}

/// n QM31 values, their coordinates packed as M31 values are: two values a felt.
fn read_qm31s(ref data: Span<felt252>) -> Span<QM31> {
    let n = read_u32(ref data);
    let mut values = array![];
    while values.len() + 2 <= n {
        let [a0, a1, a2, a3, b0, b1, b2, b3] = read_eight(ref data);
        values.append(QM31Trait::from_m31s(a0, a1, a2, a3));
        values.append(QM31Trait::from_m31s(b0, b1, b2, b3));
    };
    if values.len() != n {
        let last = read_packed(ref data, 4);
        values.append(QM31Trait::from_m31s(*last[0], *last[1], *last[2], *last[3]));
    }
    values.span()
}

fn read_decommitment(ref data: Span<felt252>) -> MerkleDecommitment {
    let hash_witness = read_hashes(ref data);
    MerkleDecommitment { hash_witness, column_witness: read_m31s(ref data) }
}

fn read_fri_layer(ref data: Span<felt252>) -> FriLayerProof {
    let fri_witness = read_qm31s(ref data);
    let decommitment = read_decommitment(ref data);
    FriLayerProof { fri_witness, decommitment, commitment: next(ref data) }
}
