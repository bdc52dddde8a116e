#include "hash/blake2s_merkle_hasher.h"

#include <algorithm>
#include <array>

namespace tensorstark::hash {

Blake2sMerkleHasher::Hash Blake2sMerkleHasher::HashNode(
    const std::optional<std::pair<Hash, Hash>>& children,
    std::span<const field::M31> column_values) {
  std::array<uint32_t, 8> state{};
  std::array<uint32_t, 16> message;
  if (children) {
    std::array<uint32_t, 8> left = children->first.Words(), right = children->second.Words();
    std::copy(left.begin(), left.end(), message.begin());
    std::copy(right.begin(), right.end(), message.begin() + 8);
    Blake2sCompress(state, message, 0, 0);
  }
  for (size_t start = 0; start < column_values.size(); start += 16) {
    message.fill(0);
    size_t end = std::min(start + 16, column_values.size());
    for (size_t i = start; i < end; ++i) message[i - start] = column_values[i].value();
    Blake2sCompress(state, message, 0, 0);
  }
  return Hash::FromWords(state);
}

}  // namespace tensorstark::hash
