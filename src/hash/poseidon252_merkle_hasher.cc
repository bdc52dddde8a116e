#include "hash/poseidon252_merkle_hasher.h"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <array>
#include <cassert>
#include <vector>

#include "hash/poseidon252.h"

namespace tensorstark::hash {
namespace {

using field::Felt252;
using field::M31;

constexpr size_t kValuesPerFelt = 8;
// Nodes per TBB task: enough permutations to fill the IFMA lanes many times over.
constexpr size_t kNodesPerTask = 256;

size_t NumPackedFelts(size_t n_values) { return (n_values + kValuesPerFelt - 1) / kValuesPerFelt; }

// Appends the packed chunks of `values` to `out`.
void AppendPacked(std::span<const M31> values, std::vector<Felt252>& out) {
  for (size_t i = 0; i < values.size(); i += kValuesPerFelt) {
    out.push_back(PackM31s(values.subspan(i, std::min(kValuesPerFelt, values.size() - i))));
  }
}

}  // namespace

Felt252 Poseidon252MerkleHasher::HashNode(const std::optional<std::pair<Hash, Hash>>& children,
                                          std::span<const M31> column_values) {
  if (children && column_values.empty()) return PoseidonHash(children->first, children->second);
  std::vector<Felt252> input;
  input.reserve(2 + NumPackedFelts(column_values.size()));
  if (children) {
    input.push_back(children->first);
    input.push_back(children->second);
  }
  AppendPacked(column_values, input);
  return PoseidonHashMany(input);
}

void Poseidon252MerkleHasher::HashLayer(std::span<const Hash> children,
                                        std::span<const std::span<const M31>> columns,
                                        std::span<Hash> out) {
  const size_t n = out.size();
  assert(children.empty() || children.size() == 2 * n);
  const bool has_children = !children.empty();
  tbb::parallel_for(tbb::blocked_range<size_t>(0, n, kNodesPerTask), [&](const auto& range) {
    const size_t first = range.begin(), count = range.size();
    if (has_children && columns.empty()) {
      std::vector<PoseidonState> states(count);
      for (size_t j = 0; j < count; ++j) {
        states[j] = {children[2 * (first + j)], children[2 * (first + j) + 1], Felt252::FromU64(2)};
      }
      HadesPermutationBatch(states);
      for (size_t j = 0; j < count; ++j) out[first + j] = states[j][0];
      return;
    }
    const size_t n_per_hash = (has_children ? 2 : 0) + NumPackedFelts(columns.size());
    std::vector<Felt252> inputs;
    inputs.reserve(count * n_per_hash);
    std::vector<M31> values(columns.size());
    for (size_t j = first; j < first + count; ++j) {
      if (has_children) {
        inputs.push_back(children[2 * j]);
        inputs.push_back(children[2 * j + 1]);
      }
      for (size_t c = 0; c < columns.size(); ++c) values[c] = columns[c][j];
      AppendPacked(values, inputs);
    }
    PoseidonHashManyBatch(inputs, n_per_hash, out.subspan(first, count));
  });
}

}  // namespace tensorstark::hash
