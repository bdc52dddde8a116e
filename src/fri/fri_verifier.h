// The FRI verifier (protocol reference §4.4–§4.7, our variant; see fri_prover.h for what differs
// from Stwo). Commit replays the prover's commit phase on the channel from the proof; Decommit
// checks every layer's opening against its root and folds the queried values down to the last
// layer, where they must match the last-layer polynomial. Malformed proofs and inputs give a
// FriError, never a crash.
#pragma once

#include <algorithm>
#include <bit>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "circle/bit_reverse.h"
#include "circle/coset.h"
#include "circle/line.h"
#include "field/batch_inverse.h"
#include "field/m31.h"
#include "field/qm31.h"
#include "fri/config.h"
#include "fri/fold.h"
#include "fri/fri_error.h"
#include "fri/fri_layer.h"
#include "fri/fri_schedule.h"
#include "fri/proof.h"
#include "hash/channel.h"
#include "hash/merkle.h"
#include "hash/merkle_hasher.h"
#include "hash/merkle_verifier.h"

namespace tensorstark::fri {

// What a FriVerifier::Decommit opened, per layer (0 the first, k + 1 the inner layer k): every
// Merkle node hash it knew and every coset's values by leaf (the first layer's pairs by column
// too). A recursion circuit checks each query on its own and takes its witness from here.
template <hash::MerkleHasher H>
struct FriOpened {
  std::vector<typename hash::MerkleVerifier<H>::KnownNodes> nodes;  // per layer
  std::vector<std::map<size_t, std::vector<QM31>>> first_pairs;     // per column: leaf → pair
  std::vector<std::map<size_t, std::vector<QM31>>> inner_cosets;  // per inner layer: leaf → coset
};

template <hash::Channel C, hash::MerkleHasher H>
class FriVerifier {
  static_assert(std::is_same_v<typename C::Hash, typename H::Hash>,
                "the channel mixes the Merkle roots, so both must use the same hash type");

 public:
  // Mixes the proof's roots and draws the folding factors as the prover did, checks the inner
  // layer count against the schedule of (config, column_log_sizes) and the last layer's length
  // (a power of two, at most 2^log_last_layer_degree_bound), and mixes the last layer's
  // coefficients. The config and log sizes are checked too (kInvalidConfig,
  // kInvalidColumnLogSizes), as they may come from a proof.
  static std::variant<FriVerifier, FriError> Commit(C& channel, const FriConfig& config,
                                                    const FriProof<H>& proof,
                                                    std::vector<uint32_t> column_log_sizes) {
    if (ValidateConfig(PcsConfig{.pow_bits = 0, .fri = config})) {
      return FriError{FriError::Kind::kInvalidConfig};
    }
    if (!FriInputsFit(config, column_log_sizes)) {
      return FriError{FriError::Kind::kInvalidColumnLogSizes};
    }
    FriSchedule schedule = MakeFriSchedule(config, column_log_sizes);
    if (proof.inner_layers.size() != schedule.inner_layers.size()) {
      return FriError{FriError::Kind::kInvalidNumLayers};
    }

    // β_c, the factor column c is circle-folded with: α_0 for column 0, else the last factor of
    // the layer it joins after.
    std::vector<QM31> column_alphas(column_log_sizes.size());
    channel.MixRoot(proof.first_layer.commitment);
    column_alphas[0] = channel.DrawFelt();
    std::vector<QM31> layer_alphas;
    for (size_t k = 0; k < proof.inner_layers.size(); ++k) {
      channel.MixRoot(proof.inner_layers[k].commitment);
      layer_alphas.push_back(channel.DrawFelt());
      const FriInnerLayer& step = schedule.inner_layers[k];
      if (step.injected_column) {
        column_alphas[*step.injected_column] =
            layer_alphas.back().Pow(uint64_t{1} << (step.fold_step - 1));
      }
    }

    const size_t n_coeffs = proof.last_layer_poly.size();
    if (n_coeffs > (size_t{1} << config.log_last_layer_degree_bound)) {
      return FriError{FriError::Kind::kLastLayerDegreeTooHigh, schedule.inner_layers.size() + 1};
    }
    if (!std::has_single_bit(n_coeffs)) {
      return FriError{FriError::Kind::kLastLayerNotPowerOfTwo, schedule.inner_layers.size() + 1};
    }
    channel.MixFelts(proof.last_layer_poly);
    return FriVerifier(std::move(schedule), proof, std::move(column_alphas),
                       std::move(layer_alphas));
  }

