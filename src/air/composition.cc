#include "air/composition.h"

#include <tbb/parallel_for.h>

#include <algorithm>
#include <bit>
#include <cassert>
#include <map>
#include <optional>
#include <utility>

#include "circle/column_storage.h"
#include "circle/coset.h"
#include "circle/doubling.h"
#include "circle/fft.h"
#include "circle/vanishing_multiple.h"
#include "fri/secure_column.h"

namespace tensorstark::air {
namespace {

// The domain a component's constraints are evaluated on, of log size eval_log_size: the first
// 2^eval_log_size committed evaluations of its columns, which in bit-reversed order form a
// circle domain (CanonicCoset::BitReversedPrefix), so that a blowup above the constraint degree
// costs no new evaluations. Where the committed domain CanonicCoset(committed_log_size) is
// smaller, the canonic domain of log size eval_log_size.
struct EvaluationDomain {
  EvaluationDomain(uint32_t committed_log_size, uint32_t eval_log_size)
      : EvaluationDomain(std::max(committed_log_size, eval_log_size), eval_log_size, 0) {}
  // The image of the domain under k doublings: the same prefix of the canonic coset k sizes down.
  EvaluationDomain Doubled(uint32_t k) const {
    return EvaluationDomain(parent_log_size - k, domain.log_size() - k, 0);
  }
  uint32_t parent_log_size;
  circle::CircleDomain domain;

