#include "frontend/model_recursion.h"

#include <bit>
#include <map>
#include <utility>

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

std::variant<std::vector<InnerMember>, std::string> SetupInnerMembers(
    std::span<const InnerSpec> specs) {
  std::vector<InnerMember> members;
  // Keys are derived once per (model, zero knowledge).
  std::map<std::pair<const ModelAir*, bool>, size_t> first_of;
  for (const InnerSpec& spec : specs) {
    const auto [it, first] = first_of.try_emplace({spec.air, spec.zero_knowledge}, members.size());
    if (!first) {
      InnerMember member = members[it->second];
      member.spec = spec;
      members.push_back(std::move(member));
      continue;
    }
    InnerMember member{.spec = spec,
                       .config = InnerProofConfig(spec.zero_knowledge),
                       .key = nullptr,
                       .inner_air = nullptr};
    auto key = SetupModel<InnerHasher>(*spec.air, member.config);
    if (auto* error = std::get_if<std::string>(&key)) return *error;
    member.key = std::make_shared<const ModelKey<InnerHasher>>(
        std::get<ModelKey<InnerHasher>>(std::move(key)));
    auto inner_air = ModelInnerAir(*spec.air, *member.key, member.config);
    if (auto* error = std::get_if<std::string>(&inner_air)) return *error;
    member.inner_air = std::make_shared<const recursion::InnerAir>(
        std::get<recursion::InnerAir>(std::move(inner_air)));
    members.push_back(std::move(member));
  }
  return members;
}

void BuildVerifierCircuit(recursion::CircuitBuilder& builder, std::span<const InnerMember> members,
                          std::span<const recursion::InnerWitness> witnesses) {
  for (size_t i = 0; i < members.size(); ++i) {
    recursion::VerifyInCircuit(builder, *members[i].inner_air,
                               witnesses.empty() ? nullptr : &witnesses[i]);
  }
}

recursion::SizeClass CompressionSizeClass(size_t n) {
  recursion::SizeClass size_class = recursion::StandardSizeClass();
  const auto extra = static_cast<uint32_t>(std::bit_width(n > 1 ? n - 1 : 0));
  for (uint32_t& log_rows : size_class.log_rows) {
    if (log_rows > 0) log_rows += extra;
  }
  return size_class;
}

std::vector<std::span<const field::M31>> MemberStatements(std::span<const InnerMember> members,
                                                          std::span<const field::M31> statement) {
  std::vector<std::span<const field::M31>> statements;
  size_t offset = 0;
  for (const InnerMember& member : members) {
    const size_t n = member.inner_air->n_public_inputs();
    statements.push_back(offset + n <= statement.size() ? statement.subspan(offset, n)
                                                        : std::span<const field::M31>());
    offset += n;
  }
  return statements;
}

}  // namespace tensorstark::frontend
