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

// The openings of a batch of the queries: what PcsProof's decommitment fields hold for all of
// them, for a contiguous range of the sorted queries (QueryBatchRange). A proof decommitted in
// batches can be checked over several Starknet transactions, a batch per transaction.
template <hash::MerkleHasher H>
struct QueryBatch {
  std::vector<hash::MerkleDecommitment<H>> decommitments;  // per tree
  std::vector<std::vector<M31>> queried_values;           // per tree, traversal order
  FriLayerOpening<H> first_fri_layer;
  std::vector<FriLayerOpening<H>> inner_fri_layers;
  friend bool operator==(const QueryBatch&, const QueryBatch&) = default;
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
  // Empty, or the openings in batches: then decommitments and queried_values are empty, and so
  // are the FRI layers' openings in fri_proof (which still holds their commitments).
  std::vector<QueryBatch<H>> query_batches;
  friend bool operator==(const PcsProof&, const PcsProof&) = default;
};

// The openings a FRI verifier checks, first layer then inner layers: a proof's own, or a batch's.
template <hash::MerkleHasher H>
std::vector<const FriLayerOpening<H>*> FriOpenings(const FriProof<H>& proof) {
  std::vector<const FriLayerOpening<H>*> openings{&proof.first_layer};
  for (const FriLayerProof<H>& layer : proof.inner_layers) openings.push_back(&layer);
  return openings;
}
template <hash::MerkleHasher H>
std::vector<const FriLayerOpening<H>*> FriOpenings(const QueryBatch<H>& batch) {
  std::vector<const FriLayerOpening<H>*> openings{&batch.first_fri_layer};
  for (const FriLayerOpening<H>& layer : batch.inner_fri_layers) openings.push_back(&layer);
  return openings;
}

// Whether any layer of the proof carries an opening (a batched proof's do not).
template <hash::MerkleHasher H>
bool FriOpeningsUsed(const FriProof<H>& proof) {
  for (const FriLayerOpening<H>* opening : FriOpenings(proof)) {
    if (*opening != FriLayerOpening<H>{}) return true;
  }
  return false;
}

// The queries of batch b of n_batches: [first, first + count) of the sorted, distinct queries.
struct QueryRange {
  size_t first;
  size_t count;
};
inline QueryRange QueryBatchRange(size_t n_queries, size_t b, size_t n_batches) {
  const size_t first = n_queries * b / n_batches;
  return {first, n_queries * (b + 1) / n_batches - first};
}

}  // namespace tensorstark::fri
