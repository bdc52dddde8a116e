#include "recursion/verifier_circuit.h"

#include <fmt/format.h>

#include <algorithm>
#include <cassert>
#include <map>

#include "air/sample_layout.h"
#include "air/verifier.h"
#include "air/zk_blinding.h"
#include "circle/coset.h"
#include "fri/fri_schedule.h"
#include "hash/poseidon2_m31_channel.h"
#include "recursion/circuit_channel.h"
#include "recursion/composition_circuit.h"
#include "recursion/deep_quotients.h"
#include "recursion/domain_point.h"
#include "recursion/fri_circuit.h"
#include "recursion/logup_circuit.h"
#include "recursion/merkle_path.h"
#include "recursion/qm31_wire.h"
#include "recursion/query_positions.h"

namespace tensorstark::recursion {

using air::kCompositionTree;
using air::kInteractionTree;
using air::kPreprocessedTree;
using air::kTraceTree;
using field::M31;
using field::QM31;

std::variant<InnerAir, std::string> InnerAir::Make(
    std::span<const air::Component* const> components, const air::ProofConfig& config,
    const hash::Poseidon2M31Hash& preprocessed_root, size_t n_public_inputs,
    std::vector<air::PublicLogupTermShape> public_terms) {
  if (config.pcs.fri.log_last_layer_degree_bound != 0) {
    return std::string(
        "the recursion circuit verifies proofs with a constant FRI last layer (the recursive "
        "profile)");
  }
  InnerAir air;
  air.components_.assign(components.begin(), components.end());
  auto proved = air::ProvedComponents(components, config, air.blinded_);
  if (const std::string* error = std::get_if<std::string>(&proved)) return *error;
  air.proved_ = std::get<std::vector<const air::Component*>>(std::move(proved));
  auto layout = air::MakeLayout(air.proved_, config);
  if (const std::string* error = std::get_if<std::string>(&layout)) return *error;
  air.layout_ = std::get<air::AirLayout>(std::move(layout));
  air.config_ = config;
  air.preprocessed_root_ = preprocessed_root;
  air.n_public_inputs_ = std::max(n_public_inputs, air.layout_.n_public_inputs);
  for (const air::PublicLogupTermShape& term : public_terms) {
    const auto relation =
        std::find_if(air.layout_.relations.begin(), air.layout_.relations.end(),
                     [&](const air::Relation& r) { return r.name == term.relation; });
    if (relation == air.layout_.relations.end() || term.values.size() != relation->n_values) {
      return fmt::format("public LogUp term for unknown relation {} or of the wrong width",
                         term.relation);
    }
    for (const air::PublicTermValue& value : term.values) {
      const auto* ref = std::get_if<air::PublicInputRef>(&value);
      if (ref && ref->index >= air.n_public_inputs_) {
        return fmt::format("public LogUp term reads public input {} of {}", ref->index,
                           air.n_public_inputs_);
      }
    }
  }
  air.public_terms_ = std::move(public_terms);

  const uint32_t log_blowup = config.pcs.fri.log_blowup_factor;
  std::vector<std::vector<uint32_t>> eval_log_sizes;
  for (size_t t = 0; t < 4; ++t) {
    for (uint32_t s : air::TreeLogSizes(air.layout_, t)) {
      air.eval_log_sizes_[t].push_back(s + log_blowup);
    }
    eval_log_sizes.push_back(air.eval_log_sizes_[t]);
  }
  air.groups_ = fri::GroupColumnsByLogSize(eval_log_sizes);
  air.masks_ = air::FriMasks(air.layout_, log_blowup);

  // Sample points by value: p shifted by s·step of 2^k points and doubled d times is
  // 2^d·p + 2^d·s·step, so (d, 2^d·s·step) names it whatever p is.
  const air::SampleLayout samples = air::MakeSampleLayout(air.layout_);
  std::vector<std::pair<uint32_t, uint32_t>> derived_keys = {{0, 0}};
  for (const air::DerivedPoint& d : samples.derived) {
    circle::CirclePointIndex shift;
    if (d.offset != 0) {
      const circle::CirclePointIndex step = circle::CanonicCoset(d.log_size).step_size();
      const uint64_t steps = static_cast<uint64_t>(d.offset < 0 ? -d.offset : d.offset);
      shift = d.offset > 0 ? step * steps : -(step * steps);
    }
    derived_keys.emplace_back(d.doublings, (shift * (uint64_t{1} << d.doublings)).value());
  }
  air.sample_points_ = {{0, 0}};
  for (size_t t = 0; t < 4; ++t) {
    for (const std::vector<size_t>& column : samples.ids[t]) {
      std::vector<size_t>& points = air.sample_point_[t].emplace_back();
      for (size_t id : column) {
        auto it = std::find(air.sample_points_.begin(), air.sample_points_.end(), derived_keys[id]);
        if (it == air.sample_points_.end()) {
          it = air.sample_points_.insert(air.sample_points_.end(), derived_keys[id]);
        }
        points.push_back(static_cast<size_t>(it - air.sample_points_.begin()));
      }
    }
    // Columns past the sampled ones (FRI masks, salts) have no samples.
    air.sample_point_[t].resize(air.eval_log_sizes_[t].size());
  }
  return air;
}

std::optional<std::string> InnerAir::CheckShape(const InnerProof& proof) const {
  const fri::PcsProof<InnerHasher>& pcs = proof.pcs;
  if (proof.config != config_) return "the proof's configuration is not the key's";
  if (proof.public_inputs.size() != n_public_inputs_) {
    return fmt::format("the proof states {} public inputs, the key {}", proof.public_inputs.size(),
                       n_public_inputs_);
  }
  if (proof.claimed_sums.size() != proved_.size()) {
    return "the proof has the wrong number of LogUp claimed sums";
  }
  if (pcs.commitments.size() != 4 || pcs.sampled_values.size() != 4 ||
      pcs.queried_values.size() != 4 || pcs.decommitments.size() != 4) {
    return "the proof does not open 4 trees";
  }
  for (size_t t = 0; t < 4; ++t) {
    if (pcs.sampled_values[t].size() != sample_point_[t].size()) {
      return fmt::format("the proof samples tree {} at the wrong number of columns", t);
    }
    for (size_t c = 0; c < sample_point_[t].size(); ++c) {
      if (pcs.sampled_values[t][c].size() != sample_point_[t][c].size()) {
        return fmt::format("the proof samples column {} of tree {} the wrong number of times", c,
                           t);
      }
    }
  }
  std::vector<uint32_t> group_log_sizes;
  for (const fri::ColumnGroup& group : groups_) group_log_sizes.push_back(group.log_size);
  const fri::FriSchedule schedule = fri::MakeFriSchedule(config_.pcs.fri, group_log_sizes);
  if (pcs.fri_proof.inner_layers.size() != schedule.inner_layers.size() ||
      pcs.fri_proof.last_layer_poly.size() != 1) {
    return "the proof's FRI layers do not match the configuration";
  }
  return std::nullopt;
}

std::optional<air::VerificationError> InnerAir::VerifyNatively(
    const InnerProof& proof, InnerOpened* opened, const hash::Poseidon2M31Hash* root) const {
  const std::vector<air::PublicLogupTerm> terms =
      proof.public_inputs.size() == n_public_inputs_
          ? air::InstantiatePublicTerms(public_terms_, proof.public_inputs)
          : std::vector<air::PublicLogupTerm>{};
  return air::Verify<hash::Poseidon2M31Channel, InnerHasher>(
      components_, proof, air::VerifyingKey<InnerHasher>{root ? *root : preprocessed_root_},
      config_.SecurityBits(), terms, n_public_inputs_, opened);
}

// Gates keep a view of what they check: static strings.
constexpr std::array<std::string_view, 4> kMerklePathChecks = {
    "the preprocessed tree's Merkle path", "the trace tree's Merkle path",
    "the interaction tree's Merkle path", "the composition tree's Merkle path"};

// One build of the circuit: the steps of air::Verify in order, each reading its witness (zeros
// without one) and recording its gates.
class VerifierCircuitBuild {
 public:
  // The proof is verified under `root`, or the key's root (a constant) if none.
  VerifierCircuitBuild(CircuitBuilder& builder, const InnerAir& air, const InnerWitness* witness,
                       std::vector<Wire> statement, std::optional<DigestWires> root = std::nullopt)
      : builder_(builder),
        air_(air),
        proof_(witness ? witness->proof : nullptr),
        opened_(witness ? witness->opened : nullptr),
        forged_oods_t_(witness ? witness->forged_oods_t : std::nullopt),
        channel_(builder),
        public_inputs_(std::move(statement)),
        given_root_(std::move(root)) {
    assert(builder.with_values() == (witness != nullptr));
    assert(public_inputs_.size() == air.n_public_inputs_);
  }

