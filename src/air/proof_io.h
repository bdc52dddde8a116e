// The canonical binary encoding of a StarkProof (protocol reference §8.5): what the prover writes
// to proof.bin and what the verifier reads before anything else. The parser is the first code
// that touches untrusted bytes, so it never reads out of bounds, never allocates more than the
// input can fill, and answers every malformed input with a ProofParseError (no exceptions, no
// asserts). The encoding is canonical: a proof has exactly one encoding, and any bytes that parse
// re-serialize to themselves. Version 4, or 5 for a zero-knowledge proof (all integers
// little-endian; versions 2 and 3 ended with a count of query batches, since removed):
//
//   header        "TSPF", version u32 = 4 or 5, hash id u8 (HashId)
//   config        pow_bits, log_blowup_factor, log_last_layer_degree_bound, n_queries, fold_step,
//                 interaction_pow_bits: u32 each; must pass fri::ValidateConfig and
//                 interaction_pow_bits <= 40; version 5 only: flags u32 = 1 (zero knowledge)
//   public_inputs u32 count, M31s
//   interaction_pow_nonce u64
//   claimed_sums  u32 count, QM31s
//   pcs           commitments      u32 count, hashes
//                 sampled_values   u32 n_trees; per tree u32 n_columns; per column u32 n_samples,
//                                  QM31s
//                 decommitments    u32 count; each: hash_witness (u32 count, hashes),
//                                  column_witness (u32 count, M31s)
//                 queried_values   u32 n_trees; per tree u32 count, M31s
//                 proof_of_work    u64
//                 fri_proof        first layer, u32 count + inner layers, last_layer_poly
//                                  (u32 count, QM31s); a layer is fri_witness (u32 count, QM31s),
//                                  decommitment, commitment (hash)
//   (end)         no trailing bytes
//
// An M31 is a u32 below 2^31 - 1 and a QM31 four M31s in [a, b, c, d] order (field/qm31.h). A
// Blake2s hash is its 32 bytes; a Poseidon252 hash is the felt252 as 32 big-endian bytes, below
// the Stark prime; a Poseidon2-M31 hash is its 8 M31 words, 4 little-endian bytes each. pcs.config
// is not written: it equals config.pcs. The parser checks the format only; whether the shapes (tree
// counts, column counts, layer counts) fit the AIR is the verifier's business, since only it knows
// the AIR.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "air/proof.h"
#include "hash/blake2s_merkle_hasher.h"
#include "hash/merkle_hasher.h"
#include "hash/poseidon252_merkle_hasher.h"
#include "hash/poseidon2_m31_merkle_hasher.h"

namespace tensorstark::air {

inline constexpr uint32_t kProofFormatVersion = 4;
// A zero-knowledge proof's: version 4 with a flags word.
inline constexpr uint32_t kZkProofFormatVersion = 5;
// Version 5's flags word: bit 0, zero knowledge, is the only one and must be set.
inline constexpr uint32_t kZkProofFlags = 1;
inline uint32_t ProofFormatVersion(const ProofConfig& config) {
  return config.zk ? kZkProofFormatVersion : kProofFormatVersion;
}
inline constexpr uint32_t kMaxInteractionPowBits = 40;

enum class HashId : uint8_t { kBlake2s = 0, kPoseidon252 = 1, kPoseidon2M31 = 2 };

// "blake2s", "poseidon252" or "poseidon2".
const char* ToString(HashId id);

// The hash id a proof over Merkle hasher H carries in its header.
template <hash::MerkleHasher H>
struct ProofHashTraits;

template <>
struct ProofHashTraits<hash::Blake2sMerkleHasher> {
  static constexpr HashId kId = HashId::kBlake2s;
};

template <>
struct ProofHashTraits<hash::Poseidon252MerkleHasher> {
  static constexpr HashId kId = HashId::kPoseidon252;
};

template <>
struct ProofHashTraits<hash::Poseidon2M31MerkleHasher> {
  static constexpr HashId kId = HashId::kPoseidon2M31;
};

// A hash as a proof writes it (32 bytes): for identifiers derived from a root.
std::array<uint8_t, 32> HashBytes(const hash::Blake2sHash& hash);
std::array<uint8_t, 32> HashBytes(const field::Felt252& hash);
std::array<uint8_t, 32> HashBytes(const hash::Poseidon2M31Hash& hash);
// And back (Hash: one of the three): nullopt for bytes no proof holds (a non-canonical value).
template <class Hash>
std::optional<Hash> HashFromBytes(std::span<const uint8_t, 32> bytes);

// Why bytes are not a proof: the offset of the offending item and a one-line message naming it,
// e.g. "truncated proof: pcs.sampled_values[1][3][0] needs 16 bytes at offset 1234, 7 left".
struct ProofParseError {
  size_t offset = 0;
  std::string message;
};

template <hash::MerkleHasher H>
std::vector<uint8_t> SerializeProof(const StarkProof<H>& proof);

// The proof encoded in bytes, which must be exactly one encoding with H's hash id.
template <hash::MerkleHasher H>
std::variant<StarkProof<H>, ProofParseError> ParseProof(std::span<const uint8_t> bytes);

// Reads the header only, so a caller can pick the ParseProof instantiation.
std::variant<HashId, ProofParseError> PeekProofHash(std::span<const uint8_t> bytes);

// Encoded bytes per section; the fields add up to SerializeProof(proof).size(). Each count prefix
// is charged to the section it prefixes (the FRI inner-layer count to fri_commitments).
struct ProofSizeBreakdown {
  size_t header_and_config = 0;  // magic, version, hash id, config
  size_t public_inputs = 0;
  size_t claimed_sums = 0;
  size_t nonces = 0;                       // interaction proof of work and PCS proof of work
  size_t commitments = 0;                  // PCS tree roots
  size_t sampled_values = 0;               // out-of-domain samples
  size_t decommitment_hash_witness = 0;    // PCS Merkle decommitments: sibling hashes
  size_t decommitment_column_witness = 0;  // PCS Merkle decommitments: unqueried column values
  size_t queried_values = 0;
  size_t fri_commitments = 0;  // FRI layer roots
  size_t fri_witness = 0;      // FRI coset values the verifier cannot rebuild
  size_t fri_decommitments = 0;
  size_t last_layer = 0;

  size_t Total() const;
  ProofSizeBreakdown& operator+=(const ProofSizeBreakdown& other);
};

template <hash::MerkleHasher H>
ProofSizeBreakdown SizeBreakdown(const StarkProof<H>& proof);

}  // namespace tensorstark::air
