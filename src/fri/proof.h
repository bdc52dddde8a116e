// What a proof of the polynomial commitment scheme carries (protocol reference §4.6, §5.6): the
// tree roots, the out-of-domain samples, the queried values with their Merkle decommitments, the
// proof-of-work nonce and the FRI proof. proof_io.h gives the canonical byte encoding.
#pragma once

#include <cstdint>
#include <vector>

#include "field/m31.h"
#include "field/qm31.h"
#include "fri/config.h"
#include "hash/merkle.h"

namespace tensorstark::fri {

using field::M31;
using field::QM31;

// The opening of one committed FRI layer at some queries. Each Merkle leaf holds the QM31 values
// of one fold coset (2^fold positions; a pair for the first, circle-to-line, layer) as 4
// coordinate columns per position. The verifier knows the queried positions' values already (from
// the DEEP answers or the previous fold); fri_witness holds the other values of every opened
// coset, coset by coset in position order, so the decommitment's queried values are rebuilt,
// never sent.
template <hash::MerkleHasher H>
struct FriLayerOpening {
  std::vector<QM31> fri_witness;
  hash::MerkleDecommitment<H> decommitment;
  friend bool operator==(const FriLayerOpening&, const FriLayerOpening&) = default;
};

// One committed FRI layer: its root and its opening at the queries.
template <hash::MerkleHasher H>
struct FriLayerProof : FriLayerOpening<H> {
  typename H::Hash commitment;
  friend bool operator==(const FriLayerProof&, const FriLayerProof&) = default;
};

template <hash::MerkleHasher H>
struct FriProof {
  FriLayerProof<H> first_layer;
  std::vector<FriLayerProof<H>> inner_layers;
  std::vector<QM31> last_layer_poly;  // LinePoly coefficients, bit-reversed storage order
  friend bool operator==(const FriProof&, const FriProof&) = default;
};

template <hash::MerkleHasher H>
struct PcsProof {
  PcsConfig config;
  std::vector<typename H::Hash> commitments;                   // per tree
  std::vector<std::vector<std::vector<QM31>>> sampled_values;  // [tree][column][sample point]
  std::vector<hash::MerkleDecommitment<H>> decommitments;      // per tree
  std::vector<std::vector<M31>> queried_values;                // per tree, traversal order
  uint64_t proof_of_work = 0;
  FriProof<H> fri_proof;
  friend bool operator==(const PcsProof&, const PcsProof&) = default;
};

// The openings a FRI verifier checks, first layer then inner layers.
template <hash::MerkleHasher H>
std::vector<const FriLayerOpening<H>*> FriOpenings(const FriProof<H>& proof) {
  std::vector<const FriLayerOpening<H>*> openings{&proof.first_layer};
  for (const FriLayerProof<H>& layer : proof.inner_layers) openings.push_back(&layer);
  return openings;
}

}  // namespace tensorstark::fri