  std::vector<Wire> Run() {
    MixStatement();
    roots_[kPreprocessedTree] =
        given_root_ ? *given_root_ : ConstantDigest(air_.preprocessed_root_);
    channel_.MixRoot(roots_[kPreprocessedTree]);
    CommitTree(kTraceTree);
    channel_.CheckProofOfWork(air_.config_.interaction_pow_bits,
                              GuessU64Limbs(builder_, proof_ ? proof_->interaction_pow_nonce : 0));
    const LookupElementWiresMap elements = DrawLookupElements(channel_, air_.layout_.relations);
    const std::vector<Wire> claimed_sums = CheckClaimedSums(elements);
    CommitTree(kInteractionTree);
    const Wire random_coeff = channel_.DrawFelts(1)[0];
    CommitTree(kCompositionTree);
    DrawOodsPoint();
    GuessSampledValues();
    CheckComposition(random_coeff, elements, claimed_sums);
    VerifyOpenings();
    return public_inputs_;
  }

 private:
  // air::MixStatement with the public inputs as wires (PackM31s: zeros to a multiple of 4).
  void MixStatement() {
    air::MixStatementWith(
        channel_, air_.config_, air_.n_public_inputs_,
        [&] {
          std::vector<Wire> words = public_inputs_;
          while (words.size() % 4 != 0) words.push_back(builder_.Constant(QM31::Zero()));
          channel_.MixWords(words);
        },
        air_.proved_);
  }

