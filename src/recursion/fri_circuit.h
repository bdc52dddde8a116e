// FRI in a circuit (fri/fri_verifier.h), one query at a time: the commit phase replayed on the
// circuit channel, then for each query its first-layer pairs circle-folded, every inner layer's
// coset checked to hold the running value at the query's slot and folded, the smaller columns
// joining where the schedule says, every opened leaf on its Merkle path, and the last layer. The
// fold formulas are the native ones (fri/fold.h); twiddle inverses are guessed and checked.
// Only the recursive profile's constant last layer (log_last_layer_degree_bound 0) is supported.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "fri/config.h"
#include "fri/fri_schedule.h"
#include "fri/fri_verifier.h"
#include "fri/proof.h"
#include "hash/poseidon2_m31_merkle_hasher.h"
#include "recursion/circuit_channel.h"

namespace tensorstark::recursion {

using FriProofPoseidon2 = fri::FriProof<hash::Poseidon2M31MerkleHasher>;
using FriOpenedPoseidon2 = fri::FriOpened<hash::Poseidon2M31MerkleHasher>;

struct FriCommitWires {
  fri::FriSchedule schedule;
  DigestWires first_root;
  std::vector<DigestWires> inner_roots;
  std::vector<Wire> column_alphas;  // β per input column
  std::vector<Wire> layer_alphas;   // α per inner layer
  Wire last_layer_value;            // the constant last layer
};

// FriVerifier::Commit in the circuit. The roots and the last layer's coefficient are guessed from
// `proof` (a build with values) or anything (proof null: the topology). The configuration and the
// column sizes are the circuit's constants; FriInputsFit must hold.
FriCommitWires CommitFri(CircuitChannel& channel, const fri::FriConfig& config,
                         std::span<const uint32_t> column_log_sizes,
                         const FriProofPoseidon2* proof);

// What one query opens, from a native verification's FriOpened (or empty for the topology).
struct FriQueryOpening {
  std::vector<std::array<field::QM31, 2>> first_pairs;        // per column
  std::vector<std::vector<field::QM31>> inner_cosets;         // per inner layer
  std::vector<std::vector<hash::Poseidon2M31Hash>> siblings;  // per layer, from the leaf up
};
FriQueryOpening QueryOpening(const fri::FriSchedule& schedule, const FriOpenedPoseidon2* opened,
                             size_t query);

// Checks one query: position_bits are the query's max_log_size bits (least significant first),
// first_layer_values[i] the value of column i at the query (its DEEP quotient there).
void CheckFriQuery(const FriCommitWires& fri, std::span<const Wire> position_bits,
                   std::span<const Wire> first_layer_values, const FriQueryOpening& opening);

}  // namespace tensorstark::recursion
