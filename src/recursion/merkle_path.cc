#include "recursion/merkle_path.h"

#include <algorithm>
#include <cassert>
#include <optional>
#include <utility>

namespace tensorstark::recursion {

using field::QM31;
using hash::Poseidon2M31Hash;

void AssertMerklePath(const DigestWires& root, std::span<const uint32_t> column_log_sizes,
                      std::span<const Wire> position_bits, const MerklePathWires& path,
                      std::string_view what) {
  const uint32_t max_log_size = static_cast<uint32_t>(position_bits.size());
  assert(path.values.size() == column_log_sizes.size() && path.siblings.size() == max_log_size);
  CircuitBuilder& builder = root[0].builder();
  const CircuitBackend backend{&builder};
  // The values of the columns of log size k, in commit order.
  auto values_of_size = [&](uint32_t k) {
    std::vector<Wire> values;
    for (size_t c = 0; c < column_log_sizes.size(); ++c) {
      assert(column_log_sizes[c] <= max_log_size);
      if (column_log_sizes[c] == k) values.push_back(path.values[c]);
    }
    return values;
  };
  DigestWires node = hash::poseidon2_rules::HashNode(backend, std::nullopt,
                                                      std::span<const Wire>(values_of_size(max_log_size)));
  for (uint32_t i = 0; i < max_log_size; ++i) {
    // The node is the right child where the bit is 1: left = node + bit·(sibling - node).
    const Wire bit = position_bits[i];
    std::pair<DigestWires, DigestWires> children;
    for (size_t w = 0; w < node.size(); ++w) {
      const Wire sibling = path.siblings[i][w];
      children.first[w] = node[w] + bit * (sibling - node[w]);
      children.second[w] = node[w] + sibling - children.first[w];
    }
    const std::vector<Wire> injected = values_of_size(max_log_size - 1 - i);
    node = hash::poseidon2_rules::HashNode(backend, std::optional(children),
                                           std::span<const Wire>(injected));
  }
  for (size_t w = 0; w < node.size(); ++w) builder.AssertEqual(node[w], root[w], what);
}

std::vector<Poseidon2M31Hash> PathSiblings(const KnownPoseidon2Nodes& known,
                                           uint32_t max_log_size, size_t position) {
  std::vector<Poseidon2M31Hash> siblings;
  for (uint32_t k = max_log_size; k > 0; --k) {
    const size_t index = position >> (max_log_size - k);
    const auto it = known.find({k, index ^ 1});
    siblings.push_back(it == known.end() ? Poseidon2M31Hash() : it->second);
  }
  return siblings;
}

DigestWires GuessDigest(CircuitBuilder& builder, const Poseidon2M31Hash& digest) {
  DigestWires wires;
  for (size_t w = 0; w < wires.size(); ++w) {
    wires[w] = builder.Guess(ValueType::kM31, QM31(digest.words[w]));
  }
  return wires;
}

std::vector<DigestWires> GuessSiblings(CircuitBuilder& builder,
                                       std::span<const Poseidon2M31Hash> siblings) {
  std::vector<DigestWires> wires;
  for (const Poseidon2M31Hash& sibling : siblings) wires.push_back(GuessDigest(builder, sibling));
  return wires;
}

}  // namespace tensorstark::recursion
