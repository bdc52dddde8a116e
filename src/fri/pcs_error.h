// Why the commitment-scheme verifier rejected a proof.
#pragma once

#include <cstddef>
#include <string>

#include "fri/fri_error.h"
#include "hash/merkle.h"

namespace tensorstark::fri {

struct PcsError {
  enum class Kind {
    kShapeMismatch,  // tree, column or sample counts differ from what the AIR implies
    kProofOfWork,    // the nonce does not give pow_bits trailing zeros
    kMerkle,         // a tree's decommitment does not open its root at the queries
    kFri,            // FRI rejected the DEEP quotients
  };
  Kind kind;
  size_t tree = 0;
  hash::MerkleError merkle = hash::MerkleError::kRootMismatch;
  FriError fri{};

  static PcsError Merkle(size_t tree, hash::MerkleError error) {
    return {Kind::kMerkle, tree, error};
  }
  static PcsError Fri(const FriError& error) {
    PcsError e{Kind::kFri};
    e.fri = error;
    return e;
  }
};

std::string ToString(const PcsError& error);

}  // namespace tensorstark::fri
