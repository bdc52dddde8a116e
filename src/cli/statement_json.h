// What a model proof's statement makes public, as JSON: the model commitment and, per model input
// and output, its visibility and its values or Poseidon2 digest (inspect MODEL, verify --json).
#pragma once

#include <nlohmann/json.hpp>
#include <span>

#include "field/m31.h"
#include "frontend/model_air.h"

namespace tensorstark::cli {

// `statement`: a proof's public inputs, of length air.n_public_inputs().
nlohmann::json PublicStatementJson(const frontend::ModelAir& air,
                                   std::span<const field::M31> statement);

}  // namespace tensorstark::cli
