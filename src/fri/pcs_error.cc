#include "fri/pcs_error.h"

#include <fmt/format.h>

namespace tensorstark::fri {

std::string ToString(const PcsError& error) {
  switch (error.kind) {
    case PcsError::Kind::kShapeMismatch:
      return fmt::format("proof shape does not match the AIR (tree {})", error.tree);
    case PcsError::Kind::kProofOfWork:
      return "proof-of-work nonce is invalid";
    case PcsError::Kind::kMerkle:
      return fmt::format("Merkle decommitment of tree {} is invalid: {}", error.tree,
                         hash::ToString(error.merkle));
    case PcsError::Kind::kFri:
      return "FRI: " + error.fri.ToString();
  }
  return "unknown PCS error";
}

}  // namespace tensorstark::fri
