// Symbolic constraint expressions (protocol reference §9.1, Stwo's constraint_framework/expr):
// the values the expression evaluator runs a component's Evaluate on. An Expr is an immutable
// tree over constants and named variables (trace cells, preprocessed columns, public inputs,
// lookup elements, the claimed sum). It gives each constraint's degree in the trace columns, its
// printable text, and the structure a code generator (the Cairo verifier) walks.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "air/preprocessed.h"
#include "field/m31.h"
#include "field/qm31.h"

namespace tensorstark::air {

using field::M31;
using field::QM31;

struct ExprVariable {
  enum class Kind : uint8_t {
    kTrace,             // main-trace column `index` at row offset `offset`
    kInteraction,       // interaction (M31) column `index` at row offset `offset`
    kPreprocessed,      // preprocessed column `preprocessed` at offset 0
    kPublicInput,       // public input `index`
    kLookupZ,           // z of `relation`
    kLookupAlphaPower,  // alpha_powers[index] of `relation` (index ≥ 1)
    kClaimedSum,        // the component's LogUp claimed sum
  };
  Kind kind = Kind::kTrace;
  size_t index = 0;
  int offset = 0;
  PreprocessedColumnId preprocessed;
  std::string relation;

  static ExprVariable Column(Kind kind, size_t index, int offset);  // kTrace or kInteraction
  static ExprVariable Preprocessed(const PreprocessedColumnId& id);
  static ExprVariable PublicInput(size_t index);
  static ExprVariable LookupZ(const std::string& relation);
  static ExprVariable LookupAlphaPower(const std::string& relation, size_t power);
  static ExprVariable ClaimedSum();

  // trace_3[0], interaction_2[-1], is_first_10, public_input_0, range_check_8_z,
  // range_check_8_alpha_pow_1, claimed_sum.
  std::string Name() const;
  // Columns are polynomials of degree 1 in the trace; the rest are constants.
  uint32_t Degree() const;
  // Lookup elements and the claimed sum are QM31; columns and public inputs are M31.
  bool IsExtension() const;
};

class Expr {
 public:
  enum class Op : uint8_t { kConstant, kVariable, kAdd, kSub, kMul, kNeg, kCombine };

  Expr();  // the constant 0
  // Implicit, so that M31 constants mix into arithmetic like with the numeric evaluators.
  Expr(M31 value);  // NOLINT(google-explicit-constructor)
  explicit Expr(QM31 value);
  static Expr Variable(ExprVariable variable);
  // e0 + e1·i + e2·u + e3·iu from four M31-valued expressions (QM31::FromPartialEvals).
  static Expr Combine(const std::array<Expr, 4>& coords);

  Op op() const;
  const QM31& constant() const;          // kConstant
  const ExprVariable& variable() const;  // kVariable
  std::span<const Expr> operands() const;
  uint32_t degree() const;
  bool is_extension() const;
  // The number of nodes written out as a tree (shared nodes counted at each use), saturating.
  uint64_t tree_size() const;
  bool IsConstant(M31 value) const;
  // The node's identity: expressions built once and used in several places share it (a code
  // generator emits such a node once).
  const void* id() const { return node_.get(); }

  // Infix text with the parentheses precedence requires, e.g.
  // "trace_2[0] - (trace_0[0] * trace_0[0] + trace_1[0] * trace_1[0])"; large shared parts as
  // bindings before it, "shared_0 = ...; shared_1 = ...; <expression>" (ExprPrinter).
  std::string ToString() const;

  // Constant operands are folded (x + 0, x·1, x·0, constant·constant) so that the LogUp
  // constraints print without their zero terms.
  friend Expr operator+(const Expr& a, const Expr& b);
  friend Expr operator-(const Expr& a, const Expr& b);
  friend Expr operator*(const Expr& a, const Expr& b);
  Expr operator-() const;
  Expr& operator+=(const Expr& o) { return *this = *this + o; }
  Expr& operator-=(const Expr& o) { return *this = *this - o; }
  Expr& operator*=(const Expr& o) { return *this = *this * o; }

 private:
  struct Node;
  explicit Expr(std::shared_ptr<const Node> node) : node_(std::move(node)) {}
  static Expr Make(Op op, std::vector<Expr> operands);

  std::shared_ptr<const Node> node_;
};

// Prints expressions as text. A subexpression whose tree has more than kMaxInlineTreeSize nodes
// is printed once, as a binding "shared_3 = ...", and by its name wherever it occurs after: a
// Poseidon2 permutation in one row (poseidon2_permutation_row.h) builds each partial round's
// lanes from all 16 of the round before, so its trees grow 16-fold a round while the expression
// itself stays a few thousand nodes. Smaller expressions print in full.
class ExprPrinter {
 public:
  static constexpr uint64_t kMaxInlineTreeSize = 4096;

  // The expression's text, its large parts by name.
  std::string Print(const Expr& e);
  // The bindings Print has made since the last call, each before the first text that uses it.
  std::vector<std::string> TakeBindings();

 private:
  std::string Subexpression(const Expr& e);  // by name if large
  std::string Operand(const Expr& e, int min_precedence);
  std::string Node(const Expr& e);  // the node's own text

  std::unordered_map<const void*, std::string> names_;
  std::vector<std::string> bindings_;
};

}  // namespace tensorstark::air
