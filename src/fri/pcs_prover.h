// The prover side of the polynomial commitment scheme (protocol reference §5): commits trees of
// polynomials by their low-degree extensions, then opens them at out-of-domain points — samples,
// DEEP quotients (quotients.h), FRI (fri_prover.h), proof of work and the queried columns.
#pragma once

#include <tbb/parallel_for.h>

#include <algorithm>
#include <bit>
#include <cassert>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "circle/basis_at_point.h"
#include "circle/circle_point.h"
#include "circle/circle_poly.h"
#include "circle/column_storage.h"
#include "circle/coset.h"
#include "circle/fft.h"
#include "circle/twiddles.h"
#include "fri/config.h"
#include "fri/fri_prover.h"
#include "fri/pcs_common.h"
#include "fri/proof.h"
#include "fri/quotients.h"
#include "hash/channel.h"
#include "hash/merkle_prover.h"
#include "hash/proof_of_work.h"
#include "hash/queries.h"

namespace tensorstark::fri {

// Wall time of the opening phases, and the grinding time within them.
struct PcsProveTimings {
  std::vector<std::pair<std::string, double>> phases_ms;
  double grind_ms = 0;
  // Called as each phase ends (progress output), when set.
  std::function<void(const std::string& phase, double ms)> on_phase;
};

// A committed tree: the polynomials, their low-degree extensions and the Merkle tree over them.
// A zero-knowledge prover's tree also holds salt columns: random values after the extensions,
// which make every Merkle leaf hiding and are never sampled.
template <hash::MerkleLayerHasher H>
struct CommittedTree {
  std::vector<circle::CirclePoly> polys;
  circle::ColumnStorage storage;  // the memory of `evaluations`
  // On CanonicCoset(log + blowup), bit-reversed: the polynomials', then the salts.
  std::vector<std::span<const M31>> evaluations;
  std::optional<hash::MerkleProver<H>> merkle;
};

// Commits polynomials by their evaluations on CanonicCoset(log + log_blowup), followed by
// `salts` as they are. `twiddles` must serve those domains.
template <hash::MerkleLayerHasher H>
CommittedTree<H> CommitPolysToTree(std::vector<circle::CirclePoly> polys, uint32_t log_blowup,
                                   const circle::TwiddleTree& twiddles,
                                   const std::vector<std::vector<M31>>& salts = {}) {
  CommittedTree<H> tree;
  std::vector<size_t> sizes;
  for (const circle::CirclePoly& poly : polys) {
    sizes.push_back(size_t{1} << (poly.log_size() + log_blowup));
  }
  for (const std::vector<M31>& salt : salts) sizes.push_back(salt.size());
  // The FFT is the first to write the storage, so with several threads its pages fault in in
  // parallel.
  tree.storage = circle::ColumnStorage(sizes);
  tbb::parallel_for(size_t{0}, polys.size(), [&](size_t i) {
    const std::span<M31> values = tree.storage.column(i);
    const uint32_t log_size = std::bit_width(values.size()) - 1;
    circle::CircleFftExtend(polys[i].coeffs(), values,
                            circle::CanonicCoset(log_size).circle_domain(), twiddles);
  });
  for (size_t i = 0; i < salts.size(); ++i) {
    std::copy(salts[i].begin(), salts[i].end(), tree.storage.column(polys.size() + i).begin());
  }
  tree.evaluations = tree.storage.Columns();
  tree.merkle.emplace(hash::MerkleProver<H>::Commit(tree.evaluations));
  tree.polys = std::move(polys);
  return tree;
}

// The same for columns given as evaluations on their trace domains
// (CanonicCoset(log).circle_domain(), bit-reversed; each length a power of two ≥ 2).
template <hash::MerkleLayerHasher H>
CommittedTree<H> CommitEvaluationsToTree(std::vector<std::vector<M31>> columns, uint32_t log_blowup,
                                         const circle::TwiddleTree& twiddles) {
  tbb::parallel_for(size_t{0}, columns.size(), [&](size_t i) {
    std::vector<M31>& values = columns[i];
    const uint32_t log_size = std::bit_width(values.size()) - 1;
    circle::CircleIfft(values, circle::CanonicCoset(log_size).circle_domain(), twiddles);
  });
  std::vector<circle::CirclePoly> polys;
  polys.reserve(columns.size());
  for (std::vector<M31>& coeffs : columns) polys.emplace_back(std::move(coeffs));
  return CommitPolysToTree<H>(std::move(polys), log_blowup, twiddles);
}

template <hash::Channel C, hash::MerkleLayerHasher H>
class CommitmentSchemeProver {
  static_assert(std::is_same_v<typename C::Hash, typename H::Hash>);

