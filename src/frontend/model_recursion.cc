#include "frontend/model_recursion.h"

namespace tensorstark::frontend {

std::variant<recursion::InnerAir, std::string> ModelInnerAir(
    const ModelAir& air, const ModelKey<hash::Poseidon2M31MerkleHasher>& key,
    const air::ProofConfig& config) {
  return recursion::InnerAir::Make(air.components(), config,
                                   key.key.verifying_key.preprocessed_root, air.n_public_inputs(),
                                   air.PublicTermShapes());
}

}  // namespace tensorstark::frontend
