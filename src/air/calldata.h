// A Poseidon252 proof as Starknet calldata: the felt252 values the Cairo verifier's contract
// reads (verifier-cairo/src/calldata.cairo), as small as the values allow. The sections come in
// the order of the binary encoding (proof_io.h), and each list starts with its length:
//   M31 lists     packed eight values per felt (hash::PackM31s: big-endian base 2^31, the last
//                 felt packing what is left); the length counts values
//   QM31 lists    their coordinates as an M31 list (two values per felt); the length counts
//                 QM31 values
//   hashes        one felt each (Poseidon252 roots and Merkle witnesses are felts)
//   integers      one felt each: the format version, the configuration, nonces, list lengths
// A zero-knowledge proof has format version 5 and a flags felt after the configuration, which
// must be 1 (proof_io.h's version 5); other proofs are version 4, without it.
// Sampled values are one flat QM31 list in [tree][column][sample] order: the verifier knows the
// shape from the AIR.
// BLAKE2s proofs have no calldata (their 256-bit hashes are not felts).
#pragma once

#include <cstdint>
#include <vector>

#include "air/proof.h"
#include "air/proof_io.h"
#include "field/felt252.h"
#include "hash/poseidon252_merkle_hasher.h"

namespace tensorstark::air {

inline constexpr uint64_t kCalldataFormatVersion = kProofFormatVersion;
inline constexpr uint64_t kZkCalldataFormatVersion = kZkProofFormatVersion;

struct Calldata {
  std::vector<field::Felt252> felts;
  ProofSizeBreakdown felts_per_section;  // felts here, not bytes
};

Calldata ProofCalldata(const StarkProof<hash::Poseidon252MerkleHasher>& proof);

}  // namespace tensorstark::air