 public:
  using Tree = CommittedTree<H>;

  // `twiddles` must serve every canonic domain up to the largest evaluation domain.
  CommitmentSchemeProver(const PcsConfig& config, const circle::TwiddleTree& twiddles)
      : config_(config), twiddles_(twiddles) {}

  const PcsConfig& config() const { return config_; }
  const circle::TwiddleTree& twiddles() const { return twiddles_; }
  size_t n_trees() const { return trees_.size(); }
  const Tree& tree(size_t i) const { return *trees_[i]; }

  void CommitEvaluations(std::vector<std::vector<M31>> columns, C& channel) {
    Commit(std::make_shared<const Tree>(CommitEvaluationsToTree<H>(
               std::move(columns), config_.fri.log_blowup_factor, twiddles_)),
           channel);
  }

  void CommitPolys(std::vector<circle::CirclePoly> polys, C& channel,
                   const std::vector<std::vector<M31>>& salts = {}) {
    Commit(std::make_shared<const Tree>(CommitPolysToTree<H>(
               std::move(polys), config_.fri.log_blowup_factor, twiddles_, salts)),
           channel);
  }

  // Also a tree committed before (a proving key's preprocessed tree), at this configuration's
  // blowup.
  void Commit(std::shared_ptr<const Tree> tree, C& channel) {
    channel.MixRoot(tree->merkle->root());
    trees_.push_back(std::move(tree));
  }

