// A model's AIR as the inner AIR of a recursion circuit (recursion/verifier_circuit.h): its
// components, the configuration, the preprocessed root of its key, its statement's length and
// the public LogUp terms of its public inputs and outputs. The model-level checks of a statement
// (its commitment, the inputs' ranges, zero knowledge where parts are hidden) stay outside the
// circuit: they read only the statement, which the outer proof states.
#pragma once

#include <string>
#include <variant>

#include "air/proof.h"
#include "frontend/model_air.h"
#include "hash/poseidon2_m31_merkle_hasher.h"
#include "recursion/verifier_circuit.h"

namespace tensorstark::frontend {

std::variant<recursion::InnerAir, std::string> ModelInnerAir(
    const ModelAir& air, const ModelKey<hash::Poseidon2M31MerkleHasher>& key,
    const air::ProofConfig& config);

}  // namespace tensorstark::frontend