  void CommitTree(size_t tree) {
    roots_[tree] =
        GuessDigest(builder_, proof_ ? proof_->pcs.commitments[tree] : hash::Poseidon2M31Hash());
    channel_.MixRoot(roots_[tree]);
  }

  std::vector<Wire> CheckClaimedSums(const LookupElementWiresMap& elements) {
    std::vector<Wire> sums, coordinates;
    for (size_t i = 0; i < air_.proved_.size(); ++i) {
      const GuessedQM31 sum = GuessQM31(builder_, proof_ ? proof_->claimed_sums[i] : QM31());
      sums.push_back(sum.value);
      coordinates.insert(coordinates.end(), sum.coordinates.begin(), sum.coordinates.end());
    }
    std::vector<PublicLogupTermWires> terms;
    for (const air::PublicLogupTermShape& shape : air_.public_terms_) {
      PublicLogupTermWires& term = terms.emplace_back();
      term.relation = shape.relation;
      term.multiplicity = shape.multiplicity;
      for (const air::PublicTermValue& value : shape.values) {
        const auto* ref = std::get_if<air::PublicInputRef>(&value);
        term.values.push_back(ref ? public_inputs_[ref->index]
                                  : builder_.Constant(QM31(std::get<M31>(value))));
      }
    }
    CheckLogupSums(air_.layout_, sums, terms, elements);
    channel_.MixWords(coordinates);
    return sums;
  }

  // p = ((1 - t²)/(1 + t²), 2t/(1 + t²)), CirclePoint::FromT, and the sample points derived from
  // it, each refused where the native DrawnOodsSample refuses it.
  void DrawOodsPoint() {
    Wire t = channel_.DrawFelts(1)[0];
    if (forged_oods_t_) t = builder_.Guess(ValueType::kQM31, *forged_oods_t_);
    const Wire t2 = t * t;
    const Wire inverse = InverseOf(t2 + QM31::One(), "the out-of-domain point's 1 + t²");
    oods_ = {(QM31::One() - t2) * inverse, (t + t) * inverse};
    sample_points_ = SamplePoints();
    for (const PointWires& point : sample_points_) {
      AssertOutsideCM31(builder_, point.y,
                        "a sample point's y lies outside CM31 (no degenerate out-of-domain point)");
    }
  }