  // Opens every committed polynomial at its sample points: sample_points[tree][column] lists the
  // points, in the order the verifier lists them (none for salts). `masks` are added to the DEEP
  // quotients of their sizes.
  PcsProof<H> Prove(const SamplePoints& sample_points, C& channel,
                    PcsProveTimings* timings = nullptr, std::span<const FriMask> masks = {}) const {
    assert(sample_points.size() == trees_.size());
    using Clock = std::chrono::steady_clock;
    Clock::time_point phase_start = Clock::now();
    auto end_phase = [&](const char* name) {
      const Clock::time_point now = Clock::now();
      const double ms = std::chrono::duration<double, std::milli>(now - phase_start).count();
      if (timings) {
        timings->phases_ms.emplace_back(name, ms);
        if (timings->on_phase) timings->on_phase(name, ms);
      }
      phase_start = now;
      return ms;
    };
    PcsProof<H> proof;
    proof.config = config_;
    for (const auto& tree : trees_) proof.commitments.push_back(tree->merkle->root());

    // Out-of-domain samples (§5.3), mixed into the channel.
    proof.sampled_values.resize(trees_.size());
    std::vector<std::pair<size_t, size_t>> columns;  // (tree, column)
    for (size_t t = 0; t < trees_.size(); ++t) {
      assert(sample_points[t].size() == trees_[t]->evaluations.size());
      proof.sampled_values[t].resize(trees_[t]->evaluations.size());
      for (size_t c = 0; c < trees_[t]->evaluations.size(); ++c) {
        assert(c < trees_[t]->polys.size() || sample_points[t][c].empty());
        proof.sampled_values[t][c].resize(sample_points[t][c].size());
        columns.emplace_back(t, c);
      }
    }
    // Columns opened at the same point and of the same size share the basis values there.
    std::map<std::pair<std::array<uint32_t, 8>, uint32_t>, std::vector<std::array<size_t, 3>>>
        openings;  // (point, log size) → (tree, column, sample)
    std::map<std::pair<std::array<uint32_t, 8>, uint32_t>, circle::CirclePoint<QM31>> points;
    for (const auto& [t, c] : columns) {
      for (size_t s = 0; s < sample_points[t][c].size(); ++s) {
        const auto key =
            std::pair{PointKey(sample_points[t][c][s]), trees_[t]->polys[c].log_size()};
        openings[key].push_back({t, c, s});
        points.emplace(key, sample_points[t][c][s]);
      }
    }
    for (const auto& [key, members] : openings) {
      const circle::BasisAtPoint basis(points.at(key), key.second);
      tbb::parallel_for(size_t{0}, members.size(), [&](size_t i) {
        const auto [t, c, s] = members[i];
        proof.sampled_values[t][c][s] = basis.Evaluate(trees_[t]->polys[c].coeffs());
      });
    }
    channel.MixFelts(FlattenSamples(proof.sampled_values));
    const QM31 random_coeff = channel.DrawFelt();
    end_phase("out-of-domain samples");

    // DEEP quotients (§5.4), one per evaluation size in decreasing order, then FRI (§4).
    const std::vector<ColumnGroup> groups = GroupColumnsByLogSize(EvaluationLogSizes());
    std::vector<SecureColumn> quotients(groups.size());
    for (size_t g = 0; g < groups.size(); ++g) {
      std::vector<std::span<const M31>> evals;
      std::vector<std::vector<PointSample>> samples;
      for (const auto& [t, c] : groups[g].columns) {
        evals.push_back(trees_[t]->evaluations[c]);
        samples.push_back(Samples(sample_points[t][c], proof.sampled_values[t][c]));
      }
      quotients[g] =
          ComputeFriQuotient(circle::CanonicCoset(groups[g].log_size).circle_domain(), evals,
                             PrepareBatches(BatchSamplesByPoint(samples), random_coeff));
      for (const FriMask& mask : masks) {
        if (mask.eval_log_size != groups[g].log_size) continue;
        tbb::parallel_for(size_t{0}, size_t{4}, [&](size_t coord) {
          std::vector<M31>& sum = quotients[g].coords[coord];
          const std::span<const M31> values = trees_[mask.tree]->evaluations[mask.columns[coord]];
          for (size_t i = 0; i < sum.size(); ++i) sum[i] += values[i];
        });
      }
    }
    end_phase("DEEP quotients");
    FriProver<C, H> fri_prover =
        FriProver<C, H>::Commit(channel, config_.fri, std::move(quotients));
    end_phase("FRI commit");

    // Proof of work (§5.5), then the queries (§4.5).
    proof.proof_of_work = hash::GrindProofOfWork(channel, config_.pow_bits);
    channel.MixU64(proof.proof_of_work);
    const double grind_ms = end_phase("proof of work");
    if (timings) timings->grind_ms += grind_ms;
    const uint32_t max_log_size = groups.front().log_size;
    const std::vector<size_t> queries =
        hash::DrawQueryPositions(channel, max_log_size, config_.fri.n_queries);
    proof.fri_proof = fri_prover.Decommit(queries);
    DecommitTrees(queries, max_log_size, proof.queried_values, proof.decommitments);
    end_phase("decommit");
    return proof;
  }

 private:
  void DecommitTrees(std::span<const size_t> queries, uint32_t max_log_size,
                     std::vector<std::vector<M31>>& queried_values,
                     std::vector<hash::MerkleDecommitment<H>>& decommitments) const {
    for (const auto& tree_ptr : trees_) {
      const Tree& tree = *tree_ptr;
      auto [values, decommitment] = tree.merkle->Decommit(
          TreeQueries(queries, max_log_size, ColumnLogSizes(tree)), tree.evaluations);
      queried_values.push_back(std::move(values));
      decommitments.push_back(std::move(decommitment));
    }
  }

  static std::vector<uint32_t> ColumnLogSizes(const Tree& tree) {
    std::vector<uint32_t> log_sizes;
    for (std::span<const M31> e : tree.evaluations) {
      log_sizes.push_back(std::bit_width(e.size()) - 1);
    }
    return log_sizes;
  }
  std::vector<std::vector<uint32_t>> EvaluationLogSizes() const {
    std::vector<std::vector<uint32_t>> log_sizes;
    for (const auto& tree : trees_) log_sizes.push_back(ColumnLogSizes(*tree));
    return log_sizes;
  }

  PcsConfig config_;
  const circle::TwiddleTree& twiddles_;
  std::vector<std::shared_ptr<const Tree>> trees_;
};

}  // namespace tensorstark::fri
