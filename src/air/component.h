// The interface between an AIR component and the prover/verifier (protocol reference §9.1).
// Components are written once as a template over an evaluator (framework.h); FrameworkComponent
// turns such a template into this interface, so Prove and Verify only see Component.
//
// Conventions shared by all evaluators:
// - Trees: 0 preprocessed columns, 1 main trace, 2 interaction (LogUp) trace, 3 composition.
// - A component of log size n has 2^n rows, in coset order of CanonicCoset(n); every column is
//   stored as an evaluation on CanonicCoset(n).circle_domain() in bit-reversed order (like Stwo).
//   A mask offset o reads row r + o (cyclically, in coset order).
// - A preprocessed column may be smaller than the component that reads it (log size c < n): row r
//   then reads its row r mod 2^c, and it is sampled at π^(n-c) of the out-of-domain point (the
//   repeated column's polynomial is the column's composed with π^(n-c), circle/doubling.h).
// - A main column may be another component's (borrowed, BorrowedTraceColumn), read the same way:
//   the owner's column, of log size c ≤ n, row r reading its row r mod 2^c, sampled at π^(n-c) of
//   the out-of-domain point. One commitment then serves the rows of both components: a
//   convolution's private weights, one period of rows, read by every output position.
// - The composition is C = Σ_k α^{N-1-k}·c_k / Z_{n(k)} over all constraints k of all
//   components in order; the verifier evaluates it in Horner form, acc = acc·α + c_k / Z.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "air/expr.h"
#include "air/preprocessed.h"
#include "air/relation.h"
#include "circle/circle_point.h"
#include "circle/coset.h"
#include "field/m31.h"
#include "field/qm31.h"
#include "fri/secure_column.h"

namespace tensorstark::air {

using field::M31;
using field::QM31;

inline constexpr size_t kPreprocessedTree = 0;
inline constexpr size_t kTraceTree = 1;
inline constexpr size_t kInteractionTree = 2;
inline constexpr size_t kCompositionTree = 3;
inline constexpr uint32_t kMaxConstraintDegree = 3;

// One AddToRelation of a component: the relation and the multiplicity of its fraction.
struct RelationLookup {
  std::string relation;
  Expr multiplicity;
};

// A main column a component reads (at offset 0 only) from another component's trace instead of
// its own: column `column` of its trace is column `owner_column` of the trace of the component
// named `owner`, which borrows none itself.
struct BorrowedTraceColumn {
  size_t column = 0;
  std::string owner;
  size_t owner_column = 0;
};

struct ComponentInfo {
  std::vector<PreprocessedColumnId> preprocessed_columns;  // in the order Evaluate reads them
  std::vector<std::vector<int>> trace_offsets;             // per main-trace column
  std::vector<BorrowedTraceColumn> borrowed_trace;         // by column, ascending
  std::vector<std::vector<int>> interaction_offsets;       // per interaction (M31) column
  size_t n_constraints = 0;
  uint32_t max_constraint_degree = 0;   // degree in the trace columns, 1 … kMaxConstraintDegree
  std::vector<Relation> relations;      // the relations it adds fractions to, by first use
  std::vector<RelationLookup> lookups;  // every fraction of a row, in AddToRelation order
  size_t n_public_inputs = 0;           // 1 + the largest public input index it reads
};

// What the evaluators need besides the trace.
struct EvalContext {
  std::span<const M31> public_inputs;
  const LookupElementsMap* lookup_elements = nullptr;  // null before the challenges are drawn
  QM31 claimed_sum;                                    // this component's LogUp sum
};

// Columns of one component, per tree (0, 1, 2): tree 0 holds its preprocessed columns in Info
// order. All columns have the same length: 2^log_size on the trace domain, or 2^k on an
// evaluation domain of log size k (bit-reversed order either way).
struct ColumnsView {
  std::array<std::vector<std::span<const M31>>, 3> trees;
};

// Sampled values at the out-of-domain point: mask[tree][column][i] is the column's value at
// point + offsets[i]·step (tree 0: offset 0 only, at the doubled point for a column smaller than
// the component). Interaction columns are M31 coordinates.
using MaskValues = std::array<std::vector<std::vector<QM31>>, 3>;

struct InteractionTrace {
  std::vector<std::vector<M31>> columns;  // 4 per LogUp batch, trace-domain storage order
  QM31 claimed_sum;
};

struct ConstraintFailure {
  std::string component;
  size_t constraint = 0;  // index in Evaluate order
  size_t row = 0;         // coset-order row
  std::string expression;
};

struct ZkBlinding;  // zk_blinding.h

class Component {
 public:
  virtual ~Component() = default;

  virtual std::string name() const = 0;
  virtual uint32_t log_size() const = 0;
  virtual ComponentInfo Info() const = 0;

  // The domain the composition is evaluated on: log_size + ceil(log2(max degree - 1)), at least
  // log_size + 1 (disjoint from the trace domain). With columns in the circle FFT space of
  // N = 2^log_size points, a degree-d constraint divided by the trace domain's vanishing
  // polynomial π^(log_size-1)(x) lies in the FFT space of that many points: for d = 3, both parts
  // of f0(x) + y·f1(x) have degree ≤ N - 1 (docs/proving-engine.md, tests/air/
  // quotient_degree_test.cc).
  uint32_t EvalLogSize() const;

  // Prover: the LogUp columns (batched in pairs) and claimed sum from the main trace.
  // Components without relations return no columns and a zero sum.
  virtual InteractionTrace GenerateInteractionTrace(const ColumnsView& trace,
                                                    const EvalContext& ctx) const = 0;

  // Prover: for every point P of `domain`, adds Σ_j coeffs[j]·c_j(P) / Z(P) to accumulator
  // (bit-reversed order). The domain has log size EvalLogSize(): the canonic domain or a
  // bit-reversed prefix of a larger canonic one (CanonicCoset::BitReversedPrefix), so that
  // committed evaluations at a higher blowup serve as they are. `columns` are the component's
  // columns evaluated on that domain; coeffs has n_constraints entries.
  virtual void EvaluateOnDomain(const circle::CircleDomain& domain, const ColumnsView& columns,
                                const EvalContext& ctx, std::span<const QM31> coeffs,
                                fri::SecureColumn& accumulator) const = 0;

  // Verifier: acc = acc·random_coeff + c_j(point) / Z(point), constraint by constraint.
  virtual void EvaluateAtPoint(const MaskValues& mask, const circle::CirclePoint<QM31>& point,
                               QM31 random_coeff, const EvalContext& ctx,
                               QM31& accumulator) const = 0;

  // Debugging: checks every constraint on every row of a concrete trace (trees 0, 1 and 2 on
  // the trace domain) and names the first that fails.
  virtual std::optional<ConstraintFailure> AssertConstraints(const ColumnsView& trace,
                                                             const EvalContext& ctx) const = 0;

  // The constraints as expressions (expr.h), in Evaluate order.
  virtual std::vector<Expr> Constraints() const = 0;
  // The same, printed, a binding of a large shared part before the first that uses it
  // (ExprPrinter).
  std::vector<std::string> ConstraintExpressions() const;

  // The values, in coset row order, of a kData column among Info().preprocessed_columns.
  virtual std::vector<M31> PreprocessedData(const PreprocessedColumnId& id) const;

  // Zero-knowledge mode: this component with its LogUp claimed sum blinded (zk_blinding.h), or
  // null if it cannot be (framework.h's components can).
  virtual std::unique_ptr<Component> WithZkBlinding(const ZkBlinding& blinding) const;
};

}  // namespace tensorstark::air
