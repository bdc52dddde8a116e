// The three (Fiat–Shamir channel, Merkle hasher) pairs a proof can use, as types for
// TEST_CASE_TEMPLATE.
#pragma once

#include "hash/blake2s_channel.h"
#include "hash/blake2s_merkle_hasher.h"
#include "hash/poseidon252_channel.h"
#include "hash/poseidon252_merkle_hasher.h"
#include "hash/poseidon2_m31_channel.h"
#include "hash/poseidon2_m31_merkle_hasher.h"

namespace tensorstark::testing {

struct Blake2s {
  using C = hash::Blake2sChannel;
  using H = hash::Blake2sMerkleHasher;
};
struct Poseidon252 {
  using C = hash::Poseidon252Channel;
  using H = hash::Poseidon252MerkleHasher;
};
struct Poseidon2M31 {
  using C = hash::Poseidon2M31Channel;
  using H = hash::Poseidon2M31MerkleHasher;
};

}  // namespace tensorstark::testing
