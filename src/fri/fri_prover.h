// The FRI prover (protocol reference §4.4–§4.6, our variant): commits to QM31 evaluations of
// strictly decreasing log sizes by folding them into one line evaluation, layer by layer, with a
// Merkle tree per committed layer, down to a last layer it sends as a line polynomial; then opens
// the layers at the verifier's queries.
//
// Our differences from Stwo: inner layers fold fold_step times each (one Merkle leaf per coset
// of 2^fold_step positions, the fold number i with α^(2^i)), the first layer's leaves are the
// circle fold's pairs, and the schedule comes from fri_schedule.h. Commit order on the channel:
// first-layer root, α_0, then per inner layer its root and α, then the last-layer coefficients.
#pragma once

#include <algorithm>
#include <bit>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <span>
#include <type_traits>
#include <utility>
#include <vector>

#include "circle/coset.h"
#include "circle/line.h"
#include "field/m31.h"
#include "field/qm31.h"
#include "fri/config.h"
#include "fri/fold.h"
#include "fri/fri_layer.h"
#include "fri/fri_schedule.h"
#include "fri/proof.h"
#include "fri/secure_column.h"
#include "hash/channel.h"
#include "hash/merkle.h"
#include "hash/merkle_hasher.h"
#include "hash/merkle_prover.h"

namespace tensorstark::fri {

template <hash::Channel C, hash::MerkleLayerHasher H>
class FriProver {
  static_assert(std::is_same_v<typename C::Hash, typename H::Hash>,
                "the channel mixes the Merkle roots, so both must use the same hash type");

 public:
  // columns: in strictly decreasing sizes, column s the evaluation on
  // CanonicCoset(s).circle_domain(), bit-reversed, of a polynomial of log size
  // s - log_blowup_factor, with s ≥ log_blowup_factor + log_last_layer_degree_bound + 1
  // (FriInputsFit). Only the degree bound is the caller's responsibility beyond that: an input of
  // too high a degree fails an assertion when the last layer is interpolated.
  static FriProver Commit(C& channel, const FriConfig& config, std::vector<SecureColumn> columns) {
    std::vector<uint32_t> log_sizes;
    for (const SecureColumn& column : columns) {
      assert(std::has_single_bit(column.size()));
      for (const std::vector<M31>& coord : column.coords) assert(coord.size() == column.size());
      log_sizes.push_back(std::countr_zero(column.size()));
    }
    FriSchedule schedule = MakeFriSchedule(config, log_sizes);

    std::vector<std::vector<M31>> first_columns;
    for (const SecureColumn& column : columns) {
      for (std::vector<M31>& leaf_column : FriLeafColumns(column, 1)) {
        first_columns.push_back(std::move(leaf_column));
      }
    }
    CommittedLayer first = CommittedLayer::Commit(std::move(first_columns));
    channel.MixRoot(first.tree.root());
    QM31 alpha = channel.DrawFelt();
    SecureColumn layer = SecureColumn::Zeros(columns[0].size() / 2);
    FoldCircleIntoLine(layer, columns[0], circle::CanonicCoset(log_sizes[0]).circle_domain(),
                       alpha);
    columns[0] = {};

    std::vector<CommittedLayer> inner;
    for (const FriInnerLayer& step : schedule.inner_layers) {
      inner.push_back(CommittedLayer::Commit(FriLeafColumns(layer, step.fold_step)));
      channel.MixRoot(inner.back().tree.root());
      alpha = channel.DrawFelt();
      circle::LineDomain domain = FriLineDomain(step.log_size);
      for (uint32_t i = 0; i < step.fold_step; ++i) {
        if (i > 0) alpha = alpha.Square();
        layer = FoldLine(layer, domain, alpha);
        domain = domain.Double();
      }
      // A column joins with the last fold's factor, as dst·α² + f'.
      if (step.injected_column) {
        const size_t c = *step.injected_column;
        FoldCircleIntoLine(layer, columns[c], circle::CanonicCoset(log_sizes[c]).circle_domain(),
                           alpha);
        columns[c] = {};
      }
    }

    std::vector<QM31> values(layer.size());
    for (size_t i = 0; i < values.size(); ++i) values[i] = layer.at(i);
    std::vector<QM31> coeffs =
        circle::LineEvaluation(FriLineDomain(schedule.last_layer_log_size), std::move(values))
            .Interpolate()
            .OrderedCoefficients();
    const size_t bound = size_t{1} << config.log_last_layer_degree_bound;
    assert(std::all_of(coeffs.begin() + bound, coeffs.end(), [](QM31 c) { return c.IsZero(); }) &&
           "FRI input of too high degree");
    coeffs.resize(bound);
    const circle::LinePoly last_layer =
        circle::LinePoly::FromOrderedCoefficients(std::move(coeffs));
    std::vector<QM31> last_layer_poly(last_layer.coeffs().begin(), last_layer.coeffs().end());
    channel.MixFelts(last_layer_poly);
    return FriProver(std::move(schedule), std::move(first), std::move(inner),
                     std::move(last_layer_poly));
  }

