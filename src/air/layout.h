// What prover and verifier derive from the list of components before any proof data (protocol
// reference §8.1, §9): where each component's columns live in the trees, the column sizes, the
// relations whose challenges are drawn, the composition's size and split, the statement mixed into
// the channel, and the out-of-domain sample points.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "air/component.h"
#include "air/proof.h"
#include "circle/circle_point.h"
#include "fri/pcs_common.h"

namespace tensorstark::air {

// Where a component reads one of its main columns: tree-1 column `column`, its own (sampled at
// each of its mask offsets, the column's first samples) or borrowed (component.h) from component
// `owner`'s column `owner_column`: read periodically, its sample number `sample` at π^doublings
// of the out-of-domain point.
struct TraceColumnRead {
  size_t column = 0;
  bool borrowed = false;
  size_t owner = 0;
  size_t owner_column = 0;
  uint32_t doublings = 0;
  size_t sample = 0;
};

struct ComponentLayout {
  ComponentInfo info;
  uint32_t log_size = 0;  // the trace domain's
  // The log size of its main and interaction polynomials: log_size, or in zero-knowledge mode the
  // larger size of their randomized versions (ZkColumnLogSize).
  uint32_t column_log_size = 0;
  // The domain its constraints are evaluated on: Component::EvalLogSize(), or in zero-knowledge
  // mode at least ZkEvalLogSize (its columns have a larger degree than its trace domain's, so
  // EvalLogSize's bound does not apply).
  uint32_t eval_log_size = 0;
  std::vector<size_t> preprocessed;  // tree-0 index of each of info.preprocessed_columns
  // Which of that column's sample points the component reads: a column of log size c read by a
  // component of log size n > c repeats every 2^c rows, and is sampled at π^(n-c) of the
  // out-of-domain point (circle/doubling.h).
  std::vector<size_t> preprocessed_sample;
  size_t trace_begin = 0;                    // first main column in tree 1
  size_t n_trace_columns = 0;                // its own main columns, from trace_begin on
  std::vector<TraceColumnRead> trace_reads;  // per column of info.trace_offsets
  size_t interaction_begin = 0;              // first interaction column in tree 2
};

struct AirLayout {
  std::vector<ComponentLayout> components;
  std::vector<PreprocessedColumnId> preprocessed_columns;  // tree 0, in order of first use
  // Per tree-0 column, the numbers of doublings of the out-of-domain point it is sampled at, in
  // order of first use.
  std::vector<std::vector<uint32_t>> preprocessed_doublings;
  // Per tree-1 column of a component, the numbers of doublings of the out-of-domain point it is
  // sampled at for the components that borrow it, after its own mask offsets.
  std::vector<std::vector<uint32_t>> trace_doublings;
  std::vector<Relation> relations;  // sorted by name
  // Zero-knowledge mode: the log size of the random polynomial r of every randomized column
  // f + Z_H·r (ZkRandomizerLogSize); 0 otherwise.
  uint32_t zk_randomizer_log_size = 0;
  // Trees 0, 1, 2: the polynomials' log sizes; in zero-knowledge mode tree 1 ends with the FRI
  // masks.
  std::array<std::vector<uint32_t>, 3> column_log_sizes;
  // Zero-knowledge mode: one random QM31 polynomial (4 columns of tree 1 from mask_begin, in this
  // order) of each log size that FRI receives, largest first.
  std::vector<uint32_t> mask_log_sizes;
  size_t mask_begin = 0;
  // Zero-knowledge mode: per tree, the salt columns that follow its polynomials (kSaltColumns per
  // log size of the tree's polynomials), as the log sizes of polynomials of their length.
  std::array<std::vector<uint32_t>, 4> salt_log_sizes;
  size_t n_constraints = 0;
  size_t n_public_inputs = 0;         // the statement's length: the most any component reads
  uint32_t composition_log_size = 0;  // the largest eval_log_size
  // The largest component log size; in zero-knowledge mode composition_log_size (one chunk: the
  // chunks' values would not be independent of the witness).
  uint32_t chunk_log_size = 0;
  size_t n_composition_chunks() const {
    return size_t{1} << (composition_log_size - chunk_log_size);
  }
};

inline constexpr uint32_t kMinComponentLogSize = 4;
// Random M31 values in every Merkle leaf of a zero-knowledge proof's trees 1-3: 124 bits.
inline constexpr size_t kSaltColumns = 4;

// Zero-knowledge mode (docs/zero-knowledge.md §3): the log size m of the random polynomial r in a
// randomized column f + Z_H·r, enough random coefficients for every value the verifier sees or
// derives from a column sampled at this many mask offsets.
uint32_t ZkRandomizerLogSize(size_t max_mask_offsets, size_t n_queries);

// The log size of f + Z_H·r for a trace domain of log size n: f's coefficients, then r's.
uint32_t ZkColumnLogSize(uint32_t log_size, uint32_t randomizer_log_size);

// The log size of the FFT space that holds the quotient by Z_H of a constraint of this degree
// over randomized columns, for a component of this log size that reads borrowed columns through
// at most max_doublings doublings (§4).
uint32_t ZkEvalLogSize(uint32_t log_size, uint32_t degree, uint32_t randomizer_log_size,
                       uint32_t max_doublings);

// Every committed column of a tree in commit order (polynomials, composition chunks, salts), as the
// log size of a polynomial of its length: what the commitment scheme's verifier commits to.
std::vector<uint32_t> TreeLogSizes(const AirLayout& layout, size_t tree);

// The bytes of every tree's evaluations on its blown-up domain (4 a value): the prover holds them
// all until it opens the queries, so no proof of this layout takes less memory.
uint64_t CommittedEvaluationBytes(const AirLayout& layout, uint32_t log_blowup);

// The FRI masks as the commitment scheme adds them.
std::vector<fri::FriMask> FriMasks(const AirLayout& layout, uint32_t log_blowup);
inline constexpr uint32_t kMaxComponentLogSize = 26;

// A one-line error if the components do not form a valid AIR for this configuration.
std::variant<AirLayout, std::string> MakeLayout(std::span<const Component* const> components,
                                                const ProofConfig& config);

// point + offset·step of the trace domain of 2^log_size points (negative offsets go backwards):
// where a column read at a row offset is sampled.
circle::CirclePoint<QM31> ShiftedPoint(const circle::CirclePoint<QM31>& point, uint32_t log_size,
                                       int offset);

// M31 values four to a QM31 (zero-padded), for mixing.
std::vector<QM31> PackM31s(std::span<const M31> values);

// Tree 0's columns in storage order: IsFirst and Seq from their ids, Data columns from the first
// component that declares each. Throws std::invalid_argument if a data column has the wrong size.
std::vector<std::vector<M31>> GeneratePreprocessedTrace(
    std::span<const Component* const> components, const AirLayout& layout);

// A one-line error if traces[component][column] do not have the components' shapes (their own
// main columns, not those they borrow).
std::optional<std::string> CheckTraces(std::span<const Component* const> components,
                                       const AirLayout& layout,
                                       const std::vector<std::vector<std::vector<M31>>>& traces);

// The statement: configuration, public inputs and component sizes, mixed before anything else.
// `mix_public_inputs()` mixes the n_public_inputs values as MixFelts(PackM31s(...)) does: a
// recursion circuit mixes its wires there, with the rest of the order shared.
template <class C, class MixPublicInputs>
void MixStatementWith(C& channel, const ProofConfig& config, size_t n_public_inputs,
                      const MixPublicInputs& mix_public_inputs,
                      std::span<const Component* const> components) {
  for (uint64_t v : ConfigWords(config)) channel.MixU64(v);
  if (config.zk) channel.MixU64(1);  // zero-knowledge mode (a non-ZK transcript is unchanged)
  channel.MixU64(n_public_inputs);
  mix_public_inputs();
  channel.MixU64(components.size());
  for (const Component* component : components) channel.MixU64(component->log_size());
}
template <class C>
void MixStatement(C& channel, const ProofConfig& config, std::span<const M31> public_inputs,
                  std::span<const Component* const> components) {
  MixStatementWith(
      channel, config, public_inputs.size(), [&] { channel.MixFelts(PackM31s(public_inputs)); },
      components);
}

// z and α of each relation, drawn in name order (DrawFelts(2) each), over any value type whose 1
// is `one` (QM31, or a recursion circuit's wires on its channel).
template <class V, class C>
LookupElementsMapOf<V> DrawLookupElementsOf(C& channel, const std::vector<Relation>& relations,
                                            const V& one) {
  LookupElementsMapOf<V> elements;
  for (const Relation& relation : relations) {
    const std::vector<V> drawn = channel.DrawFelts(2);
    LookupElementsOf<V>& e = elements[relation.name];
    e.z = drawn[0];
    e.alpha = drawn[1];
    V power = one;
    for (uint32_t i = 0; i < relation.n_values; ++i) {
      e.alpha_powers.push_back(power);
      if (i + 1 < relation.n_values) power = power * e.alpha;
    }
  }
  return elements;
}
template <class C>
LookupElementsMap DrawLookupElements(C& channel, const std::vector<Relation>& relations) {
  return DrawLookupElementsOf(channel, relations, QM31::One());
}

// sample_points[tree][column] for trees 0–3 at the out-of-domain point.
fri::SamplePoints MakeSamplePoints(const AirLayout& layout, const circle::CirclePoint<QM31>& point);

// The out-of-domain point drawn as t (CirclePoint::FromT) and its sample points, or nothing where
// they cannot serve: 1 + t² = 0 (no point), or a sample point's y lies in CM31, where the DEEP
// coefficients vanish and the values sampled there are free (fri/quotients.h; where x lies in CM31
// too, the denominators vanish); every point of a trace coset is such a point.
// A random t gives one with probability about 2^-61 per sample point, which a prover that
// re-randomises its composition root can grind for: prover and verifier (and the recursion
// circuit) reject it by name, never divide by zero.
struct OodsSample {
  circle::CirclePoint<QM31> point;
  fri::SamplePoints sample_points;
};
std::optional<OodsSample> DrawnOodsSample(const AirLayout& layout, const QM31& t);

// One component's sampled values, shaped as its evaluators read them: mask[tree][column][i].
// A template so that a recursion circuit shapes its wires the same way.
template <class V>
std::array<std::vector<std::vector<V>>, 3> ComponentMaskOf(
    const AirLayout& layout, size_t component,
    const std::vector<std::vector<std::vector<V>>>& sampled_values) {
  const ComponentLayout& c = layout.components[component];
  std::array<std::vector<std::vector<V>>, 3> mask;
  for (size_t j = 0; j < c.preprocessed.size(); ++j) {
    mask[kPreprocessedTree].push_back(
        {sampled_values[kPreprocessedTree][c.preprocessed[j]][c.preprocessed_sample[j]]});
  }
  for (size_t col = 0; col < c.trace_reads.size(); ++col) {
    const TraceColumnRead& read = c.trace_reads[col];
    const std::vector<V>& values = sampled_values[kTraceTree][read.column];
    if (read.borrowed) {
      mask[kTraceTree].push_back({values[read.sample]});
    } else {
      mask[kTraceTree].emplace_back(values.begin(),
                                    values.begin() + c.info.trace_offsets[col].size());
    }
  }
  for (size_t col = 0; col < c.info.interaction_offsets.size(); ++col) {
    mask[kInteractionTree].push_back(sampled_values[kInteractionTree][c.interaction_begin + col]);
  }
  return mask;
}
inline MaskValues ComponentMask(const AirLayout& layout, size_t component,
                                const std::vector<std::vector<std::vector<QM31>>>& sampled_values) {
  return ComponentMaskOf<QM31>(layout, component, sampled_values);
}

// The composition polynomial's value at a point of x-coordinate x from its chunks' values there
// (4 partial evaluations each, QM31::FromPartialEvals), over any value type whose basis elements
// 1, i, u, iu are given: coefficient bit c + b selects π^{c-1+b}(x) (§3.1), so chunk j carries the
// product of those factors over the set bits b of j. A template so that a recursion circuit
// recombines its wires with the same code.
template <class V>
V RecombineCompositionOf(const AirLayout& layout, std::span<const V> chunk_coords, V x,
                         const std::array<V, 4>& basis) {
  const V& one = basis[0];
  auto double_x = [&](const V& v) {  // π(x) = 2x² - 1
    const V square = v * v;
    return square + square - one;
  };
  std::vector<V> factors;  // π^{c-1+b}(x)
  for (uint32_t i = 1; i < layout.chunk_log_size; ++i) x = double_x(x);
  for (size_t j = 1; j < layout.n_composition_chunks(); j <<= 1) {
    factors.push_back(x);
    x = double_x(x);
  }
  V value = one - one;
  for (size_t j = 0; j < layout.n_composition_chunks(); ++j) {
    V chunk = chunk_coords[4 * j];
    for (size_t k = 1; k < 4; ++k) chunk = chunk + chunk_coords[4 * j + k] * basis[k];
    for (size_t b = 0; b < factors.size(); ++b) {
      if ((j >> b) & 1) chunk = chunk * factors[b];
    }
    value = value + chunk;
  }
  return value;
}
QM31 RecombineComposition(const AirLayout& layout, std::span<const QM31> chunk_coords,
                          const circle::CirclePoint<QM31>& point);

// Σ over components of their constraint quotients at `point`, in Horner form.
QM31 CompositionAtPoint(std::span<const Component* const> components, const AirLayout& layout,
                        const std::vector<std::vector<std::vector<QM31>>>& sampled_values,
                        const circle::CirclePoint<QM31>& point, QM31 random_coeff,
                        std::span<const M31> public_inputs, const LookupElementsMap& elements,
                        std::span<const QM31> claimed_sums);

}  // namespace tensorstark::air
