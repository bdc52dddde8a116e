// The verifier side of the polynomial commitment scheme (protocol reference §5, §8.3): records
// each tree's root and column sizes as the transcript replays, then checks the openings — the
// proof's shape, the proof of work, every tree's Merkle decommitment, and FRI on the DEEP
// quotients it recomputes at the queried positions. Malformed proofs give a PcsError.
#pragma once

#include <algorithm>
#include <array>
#include <cassert>
#include <cstdint>
#include <optional>
#include <span>
#include <variant>
#include <vector>

#include "circle/bit_reverse.h"
#include "circle/coset.h"
#include "fri/config.h"
#include "fri/fri_verifier.h"
#include "fri/pcs_common.h"
#include "fri/pcs_error.h"
#include "fri/proof.h"
#include "fri/quotients.h"
#include "hash/channel.h"
#include "hash/merkle_verifier.h"
#include "hash/proof_of_work.h"
#include "hash/queries.h"

namespace tensorstark::fri {

// What a verification opened, for a recursion circuit's witness: the query positions drawn
// (ascending), every Merkle node hash each tree's check knew, and FRI's openings.
template <hash::MerkleHasher H>
struct PcsOpened {
  std::vector<size_t> queries;
  std::vector<typename hash::MerkleVerifier<H>::KnownNodes> tree_nodes;  // per tree
  FriOpened<H> fri;
};

template <hash::Channel C, hash::MerkleHasher H>
class CommitmentSchemeVerifier {
  static_assert(std::is_same_v<typename C::Hash, typename H::Hash>);

 public:
  explicit CommitmentSchemeVerifier(const PcsConfig& config) : config_(config) {}

  // Mirrors the prover's commit of a tree of polynomials of these log sizes.
  void Commit(const typename H::Hash& root, const std::vector<uint32_t>& poly_log_sizes,
              C& channel) {
    std::vector<uint32_t> eval_log_sizes;
    for (uint32_t s : poly_log_sizes) eval_log_sizes.push_back(s + config_.fri.log_blowup_factor);
    roots_.push_back(root);
    eval_log_sizes_.push_back(std::move(eval_log_sizes));
    channel.MixRoot(root);
  }

  size_t n_trees() const { return roots_.size(); }

  // `masks` are the zero-knowledge prover's (FriMask): added to the DEEP quotients of their sizes.
  // `opened`, if given, records what the checks opened (PcsOpened), as far as they got.
  std::optional<PcsError> Verify(const SamplePoints& sample_points, const PcsProof<H>& proof,
                                 C& channel, std::span<const FriMask> masks = {},
                                 PcsOpened<H>* opened = nullptr) const {
    if (auto error = CheckShape(sample_points, proof)) return error;
    channel.MixFelts(FlattenSamples(proof.sampled_values));
    const QM31 random_coeff = channel.DrawFelt();

    const std::vector<ColumnGroup> groups = GroupColumnsByLogSize(eval_log_sizes_);
    std::vector<uint32_t> group_log_sizes;
    for (const ColumnGroup& group : groups) group_log_sizes.push_back(group.log_size);
    auto fri = FriVerifier<C, H>::Commit(channel, config_.fri, proof.fri_proof, group_log_sizes);
    if (const FriError* error = std::get_if<FriError>(&fri)) return PcsError::Fri(*error);

    if (!hash::CheckProofOfWork(channel, config_.pow_bits, proof.proof_of_work)) {
      return PcsError{PcsError::Kind::kProofOfWork};
    }
    channel.MixU64(proof.proof_of_work);
    const uint32_t max_log_size = group_log_sizes.front();
    const std::vector<size_t> queries =
        hash::DrawQueryPositions(channel, max_log_size, config_.fri.n_queries);

    if (opened) opened->queries = queries;
    return VerifyOpenings(queries, max_log_size, groups, sample_points, masks, proof, random_coeff,
                          std::get<FriVerifier<C, H>>(fri), opened);
  }

 private:
  // Checks the openings of the queries: every tree's Merkle decommitment, then FRI on the DEEP
  // quotients recomputed at them.
  std::optional<PcsError> VerifyOpenings(std::span<const size_t> queries, uint32_t max_log_size,
                                         const std::vector<ColumnGroup>& groups,
                                         const SamplePoints& sample_points,
                                         std::span<const FriMask> masks, const PcsProof<H>& proof,
                                         QM31 random_coeff, const FriVerifier<C, H>& fri_verifier,
                                         PcsOpened<H>* opened) const {
    const std::vector<std::vector<M31>>& queried_values = proof.queried_values;
    const std::vector<hash::MerkleDecommitment<H>>& decommitments = proof.decommitments;
    if (queried_values.size() != roots_.size() || decommitments.size() != roots_.size()) {
      return PcsError{PcsError::Kind::kShapeMismatch};
    }
    std::vector<hash::QueriesPerLogSize> tree_queries;
    if (opened) opened->tree_nodes.resize(roots_.size());
    for (size_t t = 0; t < roots_.size(); ++t) {
      tree_queries.push_back(TreeQueries(queries, max_log_size, eval_log_sizes_[t]));
      hash::MerkleVerifier<H> merkle(roots_[t], eval_log_sizes_[t]);
      if (auto error = merkle.Verify(tree_queries[t], queried_values[t], decommitments[t],
                                     opened ? &opened->tree_nodes[t] : nullptr)) {
        return PcsError::Merkle(t, *error);
      }
    }

    // The DEEP quotients at the queried positions: FRI's first-layer values.
    std::vector<std::vector<QM31>> answers;
    for (const ColumnGroup& group : groups) {
      answers.push_back(QuotientAnswers(group, sample_points, masks, proof.sampled_values,
                                        queried_values, tree_queries, random_coeff));
    }
    if (auto error = fri_verifier.Decommit(queries, answers, FriOpenings(proof.fri_proof),
                                           opened ? &opened->fri : nullptr)) {
      return PcsError::Fri(*error);
    }
    return std::nullopt;
  }

