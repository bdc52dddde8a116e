#include "fri/fri_error.h"

#include <fmt/format.h>

namespace tensorstark::fri {
namespace {

const char* Describe(FriError::Kind kind) {
  switch (kind) {
    case FriError::Kind::kInvalidConfig:
      return "FRI configuration out of range";
    case FriError::Kind::kInvalidColumnLogSizes:
      return "FRI column log sizes not strictly decreasing or out of range";
    case FriError::Kind::kInvalidNumLayers:
      return "wrong number of FRI inner layers";
    case FriError::Kind::kLastLayerDegreeTooHigh:
      return "FRI last layer polynomial of too high degree";
    case FriError::Kind::kLastLayerNotPowerOfTwo:
      return "FRI last layer polynomial length not a power of two";
    case FriError::Kind::kInvalidQueries:
      return "FRI queries not sorted, unique and in range";
    case FriError::Kind::kWrongNumberOfEvals:
      return "wrong number of first-layer evaluations";
    case FriError::Kind::kWitnessTooShort:
      return "FRI witness too short";
    case FriError::Kind::kWitnessTooLong:
      return "FRI witness too long";
    case FriError::Kind::kMerkleFailed:
      return "Merkle decommitment failed";
    case FriError::Kind::kLastLayerMismatch:
      return "folded value does not match the last layer polynomial";
  }
  return "unknown FRI error";
}

}  // namespace

std::string FriError::ToString() const {
  switch (kind) {
    case Kind::kWitnessTooShort:
    case Kind::kWitnessTooLong:
    case Kind::kLastLayerMismatch:
      return fmt::format("FRI layer {}: {}", layer, Describe(kind));
    case Kind::kMerkleFailed:
      return fmt::format("FRI layer {}: {}: {}", layer, Describe(kind),
                         hash::ToString(merkle_error));
    default:
      return Describe(kind);
  }
}

}  // namespace tensorstark::fri