  void GuessSampledValues() {
    for (size_t t = 0; t < 4; ++t) {
      auto& columns = sampled_.emplace_back();
      for (size_t c = 0; c < air_.sample_point_[t].size(); ++c) {
        auto& samples = columns.emplace_back();
        for (size_t k = 0; k < air_.sample_point_[t][c].size(); ++k) {
          const GuessedQM31 v =
              GuessQM31(builder_, proof_ ? proof_->pcs.sampled_values[t][c][k] : QM31());
          samples.push_back(v.value);
          sampled_coordinates_.insert(sampled_coordinates_.end(), v.coordinates.begin(),
                                      v.coordinates.end());
        }
      }
    }
  }

  void CheckComposition(Wire random_coeff, const LookupElementWiresMap& elements,
                        std::span<const Wire> claimed_sums) {
    std::vector<Wire> chunks;
    for (size_t j = 0; j < 4 * air_.layout_.n_composition_chunks(); ++j) {
      chunks.push_back(sampled_[kCompositionTree][j][0]);
    }
    std::array<Wire, 4> basis;
    for (size_t k = 0; k < 4; ++k) basis[k] = builder_.Constant(QM31::Basis()[k]);
    const Wire recombined = air::RecombineCompositionOf<Wire>(air_.layout_, chunks, oods_.x, basis);
    const Wire composition =
        CompositionAtPoint(air_.proved_, air_.layout_, sampled_, oods_.x, random_coeff,
                           public_inputs_, elements, claimed_sums);
    builder_.AssertEqual(recombined, composition,
                         "the composition matches the constraints at the out-of-domain point");
  }

  // CommitmentSchemeVerifier::Verify.
  void VerifyOpenings() {
    const fri::PcsConfig& pcs = air_.config_.pcs;
    channel_.MixWords(sampled_coordinates_);
    const Wire random_coeff = channel_.DrawFelts(1)[0];
    std::vector<uint32_t> group_log_sizes;
    for (const fri::ColumnGroup& group : air_.groups_) group_log_sizes.push_back(group.log_size);
    const FriCommitWires fri =
        CommitFri(channel_, pcs.fri, group_log_sizes, proof_ ? &proof_->pcs.fri_proof : nullptr);
    channel_.CheckProofOfWork(pcs.pow_bits,
                              GuessU64Limbs(builder_, proof_ ? proof_->pcs.proof_of_work : 0));
    const uint32_t max_log_size = group_log_sizes.front();
    const std::vector<std::vector<Wire>> queries =
        DrawQueryPositions(channel_, max_log_size, pcs.fri.n_queries);

    std::vector<std::vector<BatchWires>> batches;
    for (const fri::ColumnGroup& group : air_.groups_) {
      batches.push_back(
          PrepareBatches(builder_, GroupBatches(group, sample_points_), random_coeff));
    }
    std::vector<size_t> positions;
    for (const std::vector<Wire>& bits : queries) positions.push_back(PositionOf(bits));
    std::array<hash::QueriesPerLogSize, 4> tree_queries;
    std::vector<size_t> sorted = positions;
    std::sort(sorted.begin(), sorted.end());
    for (size_t t = 0; t < 4; ++t) {
      tree_queries[t] = fri::TreeQueries(sorted, max_log_size, air_.eval_log_sizes_[t]);
    }

    for (size_t q = 0; q < queries.size(); ++q) {
      const std::span<const Wire> bits = queries[q];
      auto bits_at = [&](uint32_t m) { return bits.subspan(max_log_size - m, m); };
      std::array<std::vector<Wire>, 4> values;  // per tree, its columns' values at the query
      for (size_t t = 0; t < 4; ++t) {
        const std::vector<uint32_t>& sizes = air_.eval_log_sizes_[t];
        if (sizes.empty()) continue;
        const uint32_t tree_log_size = *std::max_element(sizes.begin(), sizes.end());
        for (M31 v : TreeValuesAt(t, tree_queries[t], positions[q], max_log_size)) {
          values[t].push_back(GuessM31(v));
        }
        const size_t leaf = positions[q] >> (max_log_size - tree_log_size);
        std::vector<hash::Poseidon2M31Hash> siblings(tree_log_size);
        if (opened_ && opened_->tree_nodes.size() == 4) {
          siblings = PathSiblings(opened_->tree_nodes[t], tree_log_size, leaf);
        }
        AssertMerklePath(roots_[t], sizes, bits_at(tree_log_size),
                         {values[t], GuessSiblings(builder_, siblings)}, kMerklePathChecks[t]);
      }
      std::vector<Wire> first_layer;
      for (size_t g = 0; g < air_.groups_.size(); ++g) {
        first_layer.push_back(QuotientAt(air_.groups_[g], batches[g], values, bits_at));
      }
      CheckFriQuery(fri, bits, first_layer,
                    QueryOpening(fri.schedule, opened_ ? &opened_->fri : nullptr, positions[q]));
    }
  }

