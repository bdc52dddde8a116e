// A STARK proof of an AIR (protocol reference §8.5): the configuration it was made with, the
// statement (public inputs), the LogUp claims and the commitment-scheme proof. proof_io.h gives
// the canonical byte encoding.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "field/m31.h"
#include "field/qm31.h"
#include "fri/config.h"
#include "fri/proof.h"
#include "hash/merkle_hasher.h"

namespace tensorstark::air {

using field::M31;
using field::QM31;

struct ProofConfig {
  fri::PcsConfig pcs;
  uint32_t interaction_pow_bits = 0;  // grinding before the LogUp challenges are drawn (0 … 40)
  // Zero knowledge (docs/zero-knowledge.md): randomized trace polynomials, salted Merkle leaves,
  // one composition chunk, FRI masks.
  bool zk = false;

  uint32_t SecurityBits() const { return pcs.SecurityBits(); }
  friend bool operator==(const ProofConfig&, const ProofConfig&) = default;
};

// The configuration's numbers in the order the statement mixes them (zero knowledge apart: it is
// mixed only when set, so that a non-ZK transcript is unchanged).
inline std::array<uint64_t, 6> ConfigWords(const ProofConfig& config) {
  const fri::PcsConfig& pcs = config.pcs;
  return {pcs.pow_bits,      pcs.fri.log_blowup_factor, pcs.fri.log_last_layer_degree_bound,
          pcs.fri.n_queries, pcs.fri.fold_step,         config.interaction_pow_bits};
}

template <hash::MerkleHasher H>
struct StarkProof {
  ProofConfig config;
  std::vector<M31> public_inputs;
  uint64_t interaction_pow_nonce = 0;
  std::vector<QM31> claimed_sums;  // one LogUp sum per component, in component order
  fri::PcsProof<H> pcs;
  friend bool operator==(const StarkProof&, const StarkProof&) = default;
};

}  // namespace tensorstark::air