 private:
  EvaluationDomain(uint32_t parent, uint32_t eval_log_size, int)
      : parent_log_size(parent),
        domain(circle::CanonicCoset(parent).BitReversedPrefix(eval_log_size)) {}
};

// A component's columns on `eval.domain`: prefixes of the committed evaluations where these live
// on the parent domain, fresh evaluations (kept in `storage`) otherwise. A preprocessed column
// smaller than the component (log_size) is read periodically: the polynomial composed with
// π^k, k the difference in log size, whose values on the domain are the column's values on the
// domain doubled k times (circle/doubling.h), expanded; so is a borrowed main column.
ColumnsView ColumnsOnDomain(const ComponentLayout& c, uint32_t log_size,
                            const CommittedTrees& trees, const EvaluationDomain& eval,
                            circle::ColumnStorage& storage) {
  struct Source {
    size_t tree, index;
    uint32_t doublings;
    std::optional<EvaluationDomain> doubled;  // where the column is evaluated
    size_t fresh = 0, expanded = 0;           // storage columns + 1, 0 for none
  };
  std::vector<Source> sources;
  for (size_t index : c.preprocessed) {
    const uint32_t column_log_size = (*trees.polys[kPreprocessedTree])[index].log_size();
    sources.push_back({kPreprocessedTree, index, log_size - column_log_size, std::nullopt});
  }
  for (const TraceColumnRead& read : c.trace_reads) {
    sources.push_back({kTraceTree, read.column, read.doublings, std::nullopt});
  }
  for (size_t i = 0; i < c.info.interaction_offsets.size(); ++i) {
    sources.push_back({kInteractionTree, c.interaction_begin + i, 0, std::nullopt});
  }
  std::vector<size_t> sizes;
  for (Source& source : sources) {
    const uint32_t committed_log_size =
        std::bit_width((*trees.evaluations[source.tree])[source.index].size()) - 1;
    source.doubled.emplace(eval.Doubled(source.doublings));
    if (committed_log_size != source.doubled->parent_log_size) {
      sizes.push_back(source.doubled->domain.size());
      source.fresh = sizes.size();
    }
    if (source.doublings > 0) {
      sizes.push_back(eval.domain.size());
      source.expanded = sizes.size();
    }
  }
  storage = circle::ColumnStorage(sizes);
  tbb::parallel_for(size_t{0}, sources.size(), [&](size_t i) {
    const Source& source = sources[i];
    std::span<const M31> values;
    if (source.fresh) {
      circle::CircleFftExtend((*trees.polys[source.tree])[source.index].coeffs(),
                              storage.column(source.fresh - 1), source.doubled->domain,
                              *trees.twiddles);
      values = storage.column(source.fresh - 1);
    } else {
      values = (*trees.evaluations[source.tree])[source.index].first(source.doubled->domain.size());
    }
    if (source.expanded) {
      circle::ExpandDoubled(values, source.doublings, storage.column(source.expanded - 1));
    }
  });
  ColumnsView view;
  for (const Source& source : sources) {
    const size_t column = source.expanded ? source.expanded : source.fresh;
    view.trees[source.tree].push_back(
        column ? std::as_const(storage).column(column - 1)
               : (*trees.evaluations[source.tree])[source.index].first(eval.domain.size()));
  }
  return view;
}

}  // namespace

std::vector<circle::CirclePoly> ComputeComposition(std::span<const Component* const> components,
                                                   const AirLayout& layout,
                                                   const CommittedTrees& trees, QM31 random_coeff,
                                                   std::span<const M31> public_inputs,
                                                   const LookupElementsMap& elements,
                                                   std::span<const QM31> claimed_sums) {
  // Constraint k (global order) gets α^{N-1-k}.
  std::vector<QM31> powers(layout.n_constraints);
  QM31 power = QM31::One();
  for (size_t k = layout.n_constraints; k-- > 0; power *= random_coeff) powers[k] = power;

  // Accumulations by (evaluation log size, parent log size), that is by evaluation domain.
  std::map<std::pair<uint32_t, uint32_t>, fri::SecureColumn> accumulations;
  size_t first_constraint = 0;
  for (size_t i = 0; i < components.size(); ++i) {
    const ComponentLayout& c = layout.components[i];
    const EvaluationDomain eval(c.column_log_size + trees.log_blowup, c.eval_log_size);
    auto [it, inserted] = accumulations.try_emplace({eval.domain.log_size(), eval.parent_log_size});
    if (inserted) it->second = fri::SecureColumn::Zeros(eval.domain.size());
    circle::ColumnStorage storage;
    const ColumnsView view = ColumnsOnDomain(c, components[i]->log_size(), trees, eval, storage);
    const EvalContext ctx{public_inputs, &elements, claimed_sums[i]};
    components[i]->EvaluateOnDomain(
        eval.domain, view, ctx, std::span(powers).subspan(first_constraint, c.info.n_constraints),
        it->second);
    first_constraint += c.info.n_constraints;
  }

  // Interpolate each accumulation and add the coefficients (the basis does not depend on the
  // domain, and zero-extension is free in it). An accumulation of the composition's size becomes
  // the sum in place.
  const size_t composition_size = size_t{1} << layout.composition_log_size;
  std::array<std::vector<M31>, 4> coeffs;
  for (auto it = accumulations.rbegin(); it != accumulations.rend(); ++it) {
    const auto [eval_log_size, parent_log_size] = it->first;
    const circle::CircleDomain domain =
        circle::CanonicCoset(parent_log_size).BitReversedPrefix(eval_log_size);
    tbb::parallel_for(size_t{0}, size_t{4}, [&](size_t coord) {
      std::vector<M31>& values = it->second.coords[coord];
      circle::CircleIfft(values, domain, *trees.twiddles);
      std::vector<M31>& sum = coeffs[coord];
      if (sum.empty() && values.size() == composition_size) {
        sum = std::move(values);
        return;
      }
      if (sum.empty()) sum.assign(composition_size, M31());
      for (size_t j = 0; j < values.size(); ++j) sum[j] += values[j];
    });
  }
  for (std::vector<M31>& sum : coeffs) sum.resize(composition_size);  // no-op unless no components

  std::vector<circle::CirclePoly> chunks;
  const size_t chunk_size = size_t{1} << layout.chunk_log_size;
  const size_t n_chunks = layout.n_composition_chunks();
  for (size_t j = 0; j < n_chunks; ++j) {
    for (size_t coord = 0; coord < 4; ++coord) {
      if (n_chunks == 1) {
        chunks.emplace_back(std::move(coeffs[coord]));
        continue;
      }
      const auto begin = coeffs[coord].begin() + j * chunk_size;
      chunks.emplace_back(std::vector<M31>(begin, begin + chunk_size));
    }
  }
  return chunks;
}

std::optional<ConstraintFailure> FindConstraintFailure(std::span<const Component* const> components,
                                                       const AirLayout& layout,
                                                       const CommittedTrees& trees,
                                                       std::span<const M31> public_inputs,
                                                       const LookupElementsMap& elements,
                                                       std::span<const QM31> claimed_sums) {
  // The trace-domain values are recovered from the polynomials: on their own domains, or for the
  // randomized ones of zero-knowledge mode on their components' trace domains.
  std::array<std::vector<uint32_t>, 3> log_sizes;
  for (size_t t = 0; t < 3; ++t) {
    for (const circle::CirclePoly& poly : *trees.polys[t]) log_sizes[t].push_back(poly.log_size());
  }
  for (const ComponentLayout& c : layout.components) {
    std::fill_n(log_sizes[kTraceTree].begin() + c.trace_begin, c.n_trace_columns, c.log_size);
    std::fill_n(log_sizes[kInteractionTree].begin() + c.interaction_begin,
                c.info.interaction_offsets.size(), c.log_size);
  }
  CommittedTrees on_trace_domain = trees;
  std::array<std::vector<std::vector<M31>>, 3> values;
  std::array<std::vector<std::span<const M31>>, 3> spans;
  for (size_t t = 0; t < 3; ++t) {
    const std::vector<circle::CirclePoly>& polys = *trees.polys[t];
    values[t].resize(polys.size());
    tbb::parallel_for(size_t{0}, polys.size(), [&](size_t g) {
      values[t][g] = circle::RestrictToCanonicCoset(polys[g].coeffs(), log_sizes[t][g]);
      circle::CircleFft(values[t][g], circle::CanonicCoset(log_sizes[t][g]).circle_domain(),
                        *trees.twiddles);
    });
    spans[t].assign(values[t].begin(), values[t].end());
    on_trace_domain.evaluations[t] = &spans[t];
  }
  on_trace_domain.log_blowup = 0;
  for (size_t i = 0; i < components.size(); ++i) {
    circle::ColumnStorage storage;
    const ColumnsView view = ColumnsOnDomain(
        layout.components[i], components[i]->log_size(), on_trace_domain,
        EvaluationDomain(components[i]->log_size(), components[i]->log_size()), storage);
    const EvalContext ctx{public_inputs, &elements, claimed_sums[i]};
    if (auto failure = components[i]->AssertConstraints(view, ctx)) return failure;
  }
  return std::nullopt;
}

}  // namespace tensorstark::air
