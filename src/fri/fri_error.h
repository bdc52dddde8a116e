// Why the FRI verifier (protocol reference §4.4–§4.7) rejected a proof: a typed error naming the
// failed check and the layer it failed in, never a crash.
#pragma once

#include <cstddef>
#include <string>

#include "hash/merkle.h"

namespace tensorstark::fri {

struct FriError {
  enum class Kind {
    kInvalidConfig,           // the FRI parameters are out of range (ValidateConfig)
    kInvalidColumnLogSizes,   // empty, not strictly decreasing, or too small/large (FriInputsFit)
    kInvalidNumLayers,        // the proof's inner layer count is not the schedule's
    kLastLayerDegreeTooHigh,  // more than 2^log_last_layer_degree_bound last-layer coefficients
    kLastLayerNotPowerOfTwo,  // a last-layer length of 0 or not a power of two
    kInvalidQueries,          // queries not sorted and unique, or beyond the largest domain
    kWrongNumberOfEvals,      // first-layer evaluations not one per column and queried position
    kWitnessTooShort,         // fri_witness ran out
    kWitnessTooLong,          // fri_witness has values left over
    kMerkleFailed,            // the layer's Merkle decommitment does not open to its root
    kLastLayerMismatch,       // a folded value differs from the last-layer polynomial
  };

  Kind kind;
  // The layer the check failed in: 0 is the first (circle) layer, 1 … n the inner layers, n + 1
  // the last layer. 0 for the checks that concern the proof as a whole.
  size_t layer = 0;
  hash::MerkleError merkle_error = {};  // for kMerkleFailed

  // A one-line message, e.g. "FRI layer 2: Merkle decommitment failed: Merkle root mismatch".
  std::string ToString() const;

  friend bool operator==(const FriError&, const FriError&) = default;
};

}  // namespace tensorstark::fri
