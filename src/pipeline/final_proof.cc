#include "pipeline/final_proof.h"

#include <algorithm>

#include "air/profiles.h"

namespace tensorstark::pipeline {

const recursion::SizeClass& FinalSizeClass() {
  // values, arithmetic, Poseidon2 (32 rows a permutation).
  static const recursion::SizeClass kFinal = {"final", {17, 19, 19}};
  return kFinal;
}

air::ProofConfig FinalProofConfig() {
  air::ProofConfig config = air::ProfileConfig(air::Profile::kOnchain);
  config.pcs.fri.n_queries = 15;
  config.pcs.pow_bits = 25;
  return config;
}

air::ProofConfig FinalOuterConfig() { return air::ProfileConfig(air::Profile::kRecursive); }

uint32_t FinalInnerSecurityBits() {
  return std::min({FinalOuterConfig().SecurityBits(), InnerProofConfig(false).SecurityBits(),
                   InnerProofConfig(true).SecurityBits()});
}

recursion::RecursionAir FinalAirForVerifying() {
  const recursion::RecursionAir::Shape shape{
      .poseidon2_layout = recursion::Poseidon2Layout::kRounds,
      .components = FinalSizeClass().Components(),
      .public_inputs = {}};
  return recursion::RecursionAir::ForVerifying(shape);
}

std::variant<recursion::InnerAir, std::string> OuterAirForFinal(
    const CompressedKey<InnerHasher>& outer) {
  return recursion::InnerAir::Make(outer.recursion->components(), outer.outer_config,
                                   outer.outer.verifying_key.preprocessed_root,
                                   outer.recursion->n_public_inputs(),
                                   outer.recursion->PublicTermShapes());
}

}  // namespace tensorstark::pipeline
