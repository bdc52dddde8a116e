#include "frontend/final_proof.h"

namespace tensorstark::frontend {

const recursion::SizeClass& FinalSizeClass() {
  // constant, guess, add, sub, mul, assert-equal, Poseidon2 (32 rows a permutation).
  static const recursion::SizeClass kFinal = {"final", {13, 17, 18, 18, 18, 14, 19, 0}};
  return kFinal;
}

std::variant<recursion::InnerAir, std::string> OuterAirForFinal(
    const CompressedKey<InnerHasher>& outer) {
  return recursion::InnerAir::Make(outer.recursion->components(), outer.outer_config,
                                   outer.outer.verifying_key.preprocessed_root,
                                   outer.recursion->n_public_inputs(),
                                   outer.recursion->PublicTermShapes());
}

}  // namespace tensorstark::frontend
