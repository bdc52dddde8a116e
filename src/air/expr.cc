#include "air/expr.h"

#include <fmt/format.h>

#include <algorithm>
#include <cassert>
#include <utility>

namespace tensorstark::air {

struct Expr::Node {
  Op op = Op::kConstant;
  QM31 constant;
  ExprVariable variable;
  std::vector<Expr> operands;
  uint32_t degree = 0;
  bool extension = false;
  uint64_t tree_size = 1;
};

ExprVariable ExprVariable::Column(Kind kind, size_t index, int offset) {
  assert(kind == Kind::kTrace || kind == Kind::kInteraction);
  ExprVariable v;
  v.kind = kind;
  v.index = index;
  v.offset = offset;
  return v;
}

ExprVariable ExprVariable::Preprocessed(const PreprocessedColumnId& id) {
  ExprVariable v;
  v.kind = Kind::kPreprocessed;
  v.preprocessed = id;
  return v;
}

ExprVariable ExprVariable::PublicInput(size_t index) {
  ExprVariable v;
  v.kind = Kind::kPublicInput;
  v.index = index;
  return v;
}

ExprVariable ExprVariable::LookupZ(const std::string& relation) {
  ExprVariable v;
  v.kind = Kind::kLookupZ;
  v.relation = relation;
  return v;
}

ExprVariable ExprVariable::LookupAlphaPower(const std::string& relation, size_t power) {
  ExprVariable v;
  v.kind = Kind::kLookupAlphaPower;
  v.relation = relation;
  v.index = power;
  return v;
}

ExprVariable ExprVariable::ClaimedSum() {
  ExprVariable v;
  v.kind = Kind::kClaimedSum;
  return v;
}

std::string ExprVariable::Name() const {
  switch (kind) {
    case Kind::kTrace:
      return fmt::format("trace_{}[{}]", index, offset);
    case Kind::kInteraction:
      return fmt::format("interaction_{}[{}]", index, offset);
    case Kind::kPreprocessed:
      return preprocessed.Name();
    case Kind::kPublicInput:
      return fmt::format("public_input_{}", index);
    case Kind::kLookupZ:
      return relation + "_z";
    case Kind::kLookupAlphaPower:
      return fmt::format("{}_alpha_pow_{}", relation, index);
    case Kind::kClaimedSum:
      return "claimed_sum";
  }
  return "";
}

uint32_t ExprVariable::Degree() const {
  return kind == Kind::kTrace || kind == Kind::kInteraction || kind == Kind::kPreprocessed;
}

bool ExprVariable::IsExtension() const {
  return kind == Kind::kLookupZ || kind == Kind::kLookupAlphaPower || kind == Kind::kClaimedSum;
}

Expr::Expr() : Expr(QM31()) {}

Expr::Expr(M31 value) : Expr(QM31(value)) {}

Expr::Expr(QM31 value) {
  auto node = std::make_shared<Node>();
  node->constant = value;
  node->extension = value.c0.b != M31() || !value.c1.IsZero();
  node_ = std::move(node);
}

Expr Expr::Variable(ExprVariable variable) {
  auto node = std::make_shared<Node>();
  node->op = Op::kVariable;
  node->degree = variable.Degree();
  node->extension = variable.IsExtension();
  node->variable = std::move(variable);
  return Expr(std::move(node));
}

Expr Expr::Combine(const std::array<Expr, 4>& coords) {
  for (const Expr& c : coords) assert(!c.is_extension() && "Combine takes M31-valued coordinates");
  if (std::all_of(coords.begin(), coords.end(),
                  [](const Expr& c) { return c.op() == Op::kConstant; })) {
    return Expr(QM31(coords[0].constant().c0.a, coords[1].constant().c0.a,
                     coords[2].constant().c0.a, coords[3].constant().c0.a));
  }
  return Make(Op::kCombine, {coords.begin(), coords.end()});
}

Expr Expr::Make(Op op, std::vector<Expr> operands) {
  auto node = std::make_shared<Node>();
  node->op = op;
  constexpr uint64_t kSaturated = uint64_t{1} << 62;
  for (const Expr& e : operands) {
    node->tree_size = std::min(node->tree_size + e.tree_size(), kSaturated);
    node->degree = op == Op::kMul ? node->degree + e.degree() : std::max(node->degree, e.degree());
    node->extension = node->extension || e.is_extension();
  }
  node->extension = node->extension || op == Op::kCombine;
  node->operands = std::move(operands);
  return Expr(std::move(node));
}

Expr::Op Expr::op() const { return node_->op; }
const QM31& Expr::constant() const { return node_->constant; }
const ExprVariable& Expr::variable() const { return node_->variable; }
std::span<const Expr> Expr::operands() const { return node_->operands; }
uint32_t Expr::degree() const { return node_->degree; }
bool Expr::is_extension() const { return node_->extension; }
uint64_t Expr::tree_size() const { return node_->tree_size; }

bool Expr::IsConstant(M31 value) const {
  return op() == Op::kConstant && constant() == QM31(value);
}

Expr operator+(const Expr& a, const Expr& b) {
  if (a.op() == Expr::Op::kConstant && b.op() == Expr::Op::kConstant) {
    return Expr(a.constant() + b.constant());
  }
  if (a.IsConstant(M31())) return b;
  if (b.IsConstant(M31())) return a;
  return Expr::Make(Expr::Op::kAdd, {a, b});
}

Expr operator-(const Expr& a, const Expr& b) {
  if (a.op() == Expr::Op::kConstant && b.op() == Expr::Op::kConstant) {
    return Expr(a.constant() - b.constant());
  }
  if (b.IsConstant(M31())) return a;
  if (a.IsConstant(M31())) return -b;
  return Expr::Make(Expr::Op::kSub, {a, b});
}

Expr operator*(const Expr& a, const Expr& b) {
  if (a.op() == Expr::Op::kConstant && b.op() == Expr::Op::kConstant) {
    return Expr(a.constant() * b.constant());
  }
  if (a.IsConstant(M31()) || b.IsConstant(M31())) return Expr();
  if (a.IsConstant(M31::One())) return b;
  if (b.IsConstant(M31::One())) return a;
  return Expr::Make(Expr::Op::kMul, {a, b});
}

Expr Expr::operator-() const {
  if (op() == Op::kConstant) return Expr(-constant());
  return Make(Op::kNeg, {*this});
}

namespace {

// Binding strength: sums 1, products 2, negation 3, atoms 4.
int Precedence(const Expr& e) {
  switch (e.op()) {
    case Expr::Op::kAdd:
    case Expr::Op::kSub:
      return 1;
    case Expr::Op::kMul:
      return 2;
    case Expr::Op::kNeg:
      return 3;
    default:
      return 4;
  }
}

std::string ConstantText(const QM31& v) {
  if (v.c0.b == M31() && v.c1.IsZero()) return std::to_string(v.c0.a.value());
  return fmt::format("qm31({}, {}, {}, {})", v.c0.a.value(), v.c0.b.value(), v.c1.a.value(),
                     v.c1.b.value());
}

}  // namespace

std::string Expr::ToString() const {
  ExprPrinter printer;
  const std::string text = printer.Print(*this);
  std::string bindings;
  for (const std::string& binding : printer.TakeBindings()) bindings += binding + "; ";
  return bindings + text;
}

std::string ExprPrinter::Print(const Expr& e) { return Node(e); }

std::string ExprPrinter::Subexpression(const Expr& e) {
  if (e.tree_size() <= kMaxInlineTreeSize) return Node(e);
  if (auto it = names_.find(e.id()); it != names_.end()) return it->second;
  const std::string text = Node(e);
  std::string name = fmt::format("shared_{}", names_.size());
  bindings_.push_back(fmt::format("{} = {}", name, text));
  return names_.emplace(e.id(), std::move(name)).first->second;
}

std::vector<std::string> ExprPrinter::TakeBindings() { return std::exchange(bindings_, {}); }

// Parenthesises an operand that binds less tightly than `min_precedence` requires (a name binds
// as tightly as a variable).
std::string ExprPrinter::Operand(const Expr& e, int min_precedence) {
  const std::string text = Subexpression(e);
  const int precedence = names_.contains(e.id()) ? 4 : Precedence(e);
  return precedence < min_precedence ? fmt::format("({})", text) : text;
}

std::string ExprPrinter::Node(const Expr& e) {
  const std::span<const Expr> ops = e.operands();
  // A second operand also parenthesises a negation: "a - (-b)" rather than "a - -b".
  auto right = [&](const Expr& operand, int min_precedence) {
    return Operand(operand, operand.op() == Expr::Op::kNeg ? 4 : min_precedence);
  };
  switch (e.op()) {
    case Expr::Op::kConstant:
      return ConstantText(e.constant());
    case Expr::Op::kVariable:
      return e.variable().Name();
    case Expr::Op::kAdd:
      return fmt::format("{} + {}", Operand(ops[0], 1), right(ops[1], 1));
    case Expr::Op::kSub:
      // a - (b + c): the right operand of a difference needs parentheses at equal precedence.
      return fmt::format("{} - {}", Operand(ops[0], 1), right(ops[1], 2));
    case Expr::Op::kMul:
      return fmt::format("{} * {}", Operand(ops[0], 2), right(ops[1], 2));
    case Expr::Op::kNeg:
      return fmt::format("-{}", Operand(ops[0], 4));
    case Expr::Op::kCombine:
      return fmt::format("qm31({}, {}, {}, {})", Subexpression(ops[0]), Subexpression(ops[1]),
                         Subexpression(ops[2]), Subexpression(ops[3]));
  }
  return "";
}

}  // namespace tensorstark::air
