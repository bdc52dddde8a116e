// Helpers for the AIR tests: a component's columns per tree, their low-degree extensions, random
// lookup elements and mask values sampled straight from the column polynomials.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "air/component.h"
#include "air/preprocessed.h"
#include "circle/circle_poly.h"
#include "circle/coset.h"
#include "circle/twiddles.h"
#include "test_util.h"

namespace tensorstark::air::testing {

using Columns = std::vector<std::vector<M31>>;
// Trees 0, 1, 2 of one component.
using Trees = std::array<Columns, 3>;

inline ColumnsView View(const Trees& trees) {
  ColumnsView view;
  for (size_t t = 0; t < 3; ++t) {
    for (const std::vector<M31>& column : trees[t]) view.trees[t].emplace_back(column);
  }
  return view;
}

inline Columns PreprocessedColumns(const ComponentInfo& info) {
  Columns columns;
  for (const PreprocessedColumnId& id : info.preprocessed_columns) {
    columns.push_back(GeneratePreprocessedColumn(id));
  }
  return columns;
}

// z and α random per relation, alpha_powers = [1, α, α², …].
inline LookupElementsMap RandomLookupElements(const ComponentInfo& info,
                                              tensorstark::testing::Rng& rng) {
  LookupElementsMap map;
  for (const Relation& relation : info.relations) {
    LookupElements elements{rng.QM31(), rng.QM31(), {}};
    QM31 power = QM31::One();
    for (uint32_t i = 0; i < relation.n_values; ++i, power *= elements.alpha) {
      elements.alpha_powers.push_back(power);
    }
    map[relation.name] = elements;
  }
  return map;
}

inline std::vector<M31> RandomColumn(size_t n, tensorstark::testing::Rng& rng) {
  std::vector<M31> column(n);
  for (M31& v : column) v = rng.M31();
  return column;
}

// The columns of every tree as polynomials (interpolated on the trace domain).
struct TracePolys {
  std::array<std::vector<circle::CirclePoly>, 3> trees;

  TracePolys(const Trees& trees_on_trace, uint32_t log_size, const circle::TwiddleTree& twiddles) {
    const circle::CircleDomain domain = circle::CanonicCoset(log_size).circle_domain();
    for (size_t t = 0; t < 3; ++t) {
      for (const std::vector<M31>& column : trees_on_trace[t]) {
        trees[t].push_back(circle::CircleEvaluation(domain, column).Interpolate(twiddles));
      }
    }
  }

  // Evaluations on CanonicCoset(eval_log_size).circle_domain(), bit-reversed.
  // The columns on CanonicCoset(parent_log_size).BitReversedPrefix(eval_log_size): the first
  // 2^eval_log_size evaluations on the parent canonic domain, as the prover takes them.
  Trees Extend(uint32_t eval_log_size, const circle::TwiddleTree& twiddles,
               uint32_t parent_log_size = 0) const {
    const circle::CircleDomain domain =
        circle::CanonicCoset(std::max(parent_log_size, eval_log_size)).circle_domain();
    Trees out;
    for (size_t t = 0; t < 3; ++t) {
      for (const circle::CirclePoly& poly : trees[t]) {
        const circle::CircleEvaluation eval = poly.Evaluate(domain, twiddles);
        out[t].emplace_back(eval.values().begin(),
                            eval.values().begin() + (size_t{1} << eval_log_size));
      }
    }
    return out;
  }

  // mask[tree][column][i] = column polynomial at point + offsets[i]·step, step = G_{2^log_size}.
  MaskValues Mask(const ComponentInfo& info, uint32_t log_size,
                  const circle::CirclePoint<QM31>& point) const {
    const circle::CirclePoint<QM31> step(circle::CanonicCoset(log_size).step());
    auto shifted = [&](int offset) {
      const circle::CirclePoint<QM31> s =
          step.Mul(static_cast<uint64_t>(offset < 0 ? -offset : offset));
      return point + (offset < 0 ? s.Conjugate() : s);
    };
    MaskValues mask;
    for (const circle::CirclePoly& poly : trees[kPreprocessedTree]) {
      mask[kPreprocessedTree].push_back({poly.EvalAtPoint(point)});
    }
    const std::array<const std::vector<std::vector<int>>*, 2> offsets = {&info.trace_offsets,
                                                                         &info.interaction_offsets};
    for (size_t t = 1; t < 3; ++t) {
      for (size_t c = 0; c < trees[t].size(); ++c) {
        std::vector<QM31> values;
        for (int offset : (*offsets[t - 1])[c])
          values.push_back(trees[t][c].EvalAtPoint(shifted(offset)));
        mask[t].push_back(std::move(values));
      }
    }
    return mask;
  }
};

}  // namespace tensorstark::air::testing
