#include "air/layout.h"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>
#include <variant>

#include "circle/bit_reverse.h"
#include "circle/coset.h"
#include "circle/vanishing.h"
#include "fri/config.h"

namespace tensorstark::air {

using circle::CirclePoint;
using circle::CirclePointIndex;

namespace {

// Zero-knowledge mode: a single composition chunk, the FRI masks (one per log size that FRI
// receives) at the end of tree 1, and the salt columns of trees 1-3.
void AddZkColumns(AirLayout& layout) {
  layout.chunk_log_size = layout.composition_log_size;
  std::set<uint32_t, std::greater<>> fri_log_sizes = {layout.chunk_log_size};
  for (size_t tree : {kPreprocessedTree, kTraceTree, kInteractionTree}) {
    fri_log_sizes.insert(layout.column_log_sizes[tree].begin(),
                         layout.column_log_sizes[tree].end());
  }
  std::vector<uint32_t>& trace = layout.column_log_sizes[kTraceTree];
  layout.mask_begin = trace.size();
  for (uint32_t log_size : fri_log_sizes) {
    layout.mask_log_sizes.push_back(log_size);
    trace.insert(trace.end(), 4, log_size);
  }
  for (size_t tree : {kTraceTree, kInteractionTree, kCompositionTree}) {
    const std::vector<uint32_t> columns = TreeLogSizes(layout, tree);
    for (uint32_t log_size : std::set<uint32_t, std::greater<>>(columns.begin(), columns.end())) {
      layout.salt_log_sizes[tree].insert(layout.salt_log_sizes[tree].end(), kSaltColumns, log_size);
    }
  }
}

// A main column one component borrows from another (component.h), resolved.
struct Borrow {
  size_t reader = 0, column = 0, owner = 0, owner_column = 0;
  uint32_t doublings = 0;
};

// The components' borrowed main columns, or a one-line error naming one that cannot be read.
std::variant<std::vector<Borrow>, std::string> ResolveBorrowedColumns(
    std::span<const Component* const> components, const std::vector<ComponentInfo>& infos) {
  std::vector<Borrow> borrows;
  for (size_t i = 0; i < components.size(); ++i) {
    const std::string& reader = components[i]->name();
    std::optional<size_t> previous;
    for (const BorrowedTraceColumn& b : infos[i].borrowed_trace) {
      if (b.column >= infos[i].trace_offsets.size() || (previous && b.column <= *previous) ||
          infos[i].trace_offsets[b.column] != std::vector<int>{0}) {
        return fmt::format(
            "component {} borrows its main column {}, which it does not read once at offset 0 "
            "(or lists twice)",
            reader, b.column);
      }
      previous = b.column;
      std::optional<size_t> owner;
      for (size_t j = 0; j < components.size(); ++j) {
        if (components[j]->name() != b.owner) continue;
        if (owner) return fmt::format("two components are named {}", b.owner);
        owner = j;
      }
      if (!owner || *owner == i || !infos[*owner].borrowed_trace.empty() ||
          b.owner_column >= infos[*owner].trace_offsets.size()) {
        return fmt::format("component {} borrows column {} of {}, which has no such own column",
                           reader, b.owner_column, b.owner);
      }
      const uint32_t n = components[i]->log_size(), c = components[*owner]->log_size();
      if (c > n) {
        return fmt::format("component {} (log size {}) borrows a column of {} (log size {})",
                           reader, n, b.owner, c);
      }
      borrows.push_back({i, b.column, *owner, b.owner_column, n - c});
    }
  }
  return borrows;
}

}  // namespace

CirclePoint<QM31> ShiftedPoint(const CirclePoint<QM31>& point, uint32_t log_size, int offset) {
  const CirclePointIndex step = circle::CanonicCoset(log_size).step_size();
  const CirclePointIndex shift =
      offset >= 0 ? step * static_cast<uint64_t>(offset) : -(step * static_cast<uint64_t>(-offset));
  return point + CirclePoint<QM31>(shift.ToPoint());
}

std::vector<QM31> PackM31s(std::span<const M31> values) {
  std::vector<QM31> packed;
  for (size_t i = 0; i < values.size(); i += 4) {
    std::array<M31, 4> v{};
    for (size_t j = 0; j < 4 && i + j < values.size(); ++j) v[j] = values[i + j];
    packed.push_back(QM31::FromM31Array(v));
  }
  return packed;
}

uint32_t ZkRandomizerLogSize(size_t max_mask_offsets, size_t n_queries) {
  // A column's randomized polynomial f + Z_H·r, r of log size m, is uniform at any 2^m - 1 points
  // off H (a nonzero polynomial of log size m has at most 2^m roots on the circle, so evaluation
  // at fewer points is onto). The points that matter: the out-of-domain samples (4 each, over
  // M31), the queried positions, and the points the composition's queried values depend on.
  const size_t n_points = 4 * max_mask_offsets + n_queries * (1 + max_mask_offsets);
  return std::bit_width(n_points);
}

uint32_t ZkColumnLogSize(uint32_t log_size, uint32_t randomizer_log_size) {
  return std::max(log_size, randomizer_log_size) + 1;
}

uint32_t ZkEvalLogSize(uint32_t log_size, uint32_t degree, uint32_t randomizer_log_size,
                       uint32_t max_doublings) {
  // Degrees here are total degrees in (x, y), which add under products; a polynomial of the FFT
  // space of log size L has total degree below 2^(L-1) in both its parts p(x) and y·q(x) when
  // deg p, deg q < 2^(L-1). A trace column has degree 2^(n-1), Z_H = π^{n-1}(x) too, and r at
  // most 2^(m-1); a borrowed column read through π^j has its owner's degree times 2^j, and its
  // owner's log size is n - j. So every column a constraint reads has degree at most
  // E = 2^(n-1) + 2^(m+j-1), the constraint at most d·E, and its quotient by Z_H at most
  // d·E - 2^(n-1).
  const uint64_t column_degree =
      (uint64_t{1} << (log_size - 1)) + (uint64_t{1} << (randomizer_log_size + max_doublings) >> 1);
  const uint64_t quotient_degree =
      std::max<uint64_t>(degree, 1) * column_degree - (uint64_t{1} << (log_size - 1));
  return std::bit_width(quotient_degree) + 1;
}

std::variant<AirLayout, std::string> MakeLayout(std::span<const Component* const> components,
                                                const ProofConfig& config) {
  if (auto error = fri::ValidateConfig(config.pcs)) return *error;
  if (config.interaction_pow_bits > 40) return std::string("interaction_pow_bits must be ≤ 40");
  if (components.empty()) return std::string("the AIR has no components");
  AirLayout layout;
  std::map<PreprocessedColumnId, size_t> preprocessed_index;
  std::map<std::string, Relation> relations;
  const uint32_t min_log_size =
      std::max(kMinComponentLogSize, config.pcs.fri.log_last_layer_degree_bound + 1);
  std::vector<ComponentInfo> infos;
  for (const Component* component : components) infos.push_back(component->Info());
  auto borrows_or_error = ResolveBorrowedColumns(components, infos);
  if (const auto* error = std::get_if<std::string>(&borrows_or_error)) return *error;
  const std::vector<Borrow>& borrows = std::get<std::vector<Borrow>>(borrows_or_error);
  // The most points any column is sampled at: its mask offsets, and a borrowed column's doubled
  // points.
  std::map<std::pair<size_t, size_t>, std::set<uint32_t>> borrowed_doublings;
  for (const Borrow& b : borrows) borrowed_doublings[{b.owner, b.owner_column}].insert(b.doublings);
  size_t max_mask_offsets = 0;
  for (size_t i = 0; i < infos.size(); ++i) {
    for (const auto* offsets : {&infos[i].trace_offsets, &infos[i].interaction_offsets}) {
      for (size_t col = 0; col < offsets->size(); ++col) {
        const auto doubled = borrowed_doublings.find({i, col});
        const size_t extra =
            offsets == &infos[i].trace_offsets && doubled != borrowed_doublings.end()
                ? doubled->second.size()
                : 0;
        max_mask_offsets = std::max(max_mask_offsets, (*offsets)[col].size() + extra);
      }
    }
  }
  // The log size of each component's main and interaction polynomials. A borrowed column's
  // polynomial composed with π^doublings must be within its reader's size.
  if (config.zk) {
    layout.zk_randomizer_log_size =
        ZkRandomizerLogSize(max_mask_offsets, config.pcs.fri.n_queries);
  }
  std::vector<uint32_t> column_log_sizes;
  for (const Component* component : components) {
    column_log_sizes.push_back(
        config.zk ? ZkColumnLogSize(component->log_size(), layout.zk_randomizer_log_size)
                  : component->log_size());
  }
  std::vector<uint32_t> max_doublings(components.size(), 0);
  for (const Borrow& b : borrows) {
    column_log_sizes[b.reader] =
        std::max(column_log_sizes[b.reader], column_log_sizes[b.owner] + b.doublings);
    max_doublings[b.reader] = std::max(max_doublings[b.reader], b.doublings);
  }
  for (size_t i = 0; i < components.size(); ++i) {
    const Component* component = components[i];
    const uint32_t n = component->log_size();
    if (n < min_log_size || n > kMaxComponentLogSize) {
      return fmt::format("component {} has log size {}, must be in [{}, {}]", component->name(), n,
                         min_log_size, kMaxComponentLogSize);
    }
    ComponentLayout c;
    c.info = std::move(infos[i]);
    c.log_size = n;
    if (c.info.max_constraint_degree > kMaxConstraintDegree) {
      return fmt::format("component {} has a constraint of degree {} (at most {})",
                         component->name(), c.info.max_constraint_degree, kMaxConstraintDegree);
    }
    c.column_log_size = column_log_sizes[i];
    c.eval_log_size = component->EvalLogSize();
    if (config.zk) {
      c.eval_log_size =
          std::max(c.eval_log_size, ZkEvalLogSize(n, c.info.max_constraint_degree,
                                                  layout.zk_randomizer_log_size, max_doublings[i]));
    }
    for (const PreprocessedColumnId& id : c.info.preprocessed_columns) {
      if (id.log_size > n || id.log_size < min_log_size) {
        return fmt::format(
            "component {} (log size {}) reads preprocessed column {}, which must have a log size "
            "in [{}, {}]",
            component->name(), n, id.Name(), min_log_size, n);
      }
      auto [it, inserted] = preprocessed_index.try_emplace(id, layout.preprocessed_columns.size());
      if (inserted) {
        layout.preprocessed_columns.push_back(id);
        layout.preprocessed_doublings.emplace_back();
        layout.column_log_sizes[kPreprocessedTree].push_back(id.log_size);
      }
      std::vector<uint32_t>& doublings = layout.preprocessed_doublings[it->second];
      const auto sample = std::find(doublings.begin(), doublings.end(), n - id.log_size);
      c.preprocessed.push_back(it->second);
      c.preprocessed_sample.push_back(static_cast<size_t>(sample - doublings.begin()));
      if (sample == doublings.end()) doublings.push_back(n - id.log_size);
    }
    c.trace_begin = layout.column_log_sizes[kTraceTree].size();
    c.n_trace_columns = c.info.trace_offsets.size() - c.info.borrowed_trace.size();
    for (size_t col = 0, own = 0, borrowed = 0; col < c.info.trace_offsets.size(); ++col) {
      // A borrowed column's place in tree 1 is set once its owner's is known.
      if (borrowed < c.info.borrowed_trace.size() &&
          c.info.borrowed_trace[borrowed].column == col) {
        c.trace_reads.push_back({.borrowed = true});
        ++borrowed;
        continue;
      }
      c.trace_reads.push_back({.column = c.trace_begin + own, .owner = i, .owner_column = own});
      ++own;
    }
    layout.column_log_sizes[kTraceTree].insert(layout.column_log_sizes[kTraceTree].end(),
                                               c.n_trace_columns, c.column_log_size);
    c.interaction_begin = layout.column_log_sizes[kInteractionTree].size();
    layout.column_log_sizes[kInteractionTree].insert(
        layout.column_log_sizes[kInteractionTree].end(), c.info.interaction_offsets.size(),
        c.column_log_size);
    for (const Relation& relation : c.info.relations) {
      auto [it, inserted] = relations.try_emplace(relation.name, relation);
      if (!inserted && it->second != relation) {
        return fmt::format("relation {} is used with {} and {} values", relation.name,
                           it->second.n_values, relation.n_values);
      }
    }
    layout.n_constraints += c.info.n_constraints;
    layout.n_public_inputs = std::max(layout.n_public_inputs, c.info.n_public_inputs);
    layout.composition_log_size = std::max(layout.composition_log_size, c.eval_log_size);
    layout.chunk_log_size = std::max(layout.chunk_log_size, n);
    layout.components.push_back(std::move(c));
  }
  layout.trace_doublings.resize(layout.column_log_sizes[kTraceTree].size());
  for (const Borrow& b : borrows) {
    const ComponentLayout& owner = layout.components[b.owner];
    TraceColumnRead& read = layout.components[b.reader].trace_reads[b.column];
    read.column = owner.trace_begin + b.owner_column;
    read.owner = b.owner;
    read.owner_column = b.owner_column;
    read.doublings = b.doublings;
    std::vector<uint32_t>& doublings = layout.trace_doublings[read.column];
    const auto sample = std::find(doublings.begin(), doublings.end(), b.doublings);
    read.sample = owner.info.trace_offsets[b.owner_column].size() +
                  static_cast<size_t>(sample - doublings.begin());
    if (sample == doublings.end()) doublings.push_back(b.doublings);
  }
  for (auto& [name, relation] : relations) layout.relations.push_back(relation);
  if (config.zk) AddZkColumns(layout);
  // The queries are distinct positions of the largest evaluation domain (hash/queries.h).
  uint32_t max_log_size = 0;
  for (size_t tree = 0; tree <= kCompositionTree; ++tree) {
    for (uint32_t s : TreeLogSizes(layout, tree)) max_log_size = std::max(max_log_size, s);
  }
  const uint64_t domain_size = uint64_t{1} << (max_log_size + config.pcs.fri.log_blowup_factor);
  if (config.pcs.fri.n_queries > domain_size) {
    return fmt::format("{} distinct queries cannot be drawn from an evaluation domain of {} points",
                       config.pcs.fri.n_queries, domain_size);
  }
  return layout;
}

std::vector<uint32_t> TreeLogSizes(const AirLayout& layout, size_t tree) {
  std::vector<uint32_t> log_sizes =
      tree == kCompositionTree
          ? std::vector<uint32_t>(4 * layout.n_composition_chunks(), layout.chunk_log_size)
          : layout.column_log_sizes[tree];
  log_sizes.insert(log_sizes.end(), layout.salt_log_sizes[tree].begin(),
                   layout.salt_log_sizes[tree].end());
  return log_sizes;
}

uint64_t CommittedEvaluationBytes(const AirLayout& layout, uint32_t log_blowup) {
  uint64_t bytes = 0;
  for (size_t tree = 0; tree <= kCompositionTree; ++tree) {
    for (uint32_t log_size : TreeLogSizes(layout, tree)) {
      bytes += uint64_t{sizeof(M31)} << (log_size + log_blowup);
    }
  }
  return bytes;
}

std::vector<fri::FriMask> FriMasks(const AirLayout& layout, uint32_t log_blowup) {
  std::vector<fri::FriMask> masks;
  for (size_t j = 0; j < layout.mask_log_sizes.size(); ++j) {
    fri::FriMask& mask = masks.emplace_back();
    mask.eval_log_size = layout.mask_log_sizes[j] + log_blowup;
    mask.tree = kTraceTree;
    for (size_t c = 0; c < 4; ++c) mask.columns[c] = layout.mask_begin + 4 * j + c;
  }
  return masks;
}

std::vector<std::vector<M31>> GeneratePreprocessedTrace(
    std::span<const Component* const> components, const AirLayout& layout) {
  std::vector<std::vector<M31>> columns(layout.preprocessed_columns.size());
  for (size_t i = 0; i < components.size(); ++i) {
    const ComponentLayout& c = layout.components[i];
    for (size_t j = 0; j < c.preprocessed.size(); ++j) {
      std::vector<M31>& column = columns[c.preprocessed[j]];
      const PreprocessedColumnId& id = c.info.preprocessed_columns[j];
      if (!column.empty()) continue;
      if (id.kind != PreprocessedColumnId::Kind::kData) {
        column = GeneratePreprocessedColumn(id);
        continue;
      }
      column = components[i]->PreprocessedData(id);
      if (column.size() != size_t{1} << id.log_size) {
        throw std::invalid_argument(fmt::format("component {} gives {} rows for column {}",
                                                components[i]->name(), column.size(), id.Name()));
      }
      circle::BitReverseCosetToCircleDomainOrder(std::span<M31>(column));
    }
  }
  return columns;
}

std::optional<std::string> CheckTraces(std::span<const Component* const> components,
                                       const AirLayout& layout,
                                       const std::vector<std::vector<std::vector<M31>>>& traces) {
  if (traces.size() != components.size()) {
    return fmt::format("{} traces for {} components", traces.size(), components.size());
  }
  for (size_t i = 0; i < components.size(); ++i) {
    const size_t n_columns = layout.components[i].n_trace_columns;
    if (traces[i].size() != n_columns) {
      return fmt::format("component {} needs {} trace columns, got {}", components[i]->name(),
                         n_columns, traces[i].size());
    }
    const size_t n_rows = size_t{1} << components[i]->log_size();
    for (size_t col = 0; col < n_columns; ++col) {
      if (traces[i][col].size() != n_rows) {
        return fmt::format("component {} column {} has {} rows, expected {}", components[i]->name(),
                           col, traces[i][col].size(), n_rows);
      }
    }
  }
  return std::nullopt;
}

std::optional<OodsSample> DrawnOodsSample(const AirLayout& layout, const QM31& t) {
  if (QM31::One() + t.Square() == QM31()) return std::nullopt;
  OodsSample sample{CirclePoint<QM31>::FromT(t), {}};
  sample.sample_points = MakeSamplePoints(layout, sample.point);
  for (const auto& tree : sample.sample_points) {
    for (const auto& column : tree) {
      for (const CirclePoint<QM31>& p : column) {
        if (p.y.c1.IsZero()) return std::nullopt;
      }
    }
  }
  return sample;
}

fri::SamplePoints MakeSamplePoints(const AirLayout& layout, const CirclePoint<QM31>& point) {
  fri::SamplePoints points(4);
  for (const std::vector<uint32_t>& doublings : layout.preprocessed_doublings) {
    std::vector<CirclePoint<QM31>> column_points;
    for (uint32_t k : doublings) column_points.push_back(point.RepeatedDouble(k));
    points[kPreprocessedTree].push_back(std::move(column_points));
  }
  for (const ComponentLayout& c : layout.components) {
    for (size_t col = 0; col < c.trace_reads.size(); ++col) {
      const TraceColumnRead& read = c.trace_reads[col];
      if (read.borrowed) continue;
      std::vector<CirclePoint<QM31>>& column_points = points[kTraceTree].emplace_back();
      for (int offset : c.info.trace_offsets[col]) {
        column_points.push_back(ShiftedPoint(point, c.log_size, offset));
      }
      for (uint32_t k : layout.trace_doublings[read.column]) {
        column_points.push_back(point.RepeatedDouble(k));
      }
    }
    for (const std::vector<int>& offsets : c.info.interaction_offsets) {
      std::vector<CirclePoint<QM31>>& column_points = points[kInteractionTree].emplace_back();
      for (int offset : offsets) column_points.push_back(ShiftedPoint(point, c.log_size, offset));
    }
  }
  // FRI masks and salts are not sampled.
  points[kTraceTree].resize(layout.column_log_sizes[kTraceTree].size() +
                            layout.salt_log_sizes[kTraceTree].size());
  points[kInteractionTree].resize(layout.column_log_sizes[kInteractionTree].size() +
                                  layout.salt_log_sizes[kInteractionTree].size());
  points[kCompositionTree].assign(4 * layout.n_composition_chunks(), {point});
  points[kCompositionTree].resize(points[kCompositionTree].size() +
                                  layout.salt_log_sizes[kCompositionTree].size());
  return points;
}

QM31 RecombineComposition(const AirLayout& layout, std::span<const QM31> chunk_coords,
                          const CirclePoint<QM31>& point) {
  return RecombineCompositionOf<QM31>(layout, chunk_coords, point.x, QM31::Basis());
}

QM31 CompositionAtPoint(std::span<const Component* const> components, const AirLayout& layout,
                        const std::vector<std::vector<std::vector<QM31>>>& sampled_values,
                        const CirclePoint<QM31>& point, QM31 random_coeff,
                        std::span<const M31> public_inputs, const LookupElementsMap& elements,
                        std::span<const QM31> claimed_sums) {
  QM31 acc;
  for (size_t i = 0; i < components.size(); ++i) {
    EvalContext ctx{public_inputs, &elements, claimed_sums[i]};
    components[i]->EvaluateAtPoint(ComponentMask(layout, i, sampled_values), point, random_coeff,
                                   ctx, acc);
  }
  return acc;
}

}  // namespace tensorstark::air
