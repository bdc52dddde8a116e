#include "cli/statement_json.h"

#include <utility>

#include "cli/command_args.h"

namespace tensorstark::cli {

nlohmann::json PublicStatementJson(const frontend::ModelAir& air,
                                   std::span<const field::M31> statement) {
  nlohmann::json tensors = nlohmann::json::array();
  for (const frontend::ModelAir::StatedTensor& s : air.Statement(statement)) {
    nlohmann::json tensor = {{"name", s.name},
                             {"kind", s.is_input ? "input" : "output"},
                             {"visibility", frontend::VisibilityName(s.visibility)}};
    if (s.visibility == frontend::Visibility::kPublic) tensor["values"] = ValuesJson(s.values);
    if (s.visibility == frontend::Visibility::kCommitted) {
      tensor["poseidon2_digest"] = frontend::ToHex(s.digest);
    }
    tensors.push_back(std::move(tensor));
  }
  // Public weights are in the preprocessed tree, which the model commitment binds; private ones
  // are bound by their digest, which the AIR fixes.
  nlohmann::json weights = {{"visibility", "public"}};
  if (const auto digest = air.WeightsDigest()) {
    weights = {{"visibility", "private"}, {"poseidon2_digest", frontend::ToHex(*digest)}};
  }
  return {{"model", frontend::ToHex(frontend::ModelAir::StatedCommitment(statement))},
          {"tensors", tensors},
          {"weights", weights}};
}

}  // namespace tensorstark::cli
