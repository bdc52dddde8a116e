#include "frontend/final_proof.h"

namespace tensorstark::frontend {

std::variant<recursion::InnerAir, std::string> OuterAirForFinal(
    const CompressedKey<InnerHasher>& outer) {
  return recursion::InnerAir::Make(outer.recursion->components(), outer.outer_config,
                                   outer.outer.verifying_key.preprocessed_root,
                                   outer.recursion->n_public_inputs(),
                                   outer.recursion->PublicTermShapes());
}

}  // namespace tensorstark::frontend