  // queries: the positions drawn at the largest column's log size s_0, or a batch of them.
  // first_layer_evals[i]: the values of column i at FoldPositions(queries, s_0 - s_i) (its query
  // positions, ascending). openings: each layer's opening at these queries (FriOpenings), checked
  // against the roots Commit mixed.
  std::optional<FriError> Decommit(std::span<const size_t> queries,
                                   std::span<const std::vector<QM31>> first_layer_evals,
                                   std::span<const FriLayerOpening<H>* const> openings,
                                   FriOpened<H>* opened = nullptr) const {
    if (openings.size() != schedule_.inner_layers.size() + 1) {
      return FriError{FriError::Kind::kInvalidNumLayers};
    }
    const uint32_t max_log_size = schedule_.max_log_size();
    for (size_t i = 0; i < queries.size(); ++i) {
      if (queries[i] >> max_log_size != 0 || (i > 0 && queries[i] <= queries[i - 1])) {
        return FriError{FriError::Kind::kInvalidQueries};
      }
    }
    const std::vector<uint32_t>& log_sizes = schedule_.column_log_sizes;
    if (first_layer_evals.size() != log_sizes.size()) {
      return FriError{FriError::Kind::kWrongNumberOfEvals};
    }

    // The first layer: each column's pairs, opened and circle-folded with its β.
    std::vector<SparseLine> column_folds(log_sizes.size());
    hash::QueriesPerLogSize first_leaves;
    std::vector<uint32_t> first_column_log_sizes;
    std::vector<M31> first_leaf_values;
    std::vector<std::vector<QM31>> column_pair_values;  // for `opened`
    std::span<const QM31> witness = openings[0]->fri_witness;
    for (size_t i = 0; i < log_sizes.size(); ++i) {
      const uint32_t s = log_sizes[i];
      const std::vector<size_t> positions = FoldPositions(queries, max_log_size - s);
      if (first_layer_evals[i].size() != positions.size()) {
        return FriError{FriError::Kind::kWrongNumberOfEvals};
      }
      std::optional<FriOpenedCosets> pairs =
          OpenFriCosets(positions, first_layer_evals[i], 1, witness);
      if (!pairs) return FriError{FriError::Kind::kWitnessTooShort, 0};
      if (opened) column_pair_values.push_back(pairs->values);
      const std::vector<M31> leaf_values = FriLeafValues(pairs->values);
      first_leaf_values.insert(first_leaf_values.end(), leaf_values.begin(), leaf_values.end());
      first_column_log_sizes.insert(first_column_log_sizes.end(), 8, s - 1);
      const circle::CircleDomain domain = circle::CanonicCoset(s).circle_domain();
      SparseLine& fold = column_folds[i];
      for (size_t k = 0; k < pairs->leaves.size(); ++k) {
        const size_t leaf = pairs->leaves[k];
        const M31 y = domain.at(circle::BitReverseIndex(2 * leaf, s)).y;
        fold.positions.push_back(leaf);
        fold.values.push_back(FoldCirclePair(pairs->values[2 * k], pairs->values[2 * k + 1],
                                             y.Inverse(), column_alphas_[i]));
      }
      first_leaves[s - 1] = std::move(pairs->leaves);
    }
    if (!witness.empty()) return FriError{FriError::Kind::kWitnessTooLong, 0};
    if (opened) {
      *opened = {};
      opened->nodes.resize(schedule_.inner_layers.size() + 1);
      opened->inner_cosets.resize(schedule_.inner_layers.size());
      for (size_t i = 0; i < log_sizes.size(); ++i) {
        const auto& leaves = first_leaves[log_sizes[i] - 1];
        auto& pairs = opened->first_pairs.emplace_back();
        for (size_t k = 0; k < leaves.size(); ++k) {
          pairs[leaves[k]] = {column_pair_values[i][2 * k], column_pair_values[i][2 * k + 1]};
        }
      }
    }
    const hash::MerkleVerifier<H> first_tree(proof_.first_layer.commitment, first_column_log_sizes);
    if (std::optional<hash::MerkleError> e =
            first_tree.Verify(first_leaves, first_leaf_values, openings[0]->decommitment,
                              opened ? &opened->nodes[0] : nullptr)) {
      return FriError{FriError::Kind::kMerkleFailed, 0, *e};
    }

    // The inner layers: open each layer's cosets around the running values, fold them, and let
    // the next column join.
    SparseLine line = std::move(column_folds[0]);
    for (size_t k = 0; k < schedule_.inner_layers.size(); ++k) {
      const FriInnerLayer& step = schedule_.inner_layers[k];
      const size_t layer = k + 1;
      const FriLayerOpening<H>& opening = *openings[layer];
      std::span<const QM31> layer_witness = opening.fri_witness;
      std::optional<FriOpenedCosets> cosets =
          OpenFriCosets(line.positions, line.values, step.fold_step, layer_witness);
      if (!cosets) return FriError{FriError::Kind::kWitnessTooShort, layer};
      if (!layer_witness.empty()) return FriError{FriError::Kind::kWitnessTooLong, layer};
      const uint32_t leaf_log_size = step.log_size - step.fold_step;
      const std::vector<uint32_t> tree_log_sizes(4 << step.fold_step, leaf_log_size);
      const hash::MerkleVerifier<H> tree(proof_.inner_layers[k].commitment, tree_log_sizes);
      if (std::optional<hash::MerkleError> e =
              tree.Verify({{leaf_log_size, cosets->leaves}}, FriLeafValues(cosets->values),
                          opening.decommitment, opened ? &opened->nodes[layer] : nullptr)) {
        return FriError{FriError::Kind::kMerkleFailed, layer, *e};
      }

      const size_t coset_size = size_t{1} << step.fold_step;
      for (size_t c = 0; opened && c < cosets->leaves.size(); ++c) {
        opened->inner_cosets[k][cosets->leaves[c]].assign(
            cosets->values.begin() + c * coset_size, cosets->values.begin() + (c + 1) * coset_size);
      }
      const circle::LineDomain domain = FriLineDomain(step.log_size);
      SparseLine folded;
      folded.positions = cosets->leaves;
      for (size_t c = 0; c < cosets->leaves.size(); ++c) {
        folded.values.push_back(
            FoldCoset(std::vector<QM31>(cosets->values.begin() + c * coset_size,
                                        cosets->values.begin() + (c + 1) * coset_size),
                      cosets->leaves[c], domain, layer_alphas_[k]));
      }
      if (step.injected_column) {
        const SparseLine& column = column_folds[*step.injected_column];
        const QM31 beta_sq = column_alphas_[*step.injected_column].Square();
        // Both are the queries folded to this line size.
        assert(column.positions == folded.positions);
        for (size_t p = 0; p < folded.values.size(); ++p) {
          folded.values[p] = folded.values[p] * beta_sq + column.values[p];
        }
      }
      line = std::move(folded);
    }

    const circle::LinePoly last_layer(proof_.last_layer_poly);
    const circle::LineDomain last_domain = FriLineDomain(schedule_.last_layer_log_size);
    for (size_t p = 0; p < line.positions.size(); ++p) {
      const M31 x =
          last_domain.at(circle::BitReverseIndex(line.positions[p], schedule_.last_layer_log_size));
      if (last_layer.EvalAtPoint(QM31(x)) != line.values[p]) {
        return FriError{FriError::Kind::kLastLayerMismatch, schedule_.inner_layers.size() + 1};
      }
    }
    return std::nullopt;
  }

