#include "cli/statement_output.h"

#include <fmt/format.h>

#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "cli/command_args.h"
#include "hash/blake2s.h"
#include "pipeline/starknet_fact.h"

namespace tensorstark::cli {

namespace {

std::vector<std::array<field::M31, 8>> WeightsDigestsOf(const frontend::ModelAir& air) {
  std::vector<std::array<field::M31, 8>> digests;
  if (const auto digest = air.WeightsDigest()) digests.push_back(*digest);
  return digests;
}

}  // namespace

nlohmann::json PublicStatementJson(const frontend::ModelAir& air,
                                   std::span<const field::M31> statement) {
  return PublicStatementJson(air.statement_layout(), WeightsDigestsOf(air), statement);
}

void PrintStatement(const frontend::ModelAir& air, std::span<const field::M31> statement) {
  PrintStatement(air.statement_layout(), WeightsDigestsOf(air), statement);
}

nlohmann::json PublicStatementJson(const frontend::StatementLayout& layout,
                                   WeightsDigests weights_digests,
                                   std::span<const field::M31> statement) {
  nlohmann::json tensors = nlohmann::json::array();
  for (const frontend::StatementLayout::StatedTensor& s : layout.Statement(statement)) {
    nlohmann::json tensor = {{"name", s.name},
                             {"kind", s.is_input ? "input" : "output"},
                             {"visibility", frontend::VisibilityName(s.visibility)}};
    if (s.visibility == frontend::Visibility::kPublic) {
      tensor["values"] = ValuesJson(s.values);
      tensor["frac_bits"] = s.frac_bits;  // the statement holds values × 2^frac_bits
    }
    if (s.visibility == frontend::Visibility::kCommitted) {
      tensor["poseidon2_digest"] = frontend::ToHex(s.digest);
    }
    tensors.push_back(std::move(tensor));
  }
  // Public weights are in the preprocessed tree, which the model commitment binds; private ones
  // are bound by their digest, which the AIR fixes.
  nlohmann::json weights = {{"visibility", "public"}};
  if (weights_digests.size() == 1) {
    weights = {{"visibility", "private"},
               {"poseidon2_digest", frontend::ToHex(weights_digests.front())}};
  } else if (!weights_digests.empty()) {
    weights = {{"visibility", "private"}, {"slices_poseidon2_digests", nlohmann::json::array()}};
    for (const auto& digest : weights_digests) {
      weights["slices_poseidon2_digests"].push_back(frontend::ToHex(digest));
    }
  }
  nlohmann::json json = {
      {"model", frontend::ToHex(frontend::ModelAir::StatedCommitment(statement))},
      {"tensors", tensors},
      {"weights", weights}};
  if (layout.StatedContext().n_words > 0) {
    const auto context = layout.Context(statement);
    if (const auto* felts = std::get_if<std::vector<field::Felt252>>(&context)) {
      json["context"] = nlohmann::json::array();
      for (const field::Felt252& felt : *felts) json["context"].push_back(felt.ToHex());
    } else {
      json["context_error"] = std::get<std::string>(context);
    }
  }
  return json;
}

void PrintStatement(const frontend::StatementLayout& layout, WeightsDigests weights_digests,
                    std::span<const field::M31> statement) {
  for (const frontend::StatementLayout::StatedTensor& s : layout.Statement(statement)) {
    const char* kind = s.is_input ? "input" : "output";
    switch (s.visibility) {
      case frontend::Visibility::kPublic:
        if (!s.is_input) {
          fmt::print("output '{}' {}: {}\n", s.name, frontend::ShapeToString(s.values.shape),
                     FormatValues(s.values));
        }
        break;
      case frontend::Visibility::kCommitted:
        fmt::print("{} '{}' committed: Poseidon2 digest {}\n", kind, s.name,
                   frontend::ToHex(s.digest));
        break;
      case frontend::Visibility::kPrivate:
        fmt::print("{} '{}' private\n", kind, s.name);
        break;
    }
  }
  for (size_t k = 0; k < weights_digests.size(); ++k) {
    const std::string slice =
        weights_digests.size() > 1 ? fmt::format(" (slice {})", k + 1) : std::string();
    fmt::print("weights private{}: Poseidon2 digest {}\n", slice,
               frontend::ToHex(weights_digests[k]));
  }
  if (layout.StatedContext().n_words > 0) {
    const auto context = layout.Context(statement);
    if (const auto* felts = std::get_if<std::vector<field::Felt252>>(&context)) {
      std::string text;
      for (const field::Felt252& felt : *felts) text += (text.empty() ? "" : ", ") + felt.ToHex();
      fmt::print("context: {}\n", text);
    } else {
      fmt::print("context: not a context's words ({})\n", std::get<std::string>(context));
    }
  }
}

nlohmann::json StarknetFactsJson(const api::CompressedStatement& stated,
                                 const std::optional<field::Felt252>& verifier_class) {
  nlohmann::json facts = nlohmann::json::array();
  for (const pipeline::StarknetStatement& fact_of : stated.StarknetStatements()) {
    nlohmann::json fact = {{"model", fact_of.model.ToHex()},
                           {"inputs_hash", fact_of.inputs_hash.ToHex()},
                           {"outputs_hash", fact_of.outputs_hash.ToHex()}};
    if (verifier_class) fact["fact"] = fact_of.Fact(*verifier_class).ToHex();
    facts.push_back(std::move(fact));
  }
  return facts;
}

void PrintStarknetFacts(const api::CompressedStatement& stated,
                        const std::optional<field::Felt252>& verifier_class) {
  const std::vector<pipeline::StarknetStatement> facts = stated.StarknetStatements();
  for (size_t i = 0; i < facts.size(); ++i) {
    const std::string which = facts.size() > 1 ? fmt::format(", proof {}", i + 1) : "";
    fmt::print("on Starknet{}: inputs hash {}, outputs hash {}\n", which,
               facts[i].inputs_hash.ToHex(), facts[i].outputs_hash.ToHex());
    if (verifier_class) {
      fmt::print("on Starknet{}: fact {} (verifier class {})\n", which,
                 facts[i].Fact(*verifier_class).ToHex(), verifier_class->ToHex());
    }
  }
  if (!verifier_class) {
    fmt::print(
        "on Starknet: a fact depends on the verifier's class too: verify --class-hash HASH "
        "prints it\n");
  }
}

nlohmann::json PublicStatementsJson(const api::CompressedStatement& stated) {
  const auto statements = stated.Statements();
  nlohmann::json parts = nlohmann::json::array();
  for (size_t i = 0; i < statements.size(); ++i) {
    parts.push_back(PublicStatementJson(stated.LayoutOf(i), stated.inferences[i].weights_digests,
                                        statements[i]));
  }
  return parts;
}

void PrintCompressedStatements(const api::CompressedStatement& stated,
                               const std::vector<std::string>& model_paths) {
  const auto statements = stated.Statements();
  fmt::print("circuit id: {}\n", stated.ids.circuit.ToHex());
  for (size_t i = 0; i < statements.size(); ++i) {
    if (statements.size() > 1) {
      fmt::print("proof {} ({}):\n", i + 1, model_paths[stated.inferences[i].model]);
    }
    fmt::print("model id: {} (the model under this circuit)\n", stated.ids.models[i].ToHex());
    PrintStatement(stated.LayoutOf(i), stated.inferences[i].weights_digests, statements[i]);
  }
}

nlohmann::json IdentityJson(const pipeline::OuterKeyIdentity& identity,
                            const pipeline::CompressedIds& ids) {
  std::vector<uint64_t> config;
  for (uint64_t word : air::ConfigWords(identity.config)) config.push_back(word);
  nlohmann::json model_ids = nlohmann::json::array();
  for (const field::Felt252& id : ids.models) model_ids.push_back(id.ToHex());
  nlohmann::json members = nlohmann::json::array();
  for (const pipeline::MemberLayout& member : identity.members) {
    members.push_back({{"words", member.n_words}, {"stated_inputs", member.n_stated_inputs}});
  }
  return {{"hash_id", static_cast<int>(identity.hash)},
          {"config", config},
          {"zk", identity.config.zk},
          {"log_sizes", identity.log_sizes},
          {"members", members},
          // The root's 32 bytes as a proof writes them, in hex (as a BLAKE2s digest prints).
          {"preprocessed_root", hash::Blake2sHash{identity.preprocessed_root}.ToHex()},
          {"circuit_id", ids.circuit.ToHex()},
          {"model_ids", model_ids}};
}

}  // namespace tensorstark::cli
