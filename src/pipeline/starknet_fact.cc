#include "pipeline/starknet_fact.h"

#include <algorithm>
#include <string_view>
#include <vector>

#include "hash/poseidon252.h"

namespace tensorstark::pipeline {
namespace {

field::Felt252 HashOfWords(std::span<const field::M31> words) {
  std::vector<field::Felt252> felts;
  for (field::M31 word : words) felts.push_back(field::Felt252::FromU64(word.value()));
  return hash::PoseidonHashMany(felts);
}

}  // namespace

MemberLayout LayoutOf(const frontend::StatementLayout& layout) {
  return {.n_words = static_cast<uint32_t>(layout.n_public_inputs()),
          .n_stated_inputs = static_cast<uint32_t>(layout.n_stated_inputs())};
}

std::vector<std::span<const field::M31>> SplitStatement(std::span<const MemberLayout> layouts,
                                                        std::span<const field::M31> statement) {
  std::vector<std::span<const field::M31>> statements;
  size_t offset = 0;
  for (const MemberLayout& layout : layouts) {
    statements.push_back(offset + layout.n_words <= statement.size()
                             ? statement.subspan(offset, layout.n_words)
                             : std::span<const field::M31>());
    offset += layout.n_words;
  }
  return statements;
}

field::Felt252 StarknetCircuitId(const OuterKeyIdentity& key) {
  // 'tensorstark-circuit-v1' as a Cairo short string: its ASCII bytes, big-endian.
  constexpr std::string_view kTag = "tensorstark-circuit-v1";
  std::array<uint8_t, 32> tag{};
  std::copy(kTag.begin(), kTag.end(), tag.end() - kTag.size());
  std::vector<field::Felt252> felts = {*field::Felt252::FromBigEndianBytes(tag),
                                       field::Felt252::FromU64(static_cast<uint64_t>(key.hash))};
  for (uint64_t word : air::ConfigWords(key.config)) felts.push_back(field::Felt252::FromU64(word));
  felts.push_back(field::Felt252::FromU64(key.config.zk ? 1 : 0));
  felts.push_back(field::Felt252::FromU64(key.log_sizes.size()));
  for (uint32_t log_size : key.log_sizes) felts.push_back(field::Felt252::FromU64(log_size));
  felts.push_back(field::Felt252::FromU64(key.members.size()));
  for (const MemberLayout& member : key.members) {
    felts.push_back(field::Felt252::FromU64(member.n_words));
    felts.push_back(field::Felt252::FromU64(member.n_stated_inputs));
  }
  for (size_t half = 0; half < 2; ++half) {
    std::array<uint8_t, 32> bytes{};
    std::copy_n(key.preprocessed_root.begin() + 16 * half, 16, bytes.begin() + 16);
    felts.push_back(*field::Felt252::FromBigEndianBytes(bytes));
  }
  return hash::PoseidonHashMany(felts);
}

field::Felt252 StarknetCompressedModelId(std::span<const field::M31> commitment,
                                         const field::Felt252& circuit_id) {
  const field::Felt252 values[] = {hash::PackM31s(commitment), circuit_id};
  return hash::PoseidonHashMany(values);
}

field::Felt252 StarknetStatement::Fact(const field::Felt252& verifier_class) const {
  const field::Felt252 values[] = {model, verifier_class, inputs_hash, outputs_hash};
  return hash::PoseidonHashMany(values);
}

StarknetStatement StarknetStatementOf(const MemberLayout& layout,
                                      std::span<const field::M31> statement,
                                      const field::Felt252& model_id) {
  const std::span<const field::M31> stated =
      statement.subspan(std::tuple_size_v<frontend::ModelCommitment>);
  return {model_id, HashOfWords(stated.first(layout.n_stated_inputs)),
          HashOfWords(stated.subspan(layout.n_stated_inputs))};
}

std::vector<StarknetStatement> StarknetStatements(std::span<const MemberLayout> layouts,
                                                  std::span<const field::Felt252> model_ids,
                                                  std::span<const field::M31> statement) {
  const auto statements = SplitStatement(layouts, statement);
  std::vector<StarknetStatement> out;
  for (size_t i = 0; i < layouts.size(); ++i) {
    out.push_back(StarknetStatementOf(layouts[i], statements[i], model_ids[i]));
  }
  return out;
}

}  // namespace tensorstark::pipeline
