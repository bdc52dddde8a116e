// The shape of a FRI proof (our variant of protocol reference §4.4): which layers are committed,
// how many line folds follow each, where the smaller input columns join, and which positions each
// layer opens (§4.5, §4.6). Prover and verifier both derive it from the configuration and the
// input columns' log sizes alone, through the functions below, so they cannot disagree.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "circle/line.h"
#include "fri/config.h"

namespace tensorstark::fri {

// A committed inner layer: a line evaluation of log size `log_size`, committed with one Merkle leaf
// per coset of 2^fold_step consecutive positions, then folded fold_step times.
struct FriInnerLayer {
  uint32_t log_size;
  uint32_t fold_step;
  // The input column circle-folded into the layer after its folds, if any.
  std::optional<size_t> injected_column;

  friend bool operator==(const FriInnerLayer&, const FriInnerLayer&) = default;
};

struct FriSchedule {
  std::vector<uint32_t> column_log_sizes;  // s_0 > s_1 > …, the circle evaluations' log sizes
  std::vector<FriInnerLayer> inner_layers;
  uint32_t last_layer_log_size;  // log_last_layer_degree_bound + log_blowup_factor

  uint32_t max_log_size() const { return column_log_sizes[0]; }
};

// True if a schedule exists: fold_step ≥ 1 and the log sizes are non-empty, strictly decreasing
// and each in [log_blowup_factor + log_last_layer_degree_bound + 1, CircleDomain::kMaxLogSize].
bool FriInputsFit(const FriConfig& config, std::span<const uint32_t> column_log_sizes);

// The layers, from line log size m = s_0 - 1 down to m = last: each takes
// j = min(fold_step, m - last, m - t) folds, t the line log size (s - 1) of the next column still
// to join, so that every column joins exactly where the layer reaches its line size.
// FriInputsFit must hold.
FriSchedule MakeFriSchedule(const FriConfig& config, std::span<const uint32_t> column_log_sizes);

// The line domain of a FRI layer of log size m: the x-coordinates of the half coset of
// CanonicCoset(m + 1), which is where both the circle fold of a column of log size m + 1 and m
// halvings of the largest column's line domain land.
circle::LineDomain FriLineDomain(uint32_t log_size);

// {p >> shift : p ∈ positions}, sorted and unique; positions sorted. A query q at log size s_0
// sits at FoldPositions(q, s_0 - s) in a column of log size s and at FoldPositions(q, s_0 - m) in
// a line layer of log size m; the Merkle leaves of a layer opened with cosets of 2^w positions
// are FoldPositions(positions, w).
std::vector<size_t> FoldPositions(std::span<const size_t> positions, uint32_t shift);

}  // namespace tensorstark::fri
