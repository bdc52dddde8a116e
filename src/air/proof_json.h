// A JSON view of a StarkProof (protocol reference §8.5) for people and tools that inspect proofs:
// every field of the proof under its struct name, plus "size_breakdown", the encoded bytes per
// section (proof_io.h). Hashes are hex strings (a Blake2s hash as its 64 hex digits, a Poseidon252
// hash as the felt's "0x…" hex), field values are numbers, a QM31 is its [a, b, c, d] array.
// It is a dump, not a second format: proofs are only ever read from their binary encoding.
#pragma once

#include <nlohmann/json.hpp>

#include "air/proof.h"
#include "air/proof_io.h"
#include "hash/merkle_hasher.h"

namespace tensorstark::air {

// {"format_version", "hash", "config", "public_inputs", "interaction_pow_nonce", "claimed_sums",
//  "pcs": {"commitments", "sampled_values", "decommitments", "queried_values", "proof_of_work",
//          "fri": {"first_layer", "inner_layers", "last_layer_poly"}},
//  "size_breakdown"}
template <hash::MerkleHasher H>
nlohmann::json ProofToJson(const StarkProof<H>& proof);

// One key per ProofSizeBreakdown field, plus "total".
nlohmann::json SizeBreakdownToJson(const ProofSizeBreakdown& breakdown);

}  // namespace tensorstark::air