  std::optional<PcsError> CheckShape(const SamplePoints& sample_points,
                                     const PcsProof<H>& proof) const {
    const size_t n_trees = roots_.size();
    if (proof.config != config_ || proof.commitments.size() != n_trees ||
        proof.sampled_values.size() != n_trees || sample_points.size() != n_trees) {
      return PcsError{PcsError::Kind::kShapeMismatch};
    }
    for (size_t t = 0; t < n_trees; ++t) {
      if (proof.commitments[t] != roots_[t] ||
          sample_points[t].size() != eval_log_sizes_[t].size()) {
        return PcsError{PcsError::Kind::kShapeMismatch, t};
      }
    }
    if (!SampledValuesMatch(sample_points, proof.sampled_values)) {
      return PcsError{PcsError::Kind::kShapeMismatch};
    }
    return std::nullopt;
  }

  // For each position of `group`'s size (ascending), the combined quotient of the group's columns
  // there. The Merkle check has already matched each tree's queried values to its traversal: log
  // sizes from the largest down, positions ascending, the columns of that size in tree order.
  std::vector<QM31> QuotientAnswers(const ColumnGroup& group, const SamplePoints& sample_points,
                                    std::span<const FriMask> masks,
                                    const std::vector<std::vector<std::vector<QM31>>>& sampled_values,
                                    const std::vector<std::vector<M31>>& queried_values,
                                    const std::vector<hash::QueriesPerLogSize>& tree_queries,
                                    QM31 random_coeff) const {
    const uint32_t s = group.log_size;
    std::vector<std::vector<PointSample>> samples;
    for (const auto& [t, c] : group.columns) {
      samples.push_back(Samples(sample_points[t][c], sampled_values[t][c]));
    }
    const std::vector<BatchConstants> batches =
        PrepareBatches(BatchSamplesByPoint(samples), random_coeff);
    // Each mask coordinate's place among the group's columns, which is its place in `values`.
    std::vector<std::array<size_t, 4>> mask_places;
    for (const FriMask& mask : masks) {
      if (mask.eval_log_size != s) continue;
      std::array<size_t, 4>& places = mask_places.emplace_back();
      for (size_t coord = 0; coord < 4; ++coord) {
        const auto it = std::find(group.columns.begin(), group.columns.end(),
                                  std::pair{mask.tree, mask.columns[coord]});
        assert(it != group.columns.end() && "a mask is a column of its size");
        places[coord] = static_cast<size_t>(it - group.columns.begin());
      }
    }

    // Where each tree's values of size s start, and how many columns of size s it has.
    std::vector<size_t> offset(roots_.size(), 0), n_columns(roots_.size(), 0);
    for (size_t t = 0; t < roots_.size(); ++t) {
      for (const auto& [log_size, positions] : tree_queries[t]) {
        const size_t n = std::count(eval_log_sizes_[t].begin(), eval_log_sizes_[t].end(), log_size);
        if (log_size > s) offset[t] += positions.size() * n;
        if (log_size == s) n_columns[t] = n;
      }
    }
    const circle::CircleDomain domain = circle::CanonicCoset(s).circle_domain();
    const std::vector<size_t>& positions = FirstNonEmpty(tree_queries, s);
    std::vector<QM31> answers;
    std::vector<M31> values;
    for (size_t i = 0; i < positions.size(); ++i) {
      values.clear();
      for (size_t t = 0; t < roots_.size(); ++t) {
        const M31* row = queried_values[t].data() + offset[t] + i * n_columns[t];
        values.insert(values.end(), row, row + n_columns[t]);
      }
      const circle::CirclePoint<M31> point = domain.at(circle::BitReverseIndex(positions[i], s));
      QM31 answer = FriQuotientAtPoint(point, values, batches);
      for (const std::array<size_t, 4>& places : mask_places) {
        answer += QM31::FromM31Array(
            {values[places[0]], values[places[1]], values[places[2]], values[places[3]]});
      }
      answers.push_back(answer);
    }
    return answers;
  }

  static const std::vector<size_t>& FirstNonEmpty(
      const std::vector<hash::QueriesPerLogSize>& tree_queries, uint32_t s) {
    for (const hash::QueriesPerLogSize& queries : tree_queries) {
      if (auto it = queries.find(s); it != queries.end()) return it->second;
    }
    assert(false && "a column group's size is opened by some tree");
    __builtin_unreachable();
  }

  PcsConfig config_;
  std::vector<typename H::Hash> roots_;
  std::vector<std::vector<uint32_t>> eval_log_sizes_;  // per tree, per column
};

}  // namespace tensorstark::fri
