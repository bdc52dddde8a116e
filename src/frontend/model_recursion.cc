#include "frontend/model_recursion.h"

namespace tensorstark::frontend {

std::variant<recursion::InnerAir, std::string> ModelInnerAir(const ModelAir& air,
                                                             const ModelKey<InnerHasher>& key,
                                                             const air::ProofConfig& config) {
  return recursion::InnerAir::Make(air.components(), config,
                                   key.key.verifying_key.preprocessed_root, air.n_public_inputs(),
                                   air.PublicTermShapes());
}

air::ProofConfig InnerProofConfig(bool zero_knowledge) {
  air::ProofConfig config = air::ProfileConfig(air::Profile::kRecursive);
  config.zk = zero_knowledge;
  return config;
}

recursion::Circuit VerifierCircuitOf(const recursion::InnerAir& inner_air) {
  recursion::CircuitBuilder builder(false);
  recursion::VerifyInCircuit(builder, inner_air, nullptr);
  return std::move(builder).Finish();
}

}  // namespace tensorstark::frontend
