#include "hash/poseidon2_m31_merkle_hasher.h"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <cassert>

#include "hash/poseidon2_m31.h"
#include "hash/poseidon2_m31_rules.h"

namespace tensorstark::hash {
namespace {

using field::M31;
using field::PackedM31;
using Digest = std::array<M31, poseidon2_rules::kDigestWords>;

using poseidon2_rules::kDigestWords;
constexpr size_t kLanes = field::kLanes;
static_assert(kLanes == kPoseidon2Width, "a packed vector holds one word of 16 states");
// Packed blocks of 16 nodes per TBB task, so small layers stay on one thread.
constexpr size_t kBlocksPerTask = 8;

// Nodes first .. first + 16 of a layer, their permutations run in lockstep on the packed lanes.
void HashBlock(size_t first, std::span<const Poseidon2M31Hash> children,
               std::span<const std::span<const M31>> columns, std::span<Poseidon2M31Hash> out) {
  const bool has_children = !children.empty();
  Poseidon2PackedStates state{};
  std::array<M31, kLanes> lanes;
  if (has_children) {
    for (size_t k = 0; k < kPoseidon2Width; ++k) {
      const size_t child = k / kDigestWords, word = k % kDigestWords;
      for (size_t j = 0; j < kLanes; ++j) lanes[j] = children[2 * (first + j) + child].words[word];
      state[k] = PackedM31::FromArray(lanes);
    }
    Poseidon2PermutePacked(state);
  } else {
    state[kDigestWords] = PackedM31::Broadcast(M31::Reduce(columns.size()));
  }
  const size_t blocks = poseidon2_rules::ValueBlocks(columns.size(), has_children);
  for (size_t b = 0; b < blocks; ++b) {
    for (size_t i = 0; i < kPoseidon2Rate; ++i) {
      const size_t c = b * kPoseidon2Rate + i;
      state[i] = c < columns.size() ? PackedM31::Load(columns[c].data() + first) : PackedM31();
    }
    Poseidon2PermutePacked(state);
  }
  for (size_t k = 0; k < kDigestWords; ++k) {
    lanes = state[k].ToArray();
    for (size_t j = 0; j < kLanes; ++j) out[first + j].words[k] = lanes[j];
  }
}

}  // namespace

std::string Poseidon2M31Hash::ToHex() const {
  constexpr char kDigits[] = "0123456789abcdef";
  std::string hex;
  for (M31 word : words) {
    for (int byte = 0; byte < 4; ++byte) {
      const uint32_t b = (word.value() >> (8 * byte)) & 0xff;
      hex += kDigits[b >> 4];
      hex += kDigits[b & 15];
    }
  }
  return hex;
}

Poseidon2M31Hash Poseidon2M31Compress(const Poseidon2M31Hash& a, const Poseidon2M31Hash& b) {
  return {poseidon2_rules::Compress(poseidon2_rules::ScalarBackend(), a.words, b.words)};
}

Poseidon2M31Hash Poseidon2M31MerkleHasher::HashNode(
    const std::optional<std::pair<Hash, Hash>>& children, std::span<const M31> column_values) {
  std::optional<std::pair<Digest, Digest>> child_words;
  if (children) child_words.emplace(children->first.words, children->second.words);
  return {poseidon2_rules::HashNode(poseidon2_rules::ScalarBackend(), child_words, column_values)};
}

void Poseidon2M31MerkleHasher::HashLayer(std::span<const Hash> children,
                                         std::span<const std::span<const M31>> columns,
                                         std::span<Hash> out) {
  const size_t n = out.size();
  assert(children.empty() || children.size() == 2 * n);
  // The nodes that do not fill a packed block are hashed one at a time.
  const size_t packed = n / kLanes * kLanes;
  tbb::parallel_for(tbb::blocked_range<size_t>(0, packed / kLanes, kBlocksPerTask),
                    [&](const auto& range) {
                      for (size_t block = range.begin(); block < range.end(); ++block) {
                        HashBlock(block * kLanes, children, columns, out);
                      }
                    });
  std::vector<M31> values(columns.size());
  for (size_t j = packed; j < n; ++j) {
    for (size_t c = 0; c < columns.size(); ++c) values[c] = columns[c][j];
    std::optional<std::pair<Hash, Hash>> node_children;
    if (!children.empty()) node_children.emplace(children[2 * j], children[2 * j + 1]);
    out[j] = HashNode(node_children, values);
  }
}

}  // namespace tensorstark::hash
