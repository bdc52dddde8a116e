// The verifying key: what the verifier needs besides the components that is expensive to derive,
// the root of the preprocessed tree (setup.h computes it).
#pragma once

#include "hash/merkle_hasher.h"

namespace tensorstark::air {

template <hash::MerkleHasher H>
struct VerifyingKey {
  typename H::Hash preprocessed_root;
};

}  // namespace tensorstark::air