  // Every sample point: 2^d·p + s, the doublings shared.
  std::vector<PointWires> SamplePoints() const {
    std::map<uint32_t, PointWires> doubled = {{0, oods_}};
    std::vector<PointWires> points;
    for (const auto& [doublings, shift] : air_.sample_points_) {
      auto it = doubled.find(doublings);
      if (it == doubled.end()) {
        PointWires p = oods_;
        for (uint32_t d = 0; d < doublings; ++d) p = Doubled(p);
        it = doubled.emplace(doublings, p).first;
      }
      points.push_back(shift == 0 ? it->second
                                  : Plus(it->second, circle::CirclePointIndex(shift).ToPoint()));
    }
    return points;
  }

  // fri::BatchSamplesByPoint over the group's columns: batches in order of their points' first
  // samples, each column numbered by its place in the group.
  std::vector<SampleBatchWires> GroupBatches(const fri::ColumnGroup& group,
                                             const std::vector<PointWires>& points) const {
    std::vector<SampleBatchWires> batches;
    std::map<size_t, size_t> batch_of_point;
    for (size_t i = 0; i < group.columns.size(); ++i) {
      const auto [t, c] = group.columns[i];
      for (size_t k = 0; k < air_.sample_point_[t][c].size(); ++k) {
        const size_t point = air_.sample_point_[t][c][k];
        const auto [it, first] = batch_of_point.emplace(point, batches.size());
        if (first) batches.push_back({points[point].x, points[point].y, {}});
        batches[it->second].columns_and_values.emplace_back(i, sampled_[t][c][k]);
      }
    }
    return batches;
  }

  // The group's combined DEEP quotient at the query, with the zero-knowledge masks of its size.
  template <class BitsAt>
  Wire QuotientAt(const fri::ColumnGroup& group, std::span<const BatchWires> batches,
                  const std::array<std::vector<Wire>, 4>& tree_values,
                  const BitsAt& bits_at) const {
    std::vector<Wire> values;
    for (const auto& [t, c] : group.columns) values.push_back(tree_values[t][c]);
    Wire quotient = CombinedQuotientAt(CanonicDomainPoint(group.log_size, bits_at(group.log_size)),
                                       values, batches);
    for (const fri::FriMask& mask : air_.masks_) {
      if (mask.eval_log_size != group.log_size) continue;
      const std::vector<Wire>& columns = tree_values[mask.tree];
      quotient = quotient + FromCoordinates({columns[mask.columns[0]], columns[mask.columns[1]],
                                             columns[mask.columns[2]], columns[mask.columns[3]]});
    }
    return quotient;
  }

