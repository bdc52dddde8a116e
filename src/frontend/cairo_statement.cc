#include "frontend/cairo_statement.h"

#include <fmt/format.h>

#include <vector>

#include "air/model_relations.h"
#include "frontend/frontend_error.h"

namespace tensorstark::frontend {

using field::M31;

air::CairoStatement MakeCairoStatement(const ModelAir& air,
                                       const ModelKey<hash::Poseidon252MerkleHasher>& key,
                                       const air::ProofConfig& config) {
  air::CairoStatement statement;
  statement.commitment.assign(key.commitment.begin(), key.commitment.end());
  statement.preprocessed_root = key.key.verifying_key.preprocessed_root.ToHex();
  statement.log_blowup_factor = config.pcs.fri.log_blowup_factor;
  statement.zero_knowledge = config.zk;
  statement.n_public_inputs = air.n_public_inputs();
  statement.n_stated_inputs = air.n_stated_inputs();
  statement.tensor_relation = air::TensorRelation().name;

  for (const air::PublicLogupTermShape& term : air.PublicTermShapes()) {
    const auto* address = term.values.size() == 2 ? std::get_if<M31>(&term.values[0]) : nullptr;
    const auto* ref =
        term.values.size() == 2 ? std::get_if<air::PublicInputRef>(&term.values[1]) : nullptr;
    if (term.relation != statement.tensor_relation || !address || !ref) {
      throw FrontendError(
          fmt::format("public LogUp term of relation '{}' with {} values: the "
                      "Cairo statement binds (address, value) tensor terms only",
                      term.relation, term.values.size()));
    }
    const size_t input = ref->index;
    const uint32_t address_value = address->value();
    auto& runs = statement.terms;
    if (!runs.empty() && runs.back().first_input + runs.back().count == input &&
        runs.back().address + runs.back().count == address_value &&
        runs.back().multiplicity == term.multiplicity) {
      ++runs.back().count;
    } else {
      runs.push_back({input, address_value, 1, term.multiplicity});
    }
  }
  for (const ModelAir::InputRange& range : air.InputRanges()) {
    statement.input_bounds.push_back({range.first, range.count, range.bound_bits});
  }
  return statement;
}

}  // namespace tensorstark::frontend
