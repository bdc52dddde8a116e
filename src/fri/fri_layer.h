// How a committed FRI layer is laid out in its Merkle tree and opened (our variant of protocol
// reference §4.4, §4.6). A layer opened with cosets of 2^w consecutive positions has one leaf per
// coset: leaf i holds, as column 4t + c, coordinate c of the value at position i·2^w + t. The
// first layer uses w = 1 for every input column (its leaves are the circle fold's pairs), an
// inner layer w = its fold step. An opening sends, coset by coset in ascending order, the values
// at the coset's positions the verifier does not already know, in position order.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "field/m31.h"
#include "field/qm31.h"
#include "fri/secure_column.h"

namespace tensorstark::fri {

// The 4·2^w Merkle columns, each of length layer.size() / 2^w (prover).
std::vector<std::vector<M31>> FriLeafColumns(const SecureColumn& layer, uint32_t log_leaf_size);

// Opens the cosets of the known positions (sorted, unique, in range) from the layer's Merkle
// columns: appends the other positions' values to `witness` and returns the cosets' leaf indices
// (prover).
std::vector<size_t> AppendFriWitness(std::span<const std::vector<M31>> leaf_columns,
                                     uint32_t log_leaf_size, std::span<const size_t> positions,
                                     std::vector<QM31>& witness);

struct FriOpenedCosets {
  std::vector<size_t> leaves;  // ascending
  std::vector<QM31> values;    // 2^w per leaf, in position order
};

// The verifier's side of AppendFriWitness: rebuilds every opened coset from the known values
// (values[k] at positions[k]; positions sorted and unique) and the next values of `witness`,
// which it consumes. nullopt if the witness runs out.
std::optional<FriOpenedCosets> OpenFriCosets(std::span<const size_t> positions,
                                             std::span<const QM31> values, uint32_t log_leaf_size,
                                             std::span<const QM31>& witness);

// The Merkle leaf values of opened cosets: each value's 4 coordinates, in order, which is the
// column order of the cosets' leaves.
std::vector<M31> FriLeafValues(std::span<const QM31> values);

}  // namespace tensorstark::fri
