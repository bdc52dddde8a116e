// The hash families a proof can use, each a (Fiat–Shamir channel, Merkle hasher) pair:
// BLAKE2s (the fastest to prove with), Poseidon252 (what the Cairo verifier replays) and
// Poseidon2-M31 (what a recursion circuit verifies cheaply).
// TENSORSTARK_FOR_EACH_HASH_FAMILY(X) expands X(Channel, Hasher) once per family: the prover and
// the verifier are instantiated once for each (air/prover_instances.cc, air/verifier_instances.cc)
// instead of in every file that calls them.
#pragma once

#include "hash/blake2s_channel.h"
#include "hash/blake2s_merkle_hasher.h"
#include "hash/poseidon252_channel.h"
#include "hash/poseidon252_merkle_hasher.h"
#include "hash/poseidon2_m31_channel.h"
#include "hash/poseidon2_m31_merkle_hasher.h"

#define TENSORSTARK_FOR_EACH_HASH_FAMILY(X)                                                \
  X(::tensorstark::hash::Blake2sChannel, ::tensorstark::hash::Blake2sMerkleHasher)         \
  X(::tensorstark::hash::Poseidon252Channel, ::tensorstark::hash::Poseidon252MerkleHasher) \
  X(::tensorstark::hash::Poseidon2M31Channel, ::tensorstark::hash::Poseidon2M31MerkleHasher)
