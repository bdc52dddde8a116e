#include "frontend/final_proof.h"

namespace tensorstark::frontend {

const recursion::SizeClass& FinalSizeClass() {
  // constant, guess, add, sub, mul, assert-equal, Poseidon2 (32 rows a permutation).
  static const recursion::SizeClass kFinal = {"final", {13, 17, 18, 18, 18, 14, 19, 0}};
  return kFinal;
}

recursion::RecursionAir FinalAirForVerifying() {
  recursion::RecursionAir::Shape shape{.poseidon2_layout = recursion::Poseidon2Layout::kRounds,
                                       .components = {},
                                       .public_inputs = {}};
  const recursion::SizeClass& size_class = FinalSizeClass();
  for (size_t kind = 0; kind < recursion::kGateKinds; ++kind) {
    if (size_class.log_rows[kind] > 0) {
      shape.components.emplace_back(static_cast<recursion::GateKind>(kind),
                                    size_class.log_rows[kind]);
    }
  }
  return recursion::RecursionAir::ForVerifying(shape);
}

std::variant<recursion::InnerAir, std::string> OuterAirForFinal(
    const CompressedKey<InnerHasher>& outer) {
  return recursion::InnerAir::Make(outer.recursion->components(), outer.outer_config,
                                   outer.outer.verifying_key.preprocessed_root,
                                   outer.recursion->n_public_inputs(),
                                   outer.recursion->PublicTermShapes());
}

}  // namespace tensorstark::frontend
