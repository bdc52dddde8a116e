#include "frontend/starknet_fact.h"

#include <vector>

#include "hash/poseidon252.h"

namespace tensorstark::frontend {
namespace {

field::Felt252 HashOfWords(std::span<const field::M31> words) {
  std::vector<field::Felt252> felts;
  for (field::M31 word : words) felts.push_back(field::Felt252::FromU64(word.value()));
  return hash::PoseidonHashMany(felts);
}

}  // namespace

field::Felt252 StarknetModelId(std::span<const field::M31> commitment) {
  return hash::PackM31s(commitment);
}

field::Felt252 StarknetStatement::Fact(const field::Felt252& verifier_class) const {
  const field::Felt252 values[] = {model, verifier_class, inputs_hash, outputs_hash};
  return hash::PoseidonHashMany(values);
}

StarknetStatement StarknetStatementOf(const ModelAir& air,
                                      std::span<const field::M31> public_inputs) {
  const size_t words = std::tuple_size_v<ModelCommitment>;
  const std::span<const field::M31> stated = public_inputs.subspan(words);
  return {StarknetModelId(public_inputs.first(words)),
          HashOfWords(stated.first(air.n_stated_inputs())),
          HashOfWords(stated.subspan(air.n_stated_inputs()))};
}

}  // namespace tensorstark::frontend
