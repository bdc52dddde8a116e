#include "recursion/query_positions.h"

#include <cassert>
#include <cmath>

#include "recursion/bits.h"
#include "recursion/qm31_wire.h"

namespace tensorstark::recursion {
namespace {

using field::M31;
using field::QM31;

// 1 where x = 0, else 0: z = 1 - x·x⁻¹ with x⁻¹ guessed (0 for x = 0) and x·z = 0 asserted.
Wire IsZero(Wire x) {
  CircuitBuilder& builder = x.builder();
  QM31 inverse;
  if (builder.with_values() && x.value() != QM31::Zero()) inverse = x.value().Inverse();
  const Wire z = QM31::One() - x * builder.Guess(ValueType::kQM31, inverse);
  builder.AssertEqual(x * z, builder.Constant(QM31::Zero()), "an equality test");
  return z;
}

}  // namespace

size_t QueryWordsToDraw(uint32_t log_domain_size, size_t n_queries) {
  const double n_points = std::ldexp(1.0, static_cast<int>(log_domain_size));
  assert(n_queries <= n_points);
  // p[d]: the probability of d distinct positions (d < n_queries) so far; the rest have reached
  // n_queries.
  std::vector<double> p(n_queries, 0.0);
  p[0] = 1.0;
  for (size_t words = 1;; ++words) {
    std::vector<double> next(n_queries, 0.0);
    for (size_t d = 0; d < n_queries; ++d) {
      next[d] += p[d] * d / n_points;
      if (d + 1 < n_queries) next[d + 1] += p[d] * (n_points - d) / n_points;
    }
    p = std::move(next);
    double short_of_queries = 0;
    for (double v : p) short_of_queries += v;
    if (words % 8 == 0 && short_of_queries < std::ldexp(1.0, -64)) return words;
  }
}

std::vector<std::vector<Wire>> DrawQueryPositions(CircuitChannel& channel, uint32_t log_domain_size,
                                                  size_t n_queries) {
  CircuitBuilder& builder = channel.digest()[0].builder();
  const size_t n_words = QueryWordsToDraw(log_domain_size, n_queries);
  // Every word's position: its low bits, the word decomposed canonically.
  std::vector<Wire> positions;
  while (positions.size() < n_words) {
    for (const Wire& word : channel.DrawWords()) {
      const std::vector<Wire> bits = DecomposeM31(word, "a query word");
      positions.push_back(Recompose(std::span(bits).first(log_domain_size)));
    }
  }
  // new_j: 1 where word j's position differs from every earlier word's; rank_j: how many new
  // positions come before word j.
  std::vector<Wire> is_new, rank;
  Wire n_new = builder.Constant(QM31::Zero());
  for (size_t j = 0; j < n_words; ++j) {
    Wire fresh = builder.Constant(QM31::One());
    for (size_t i = 0; i < j; ++i)
      fresh = fresh * (QM31::One() - IsZero(positions[j] - positions[i]));
    is_new.push_back(fresh);
    rank.push_back(n_new);
    n_new = n_new + fresh;
  }
  // Query k is the new position of rank k: selected by sel_kj = new_j · [rank_j = k], exactly one
  // word each, then decomposed again (fewer gates than selecting every bit).
  std::vector<std::vector<Wire>> queries;
  for (size_t k = 0; k < n_queries; ++k) {
    const QM31 rank_k(M31::FromCanonical(static_cast<uint32_t>(k)));
    Wire n_selected = builder.Constant(QM31::Zero());
    Wire position = builder.Constant(QM31::Zero());
    for (size_t j = 0; j < n_words; ++j) {
      const Wire selected = is_new[j] * IsZero(rank[j] - rank_k);
      n_selected = n_selected + selected;
      position = position + selected * positions[j];
    }
    builder.AssertEqual(n_selected, builder.Constant(QM31::One()),
                        "the drawn words give enough distinct query positions");
    queries.push_back(DecomposeBits(position, log_domain_size, "a query position"));
  }
  return queries;
}

}  // namespace tensorstark::recursion