  // The tree's columns' values (commit order) at a query, from the proof's queried values in the
  // Merkle traversal's order: log sizes from the largest down, positions ascending, the columns
  // of one size in tree order. What the proof lacks is zero (the Merkle check then fails).
  std::vector<M31> TreeValuesAt(size_t tree, const hash::QueriesPerLogSize& queries,
                                size_t position, uint32_t max_log_size) const {
    const std::vector<uint32_t>& sizes = air_.eval_log_sizes_[tree];
    std::vector<M31> values(sizes.size());
    if (!proof_) return values;
    const std::vector<M31>& queried = proof_->pcs.queried_values[tree];
    std::map<uint32_t, size_t, std::greater<>> n_columns;
    for (uint32_t s : sizes) ++n_columns[s];
    std::map<uint32_t, size_t> start, rank;  // per size: where its values begin; next column
    size_t offset = 0;
    for (const auto& [s, n] : n_columns) {
      start[s] = offset;
      const auto it = queries.find(s);
      offset += (it == queries.end() ? 0 : it->second.size()) * n;
    }
    for (size_t c = 0; c < sizes.size(); ++c) {
      const uint32_t s = sizes[c];
      const std::vector<size_t>& at_size = queries.at(s);
      const size_t row = static_cast<size_t>(
          std::lower_bound(at_size.begin(), at_size.end(), position >> (max_log_size - s)) -
          at_size.begin());
      const size_t index = start[s] + row * n_columns[s] + rank[s]++;
      if (index < queried.size()) values[c] = queried[index];
    }
    return values;
  }

  size_t PositionOf(std::span<const Wire> bits) const {
    size_t position = 0;
    for (size_t i = 0; builder_.with_values() && i < bits.size(); ++i) {
      position |= size_t{bits[i].value() == QM31::One()} << i;
    }
    return position;
  }

  Wire GuessM31(M31 v) { return builder_.Guess(ValueType::kM31, QM31(v)); }
  DigestWires ConstantDigest(const hash::Poseidon2M31Hash& digest) {
    DigestWires wires;
    for (size_t w = 0; w < wires.size(); ++w) wires[w] = builder_.Constant(QM31(digest.words[w]));
    return wires;
  }

  CircuitBuilder& builder_;
  const InnerAir& air_;
  const InnerProof* proof_;
  const InnerOpened* opened_;
  std::optional<QM31> forged_oods_t_;
  CircuitChannel channel_;
  std::vector<Wire> public_inputs_;
  std::optional<DigestWires> given_root_;
  std::array<DigestWires, 4> roots_;
  PointWires oods_;
  std::vector<PointWires> sample_points_;  // as InnerAir::sample_points_ names them
  SampledValueWires sampled_;              // [tree][column][sample]
  std::vector<Wire> sampled_coordinates_;
};

std::vector<Wire> StatementInputs(CircuitBuilder& builder, std::span<const M31> values) {
  std::vector<Wire> inputs, copies;
  for (M31 value : values) inputs.push_back(builder.PublicInput(value));
  for (const Wire& input : inputs) copies.push_back(builder.Copy(input));
  return copies;
}

std::vector<M31> StatementValues(const InnerAir& air, const InnerWitness* witness) {
  std::vector<M31> values(air.n_public_inputs());
  if (witness) {
    const std::vector<M31>& stated = witness->proof->public_inputs;
    std::copy_n(stated.begin(), std::min(values.size(), stated.size()), values.begin());
  }
  return values;
}

std::vector<Wire> VerifyInCircuit(CircuitBuilder& builder, const InnerAir& air,
                                  const InnerWitness* witness, std::span<const Wire> statement) {
  std::vector<Wire> wires(statement.begin(), statement.end());
  if (wires.empty()) wires = StatementInputs(builder, StatementValues(air, witness));
  return VerifierCircuitBuild(builder, air, witness, std::move(wires)).Run();
}

void VerifyInCircuitUnderRoot(CircuitBuilder& builder, const InnerAir& air,
                              const InnerWitness* witness, std::span<const Wire> statement,
                              const DigestWires& root) {
  assert(statement.size() == air.n_public_inputs());
  VerifierCircuitBuild(builder, air, witness, {statement.begin(), statement.end()}, root).Run();
}

}  // namespace tensorstark::recursion