  // queries: sorted, unique positions in the bit-reversed domain of the largest column.
  FriProof<H> Decommit(std::span<const size_t> queries) const {
    const uint32_t max_log_size = schedule_.max_log_size();
    assert(std::is_sorted(queries.begin(), queries.end()) &&
           std::adjacent_find(queries.begin(), queries.end()) == queries.end());
    assert(queries.empty() || queries.back() < (size_t{1} << max_log_size));
    FriProof<H> proof;

    hash::QueriesPerLogSize first_leaves;
    for (size_t i = 0; i < schedule_.column_log_sizes.size(); ++i) {
      const uint32_t s = schedule_.column_log_sizes[i];
      std::span<const std::vector<M31>> columns(first_.columns);
      first_leaves[s - 1] =
          AppendFriWitness(columns.subspan(8 * i, 8), 1, FoldPositions(queries, max_log_size - s),
                           proof.first_layer.fri_witness);
    }
    proof.first_layer.decommitment = first_.Decommit(first_leaves);
    proof.first_layer.commitment = first_.tree.root();

    for (size_t k = 0; k < inner_.size(); ++k) {
      const FriInnerLayer& step = schedule_.inner_layers[k];
      FriLayerProof<H>& layer_proof = proof.inner_layers.emplace_back();
      std::vector<size_t> leaves = AppendFriWitness(
          inner_[k].columns, step.fold_step, FoldPositions(queries, max_log_size - step.log_size),
          layer_proof.fri_witness);
      layer_proof.decommitment = inner_[k].Decommit({{step.log_size - step.fold_step, leaves}});
      layer_proof.commitment = inner_[k].tree.root();
    }
    proof.last_layer_poly = last_layer_poly_;
    return proof;
  }

  const FriSchedule& schedule() const { return schedule_; }

 private:
  // A committed layer keeps its Merkle columns (FriLeafColumns) to open them later.
  struct CommittedLayer {
    std::vector<std::vector<M31>> columns;
    hash::MerkleProver<H> tree;

    static CommittedLayer Commit(std::vector<std::vector<M31>> columns) {
      hash::MerkleProver<H> tree = hash::MerkleProver<H>::Commit(Spans(columns));
      return {std::move(columns), std::move(tree)};
    }
    hash::MerkleDecommitment<H> Decommit(const hash::QueriesPerLogSize& leaves) const {
      return tree.Decommit(leaves, Spans(columns)).second;
    }
    static std::vector<std::span<const M31>> Spans(const std::vector<std::vector<M31>>& columns) {
      return {columns.begin(), columns.end()};
    }
  };

  FriProver(FriSchedule schedule, CommittedLayer first, std::vector<CommittedLayer> inner,
            std::vector<QM31> last_layer_poly)
      : schedule_(std::move(schedule)),
        first_(std::move(first)),
        inner_(std::move(inner)),
        last_layer_poly_(std::move(last_layer_poly)) {}

  FriSchedule schedule_;
  CommittedLayer first_;
  std::vector<CommittedLayer> inner_;  // one per schedule_.inner_layers
  std::vector<QM31> last_layer_poly_;  // LinePoly storage order
};

}  // namespace tensorstark::fri
