#include "air/zk_blinding.h"

#include <fmt/format.h>

namespace tensorstark::air {

std::vector<std::pair<size_t, ZkBlinding>> ZkBlindingChain(
    std::span<const Component* const> components) {
  std::vector<size_t> with_relations;
  for (size_t i = 0; i < components.size(); ++i) {
    if (!components[i]->Info().relations.empty()) with_relations.push_back(i);
  }
  std::vector<std::pair<size_t, ZkBlinding>> chain;
  if (with_relations.size() < 2) return chain;
  for (size_t j = 0; j < with_relations.size(); ++j) {
    chain.emplace_back(with_relations[j],
                       ZkBlinding{.yields = j + 1 < with_relations.size(), .consumes = j > 0});
  }
  return chain;
}

std::variant<std::vector<const Component*>, std::string> ProvedComponents(
    std::span<const Component* const> components, const ProofConfig& config,
    std::vector<std::unique_ptr<Component>>& owned) {
  std::vector<const Component*> proved(components.begin(), components.end());
  if (!config.zk) return proved;
  for (const auto& [i, blinding] : ZkBlindingChain(components)) {
    std::unique_ptr<Component> blinded = components[i]->WithZkBlinding(blinding);
    if (!blinded) {
      return fmt::format(
          "component {} cannot be proved in zero-knowledge mode: its LogUp claimed "
          "sum cannot be blinded",
          components[i]->name());
    }
    proved[i] = blinded.get();
    owned.push_back(std::move(blinded));
  }
  return proved;
}

}  // namespace tensorstark::air
