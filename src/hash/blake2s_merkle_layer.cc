// Blake2sMerkleHasher::HashLayer, the prover's batched form of HashNode (protocol reference §7.2).
// Sixteen consecutive nodes share one SIMD compression per message block: their column values
// are already in transposed form (word w of chunk c is column 16c + w at those 16 rows), and their
// child hashes are 16 consecutive 64-byte rows of the layer below.
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <array>
#include <cassert>
#include <type_traits>
#include <vector>

#include "hash/blake2s_merkle_hasher.h"
#include "hash/blake2s_simd.h"

namespace tensorstark::hash {
namespace {

// Columns are read as raw words in place.
static_assert(sizeof(field::M31) == sizeof(uint32_t) && std::is_standard_layout_v<field::M31>);
static_assert(sizeof(Blake2sHash) == 8 * sizeof(uint32_t));

constexpr size_t kLanes = kBlake2sSimdLanes;
// Nodes are hashed in blocks of this many groups of 16, one 16-column chunk at a time for the
// whole block: each visit to a column then reads 1 KiB in a row instead of one cache line, which
// the hardware prefetchers follow even when a layer has hundreds of columns.
constexpr size_t kBlockGroups = 16;
// The zero padding of the last 16-column chunk, as a column of 16 zero rows.
alignas(64) constexpr uint32_t kZeroWords[kLanes] = {};

const uint32_t* Words(const field::M31* p) { return reinterpret_cast<const uint32_t*>(p); }

void HashLayerScalar(std::span<const Blake2sHash> children,
                     std::span<const std::span<const field::M31>> columns,
                     std::span<Blake2sHash> out) {
  std::vector<field::M31> values(columns.size());
  for (size_t j = 0; j < out.size(); ++j) {
    for (size_t c = 0; c < columns.size(); ++c) values[c] = columns[c][j];
    std::optional<std::pair<Blake2sHash, Blake2sHash>> node_children;
    if (!children.empty()) node_children.emplace(children[2 * j], children[2 * j + 1]);
    out[j] = Blake2sMerkleHasher::HashNode(node_children, values);
  }
}

}  // namespace

void Blake2sMerkleHasher::HashLayer(std::span<const Hash> children,
                                    std::span<const std::span<const field::M31>> columns,
                                    std::span<Hash> out) {
  const size_t n = out.size();
  assert(children.empty() || children.size() == 2 * n);
  assert(std::all_of(columns.begin(), columns.end(), [&](auto c) { return c.size() == n; }));
  if (n % kLanes != 0) return HashLayerScalar(children, columns, out);

  const size_t n_chunks = (columns.size() + kLanes - 1) / kLanes;
  const size_t n_groups = n / kLanes;  // groups of 16 nodes, one SIMD compression each
  // Word w of chunk `chunk` for the 16 nodes from first_node on.
  auto message_words = [&](size_t chunk, size_t first_node) {
    std::array<const uint32_t*, 16> words;
    for (size_t w = 0; w < 16; ++w) {
      const size_t c = chunk * 16 + w;
      words[w] = c < columns.size() ? Words(columns[c].data()) + first_node : kZeroWords;
    }
    return words;
  };
  tbb::parallel_for(tbb::blocked_range<size_t>(0, n_groups, kBlockGroups), [&](const auto& range) {
    for (size_t begin = range.begin(); begin < range.end(); begin += kBlockGroups) {
      const size_t n_block = std::min(kBlockGroups, range.end() - begin);
      Blake2sStates16 states[kBlockGroups] = {};
      if (!children.empty()) {
        for (size_t b = 0; b < n_block; ++b) {
          const Blake2sHash* first_child = children.data() + 2 * (begin + b) * kLanes;
          Blake2sCompress16RowMajor(states[b], reinterpret_cast<const uint32_t*>(first_child), 0,
                                    0);
        }
      }
      for (size_t chunk = 0; chunk < n_chunks; ++chunk) {
        for (size_t b = 0; b < n_block; ++b) {
          Blake2sCompress16(states[b], message_words(chunk, (begin + b) * kLanes), 0, 0);
        }
      }
      for (size_t b = 0; b < n_block; ++b) {
        Blake2sStoreRowMajor16(states[b],
                               reinterpret_cast<uint32_t*>(out.data() + (begin + b) * kLanes));
      }
    }
  });
}

}  // namespace tensorstark::hash
