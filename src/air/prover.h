// Prove (protocol reference §8.1, §8.2): commits the preprocessed, main and interaction traces,
// builds and commits the composition polynomial, and opens everything at a random out-of-domain
// point through the commitment scheme. The transcript:
//   statement (config, public inputs, component sizes) → root 0 → root 1 → interaction proof of
//   work → LogUp challenges → claimed sums → root 2 → composition coefficient → root 3 →
//   OODS point → PCS (samples, quotient coefficient, FRI, proof of work, queries).
#pragma once

#include <fmt/format.h>
#include <tbb/parallel_for.h>

#include <bit>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "air/component.h"
#include "air/composition.h"
#include "air/errors.h"
#include "air/layout.h"
#include "air/preprocessed.h"
#include "air/proof.h"
#include "air/setup.h"
#include "air/zk_blinding.h"
#include "air/zk_prover.h"
#include "circle/doubling.h"
#include "circle/twiddles.h"
#include "fri/pcs_prover.h"
#include "hash/channel.h"
#include "hash/families.h"
#include "hash/proof_of_work.h"
#include "hash/random_stream.h"

namespace tensorstark::air {

// Wall time of each proving phase, in order, and the grinding time within them.
struct ProveTimings {
  std::vector<std::pair<std::string, double>> phases_ms;
  double grind_ms = 0;
  // Called as each phase ends (progress output), when set.
  std::function<void(const std::string& phase, double ms)> on_phase;
};

struct ProveOptions {
  ProveTimings* timings = nullptr;
  // The out-of-domain self-check. Only the soundness tests turn it off, to obtain the proof a
  // cheating prover would send for a trace that violates the constraints.
  bool check_constraints = true;
  // The statement's length when it holds values no component reads (a model's inputs and
  // outputs, which only the verifier's public LogUp terms use); 0: exactly what they read.
  size_t n_public_inputs = 0;
  // Zero-knowledge mode (config.zk): the secret seed of the proof's randomness, fresh from the
  // operating system unless given (tests fix it to compare proofs).
  std::optional<hash::RandomSeed> zk_seed = std::nullopt;
  // Only the soundness tests set it: the out-of-domain parameter t taken in place of the drawn
  // one, degenerate or not, as by a cheating prover that ground its composition root until the
  // draw was t; the proof shows that verifiers refuse what such a prover sends.
  std::optional<QM31> forged_oods_t = std::nullopt;
};

template <class Pcs>
CommittedTrees Committed(const Pcs& pcs) {
  CommittedTrees trees{.log_blowup = pcs.config().fri.log_blowup_factor,
                       .twiddles = &pcs.twiddles()};
  for (size_t t = 0; t < 3; ++t) {
    trees.polys[t] = &pcs.tree(t).polys;
    trees.evaluations[t] = &pcs.tree(t).evaluations;
  }
  return trees;
}

// With a proving key (setup.h) for these components and configuration, its preprocessed tree
// is used as it is instead of being committed again.
template <hash::Channel C, hash::MerkleLayerHasher H>
std::variant<StarkProof<H>, ProvingError> Prove(const ProofConfig& config,
                                                std::span<const Component* const> components,
                                                std::vector<std::vector<std::vector<M31>>> traces,
                                                std::vector<M31> public_inputs,
                                                const ProveOptions& options = {},
                                                const ProvingKey<H>* key = nullptr) {
  ProveTimings* timings = options.timings;
  using Clock = std::chrono::steady_clock;
  Clock::time_point phase_start = Clock::now();
  auto end_phase = [&](const char* name) {
    const Clock::time_point now = Clock::now();
    if (timings) {
      const double ms = std::chrono::duration<double, std::milli>(now - phase_start).count();
      timings->phases_ms.emplace_back(name, ms);
      if (timings->on_phase) timings->on_phase(name, ms);
    }
    phase_start = now;
  };

  const hash::RandomSeed zk_seed =
      config.zk ? options.zk_seed.value_or(hash::FreshRandomSeed()) : hash::RandomSeed{};
  std::vector<std::unique_ptr<Component>> blinded;
  auto proved = ProvedComponents(components, config, blinded);
  if (const std::string* error = std::get_if<std::string>(&proved)) {
    return ProvingError{ProvingError::Kind::kInvalidAir, *error};
  }
  if (config.zk) AppendZkBlindingColumns(components, traces, zk_seed);
  components = std::get<std::vector<const Component*>>(proved);
  auto layout_or_error = MakeLayout(components, config);
  if (const std::string* error = std::get_if<std::string>(&layout_or_error)) {
    return ProvingError{ProvingError::Kind::kInvalidAir, *error};
  }
  const AirLayout& layout = std::get<AirLayout>(layout_or_error);
  if (auto error = CheckTraces(components, layout, traces)) {
    return ProvingError{ProvingError::Kind::kInvalidTrace, *error};
  }
  const size_t n_public_inputs = std::max(layout.n_public_inputs, options.n_public_inputs);
  if (public_inputs.size() != n_public_inputs) {
    return ProvingError{ProvingError::Kind::kInvalidTrace,
                        fmt::format("{} public inputs given, the AIR reads {}",
                                    public_inputs.size(), n_public_inputs)};
  }
  const uint32_t log_blowup = config.pcs.fri.log_blowup_factor;
  const circle::TwiddleTree twiddles = circle::TwiddleTree::ForCanonicDomains(
      std::max(layout.composition_log_size, layout.chunk_log_size + log_blowup));
  end_phase("setup");

  C channel;
  MixStatement(channel, config, public_inputs, components);
  // Held by pointer so that freeing its buffers (GiBs at large sizes) is timed as its own phase.
  auto pcs_owner = std::make_unique<fri::CommitmentSchemeProver<C, H>>(config.pcs, twiddles);
  fri::CommitmentSchemeProver<C, H>& pcs = *pcs_owner;

  // Zero-knowledge mode: trace-domain columns become randomized polynomials (tree 1 then gets the
  // FRI masks too), and every tree after the preprocessed one its salts.
  auto commit_columns = [&](std::vector<std::vector<M31>> columns, size_t tree) {
    if (!config.zk) {
      pcs.CommitEvaluations(std::move(columns), channel);
      return;
    }
    std::vector<circle::CirclePoly> polys =
        RandomizeColumns(std::move(columns), layout.column_log_sizes[tree],
                         layout.zk_randomizer_log_size, twiddles, zk_seed,
                         tree == kTraceTree ? ZkStream::kTrace : ZkStream::kInteraction);
    if (tree == kTraceTree) {
      const std::span<const uint32_t> sizes = layout.column_log_sizes[kTraceTree];
      for (circle::CirclePoly& mask : RandomPolys(sizes.subspan(layout.mask_begin), zk_seed)) {
        polys.push_back(std::move(mask));
      }
    }
    pcs.CommitPolys(std::move(polys), channel,
                    SaltColumns(layout.salt_log_sizes[tree], log_blowup, tree, zk_seed));
  };

  // Tree 0: preprocessed columns; tree 1: the main trace. Components with relations keep their
  // trace-domain values for the interaction trace, and so do those whose columns others borrow.
  const std::vector<std::vector<M31>> preprocessed = GeneratePreprocessedTrace(components, layout);
  if (key) {
    std::vector<uint32_t> key_log_sizes;
    for (const circle::CirclePoly& poly : key->preprocessed->polys) {
      key_log_sizes.push_back(poly.log_size());
    }
    if (key->log_blowup != log_blowup || key_log_sizes != layout.column_log_sizes[0]) {
      return ProvingError{ProvingError::Kind::kInvalidAir,
                          "the proving key is for another AIR or configuration"};
    }
    pcs.Commit(key->preprocessed, channel);
  } else {
    pcs.CommitEvaluations(preprocessed, channel);
  }
  std::vector<std::vector<std::vector<M31>>> kept(components.size());
  std::vector<bool> lent(components.size(), false);
  for (const ComponentLayout& c : layout.components) {
    for (const TraceColumnRead& read : c.trace_reads) {
      if (read.borrowed) lent[read.owner] = true;
    }
  }
  std::vector<std::vector<M31>> main_columns;
  for (size_t i = 0; i < components.size(); ++i) {
    if (!layout.components[i].info.relations.empty() || lent[i]) kept[i] = traces[i];
    for (std::vector<M31>& column : traces[i]) main_columns.push_back(std::move(column));
  }
  traces.clear();
  commit_columns(std::move(main_columns), kTraceTree);
  end_phase("commit main trace");

  // Tree 2: LogUp, after a proof of work that makes grinding the challenges expensive.
  StarkProof<H> proof;
  proof.config = config;
  proof.public_inputs = public_inputs;
  const Clock::time_point grind_start = Clock::now();
  proof.interaction_pow_nonce = hash::GrindProofOfWork(channel, config.interaction_pow_bits);
  if (timings) {
    timings->grind_ms +=
        std::chrono::duration<double, std::milli>(Clock::now() - grind_start).count();
  }
  channel.MixU64(proof.interaction_pow_nonce);
  const LookupElementsMap elements = DrawLookupElements(channel, layout.relations);
  std::vector<std::vector<M31>> interaction_columns;
  proof.claimed_sums.assign(components.size(), QM31());
  for (size_t i = 0; i < components.size(); ++i) {
    const ComponentLayout& c = layout.components[i];
    if (c.info.relations.empty()) continue;
    ColumnsView view;
    const uint32_t log_size = components[i]->log_size();
    std::vector<std::vector<M31>> repeated;  // columns the component reads periodically
    repeated.reserve(c.preprocessed.size() + c.trace_reads.size());
    const auto add_periodic = [&](size_t tree, const std::vector<M31>& column) {
      if (column.size() == size_t{1} << log_size) {
        view.trees[tree].push_back(column);
        return;
      }
      repeated.emplace_back(size_t{1} << log_size);
      circle::ExpandDoubled(column, log_size - std::countr_zero(column.size()), repeated.back());
      view.trees[tree].push_back(repeated.back());
    };
    for (size_t index : c.preprocessed) add_periodic(kPreprocessedTree, preprocessed[index]);
    for (const TraceColumnRead& read : c.trace_reads) {
      add_periodic(kTraceTree, kept[read.owner][read.owner_column]);
    }
    InteractionTrace interaction = components[i]->GenerateInteractionTrace(
        view, EvalContext{public_inputs, &elements, QM31()});
    proof.claimed_sums[i] = interaction.claimed_sum;
    for (std::vector<M31>& column : interaction.columns) {
      interaction_columns.push_back(std::move(column));
    }
    if (!lent[i]) kept[i].clear();
  }
  kept.clear();
  channel.MixFelts(proof.claimed_sums);
  commit_columns(std::move(interaction_columns), kInteractionTree);
  end_phase("interaction trace");

  // Tree 3: the composition polynomial, split into chunks.
  const QM31 random_coeff = channel.DrawFelt();
  pcs.CommitPolys(ComputeComposition(components, layout, Committed(pcs), random_coeff,
                                     public_inputs, elements, proof.claimed_sums),
                  channel,
                  config.zk ? SaltColumns(layout.salt_log_sizes[kCompositionTree], log_blowup,
                                          kCompositionTree, zk_seed)
                            : std::vector<std::vector<M31>>{});
  end_phase("composition");

  // Openings at the out-of-domain point.
  std::optional<OodsSample> oods = DrawnOodsSample(layout, channel.DrawFelt());
  if (options.forged_oods_t) {
    const auto point = circle::CirclePoint<QM31>::FromT(*options.forged_oods_t);
    oods = OodsSample{point, MakeSamplePoints(layout, point)};
  }
  if (!oods) {
    return ProvingError{ProvingError::Kind::kDegenerateOodsPoint,
                        "the drawn out-of-domain point lies where the quotients are undefined"};
  }
  const circle::CirclePoint<QM31>& oods_point = oods->point;
  const fri::SamplePoints& sample_points = oods->sample_points;
  fri::PcsProveTimings pcs_timings;
  if (timings) pcs_timings.on_phase = timings->on_phase;
  proof.pcs = pcs.Prove(sample_points, channel, &pcs_timings, FriMasks(layout, log_blowup));
  if (timings) {
    for (auto& phase : pcs_timings.phases_ms) timings->phases_ms.push_back(std::move(phase));
    timings->grind_ms += pcs_timings.grind_ms;
  }
  phase_start = Clock::now();

  // Self-check: the composition's chunks must agree with the constraints at the OODS point.
  const auto& sampled = proof.pcs.sampled_values;
  std::vector<QM31> chunk_values;
  for (size_t j = 0; j < 4 * layout.n_composition_chunks(); ++j) {
    chunk_values.push_back(sampled[kCompositionTree][j][0]);
  }
  if (options.check_constraints &&
      RecombineComposition(layout, chunk_values, oods_point) !=
          CompositionAtPoint(components, layout, sampled, oods_point, random_coeff, public_inputs,
                             elements, proof.claimed_sums)) {
    ProvingError error{ProvingError::Kind::kConstraintsNotSatisfied,
                       "the trace does not satisfy the constraints"};
    error.failure = FindConstraintFailure(components, layout, Committed(pcs), public_inputs,
                                          elements, proof.claimed_sums);
    return error;
  }
  end_phase("self-check");
  pcs_owner.reset();
  end_phase("free memory");
  return proof;
}

// Compiled once per hash family, in prover_instances.cc.
#define TENSORSTARK_PROVE_INSTANCE(C, H)                                                       \
  template std::variant<StarkProof<H>, ProvingError> Prove<C, H>(                                \
      const ProofConfig&, std::span<const Component* const>,                                     \
      std::vector<std::vector<std::vector<M31>>>, std::vector<M31>, const ProveOptions&,         \
      const ProvingKey<H>*);
#define TENSORSTARK_EXTERN_PROVE_INSTANCE(C, H) extern TENSORSTARK_PROVE_INSTANCE(C, H)
TENSORSTARK_FOR_EACH_HASH_FAMILY(TENSORSTARK_EXTERN_PROVE_INSTANCE)
#undef TENSORSTARK_EXTERN_PROVE_INSTANCE

}  // namespace tensorstark::air
