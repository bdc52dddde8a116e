#include "air/lookup_bound.h"

#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <map>
#include <span>
#include <stdexcept>

#include "circle/bit_reverse.h"

namespace tensorstark::air {

namespace {

using field::M31;

// Whether the expression reads the main or interaction trace (a prover's multiplicity).
bool ReadsTrace(const Expr& e) {
  if (e.op() == Expr::Op::kVariable) {
    const ExprVariable::Kind kind = e.variable().kind;
    return kind == ExprVariable::Kind::kTrace || kind == ExprVariable::Kind::kInteraction;
  }
  for (const Expr& operand : e.operands()) {
    if (ReadsTrace(operand)) return true;
  }
  return false;
}

// The values of a fixed multiplicity on each row of a component of 2^log_size rows, in coset
// order; `column` gives a preprocessed column in coset order. Throws std::invalid_argument for
// anything but constants and preprocessed columns.
std::vector<M31> RowValues(const Expr& e, uint32_t log_size,
                           const std::function<std::span<const M31>(const PreprocessedColumnId&)>&
                               column) {
  const size_t n = size_t{1} << log_size;
  switch (e.op()) {
    case Expr::Op::kConstant: {
      const QM31& c = e.constant();
      if (!(c.c0.b == M31() && c.c1.IsZero())) {
        throw std::invalid_argument("a multiplicity outside M31");
      }
      return std::vector<M31>(n, c.c0.a);
    }
    case Expr::Op::kVariable: {
      if (e.variable().kind != ExprVariable::Kind::kPreprocessed) {
        throw std::invalid_argument(
            fmt::format("a multiplicity reads {}, which the AIR does not fix", e.variable().Name()));
      }
      // A column smaller than the component repeats: row r reads its row r mod its size.
      const std::span<const M31> values = column(e.variable().preprocessed);
      std::vector<M31> rows(n);
      for (size_t r = 0; r < n; ++r) rows[r] = values[r % values.size()];
      return rows;
    }
    case Expr::Op::kNeg: {
      std::vector<M31> rows = RowValues(e.operands()[0], log_size, column);
      for (M31& v : rows) v = -v;
      return rows;
    }
    case Expr::Op::kAdd:
    case Expr::Op::kSub:
    case Expr::Op::kMul: {
      std::vector<M31> rows = RowValues(e.operands()[0], log_size, column);
      const std::vector<M31> other = RowValues(e.operands()[1], log_size, column);
      for (size_t r = 0; r < n; ++r) {
        rows[r] = e.op() == Expr::Op::kAdd   ? rows[r] + other[r]
                  : e.op() == Expr::Op::kSub ? rows[r] - other[r]
                                             : rows[r] * other[r];
      }
      return rows;
    }
    case Expr::Op::kCombine:
      break;
  }
  throw std::invalid_argument("a multiplicity outside M31");
}

}  // namespace

std::optional<std::string> CheckRelationMultiplicities(
    const AirLayout& layout, const std::vector<std::vector<M31>>& preprocessed) {
  // Tree 0's columns in coset order, converted when first read.
  std::map<size_t, std::vector<M31>> coset_order;
  std::map<std::string, uint64_t> totals;
  for (const ComponentLayout& c : layout.components) {
    std::map<PreprocessedColumnId, size_t> tree_index;
    for (size_t j = 0; j < c.preprocessed.size(); ++j) {
      tree_index.emplace(c.info.preprocessed_columns[j], c.preprocessed[j]);
    }
    const auto column = [&](const PreprocessedColumnId& id) -> std::span<const M31> {
      const size_t index = tree_index.at(id);
      auto [it, inserted] = coset_order.try_emplace(index);
      if (inserted) {
        it->second = preprocessed[index];
        // The storage order's permutation is an involution: applied again it gives coset order.
        circle::BitReverseCosetToCircleDomainOrder(std::span<M31>(it->second));
      }
      return it->second;
    };
    for (const RelationLookup& lookup : c.info.lookups) {
      if (ReadsTrace(lookup.multiplicity)) continue;
      std::vector<M31> rows;
      try {
        rows = RowValues(lookup.multiplicity, c.log_size, column);
      } catch (const std::invalid_argument& error) {
        return fmt::format("relation {}: {}", lookup.relation, error.what());
      }
      uint64_t& total = totals[lookup.relation];
      for (const M31 m : rows) total += std::min(m.value(), field::kP - m.value());
    }
  }
  for (const auto& [relation, total] : totals) {
    if (total >= kMaxRelationMultiplicity) {
      return fmt::format(
          "relation {}: its fixed multiplicities sum to {}, at least 2^30 (LogUp is sound only "
          "while they stay below p = 2^31 - 1)",
          relation, total);
    }
  }
  return std::nullopt;
}

}  // namespace tensorstark::air