  const FriSchedule& schedule() const { return schedule_; }

 private:
  // Values of a line layer at some positions (ascending).
  struct SparseLine {
    std::vector<size_t> positions;
    std::vector<QM31> values;
  };

  // Folds the 2^j values of coset `leaf` of a line evaluation on `domain` j times, fold i with
  // α^(2^i): the value at position `leaf` of the layer j halvings down.
  static QM31 FoldCoset(std::vector<QM31> values, size_t leaf, circle::LineDomain domain,
                        QM31 alpha) {
    for (size_t n = values.size() / 2; n >= 1; n /= 2) {
      const std::vector<M31> x_inverses = field::BatchInverse<M31>(PairXs(domain, leaf, n));
      for (size_t r = 0; r < n; ++r) {
        values[r] = FoldLinePair(values[2 * r], values[2 * r + 1], x_inverses[r], alpha);
      }
      domain = domain.Double();
      alpha = alpha.Square();
    }
    return values[0];
  }

  // The x-coordinates of the n fold pairs of coset `leaf`: pair r = leaf·n + r sits at domain
  // index bitrev_m(2·pair) = bitrev(leaf) + bitrev(r)·2^{m-1-log n}, so the n points are one
  // point plus multiples of one stride, found by additions instead of a scalar product each.
  static std::vector<M31> PairXs(const circle::LineDomain& domain, size_t leaf, size_t n) {
    const uint32_t m = domain.log_size();
    const uint32_t log_n = std::bit_width(n) - 1;
    const uint32_t low_bits = m - 1 - log_n;
    const circle::CirclePoint<M31> base =
        domain.coset().at(circle::BitReverseIndex(leaf, low_bits));
    const circle::CirclePoint<M31> stride =
        (domain.coset().step_size() * (uint64_t{1} << low_bits)).ToPoint();
    std::vector<circle::CirclePoint<M31>> points(n);
    points[0] = base;
    for (size_t k = 1; k < n; ++k) points[k] = points[k - 1] + stride;
    std::vector<M31> xs(n);
    for (size_t r = 0; r < n; ++r) xs[r] = points[circle::BitReverseIndex(r, log_n)].x;
    return xs;
  }

  FriVerifier(FriSchedule schedule, const FriProof<H>& proof, std::vector<QM31> column_alphas,
              std::vector<QM31> layer_alphas)
      : schedule_(std::move(schedule)),
        proof_(proof),
        column_alphas_(std::move(column_alphas)),
        layer_alphas_(std::move(layer_alphas)) {}

  FriSchedule schedule_;
  FriProof<H> proof_;
  std::vector<QM31> column_alphas_;  // β per input column
  std::vector<QM31> layer_alphas_;   // α per inner layer
};

}  // namespace tensorstark::fri
