// Symbolic expressions: folding, degrees, printing, and the examples' constraint texts.
#include "air/expr.h"

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <string>
#include <vector>

#include "examples/range_check/range_check.h"
#include "examples/wide_fib/wide_fib.h"

namespace tensorstark::air {
namespace {

Expr Trace(size_t column, int offset = 0) {
  return Expr::Variable(ExprVariable::Column(ExprVariable::Kind::kTrace, column, offset));
}

TEST_CASE("Expr folds constants and tracks degree and field") {
  const Expr a = Trace(0), b = Trace(1, -1);
  const Expr z = Expr::Variable(ExprVariable::LookupZ("rel"));
  CHECK((a + M31()).ToString() == "trace_0[0]");
  CHECK((M31::One() * a).ToString() == "trace_0[0]");
  CHECK((a * M31()).IsConstant(M31()));
  CHECK((Expr(M31::FromCanonical(3)) * M31::FromCanonical(5)).IsConstant(M31::FromCanonical(15)));
  CHECK((a * b * a).degree() == 3);
  CHECK((a * b + z).degree() == 2);
  CHECK(!(a * b).is_extension());
  CHECK((a - z).is_extension());
  CHECK(Expr::Combine({a, b, a, b}).is_extension());
}

TEST_CASE("Expr prints with the parentheses precedence needs") {
  const Expr a = Trace(0), b = Trace(1), c = Trace(2, -1);
  CHECK((a - (b + c)).ToString() == "trace_0[0] - (trace_1[0] + trace_2[-1])");
  CHECK((a - b + c).ToString() == "trace_0[0] - trace_1[0] + trace_2[-1]");
  CHECK(((a + b) * c).ToString() == "(trace_0[0] + trace_1[0]) * trace_2[-1]");
  CHECK((a - -b).ToString() == "trace_0[0] - (-trace_1[0])");
  CHECK((-(a + b)).ToString() == "-(trace_0[0] + trace_1[0])");
  CHECK(Expr(QM31::FromU32(1, 2, 3, 4)).ToString() == "qm31(1, 2, 3, 4)");
  CHECK(Expr::Variable(ExprVariable::PublicInput(2)).ToString() == "public_input_2");
  CHECK(Expr::Variable(ExprVariable::LookupAlphaPower("range_check_8", 1)).ToString() ==
        "range_check_8_alpha_pow_1");
  CHECK(Expr::Variable(ExprVariable::Preprocessed({PreprocessedColumnId::Kind::kIsFirst, 10}))
            .ToString() == "is_first_10");
}

// A sum of the previous sums, repeated: the tree doubles a level while the expression grows by
// one node, as a Poseidon2 permutation's partial rounds grow 16-fold a round.
TEST_CASE("Expr prints a large shared part once, by name") {
  const Expr a = Trace(0), b = Trace(1);
  Expr x = a;
  for (int level = 0; level < 40; ++level) x = (x + b) * x;
  CHECK(x.tree_size() > (uint64_t{1} << 40));
  const std::string text = (x - a).ToString();
  CHECK(text.size() < 100'000);
  CHECK(text.starts_with("shared_0 = "));
  CHECK(text.ends_with(" - trace_0[0]"));
  // One printer over several expressions binds each part once, before its first use; a name
  // binds like a variable: "shared_k * 2", not "(…) * 2".
  ExprPrinter printer;
  const std::string first = printer.Print(x * M31::FromCanonical(2));
  const std::vector<std::string> bindings = printer.TakeBindings();
  REQUIRE(!bindings.empty());
  CHECK(bindings.back().starts_with(fmt::format("shared_{} = ", bindings.size() - 1)));
  CHECK(first.find('(') == std::string::npos);
  CHECK(printer.Print(x + a).ends_with(" + trace_0[0]"));
  CHECK(printer.TakeBindings().empty());
  // Small expressions print in full, as before.
  CHECK(((a + b) * (a + b)).ToString() == "(trace_0[0] + trace_1[0]) * (trace_0[0] + trace_1[0])");
}

TEST_CASE("Wide-Fibonacci constraint texts") {
  const auto instance = examples::MakeWideFib(4, 5);
  const std::vector<std::string> texts = instance.component.ConstraintExpressions();
  REQUIRE(texts.size() == 4);
  CHECK(texts[0] == "trace_0[0] - public_input_0");
  CHECK(texts[1] == "trace_2[0] - (trace_0[0] * trace_0[0] + trace_1[0] * trace_1[0])");
  CHECK(texts[3] == "trace_4[0] - (trace_2[0] * trace_2[0] + trace_3[0] * trace_3[0])");
}

TEST_CASE("Range-check constraint texts") {
  const auto instance = examples::MakeRandomRangeCheck(4, 3, /*n_columns=*/3, /*seed=*/1);
  const std::vector<std::string> values = instance.values.ConstraintExpressions();
  REQUIRE(values.size() == 3);
  CHECK(values[0] == "is_first_4 * (trace_0[0] - public_input_0)");
  // The first batch pairs v_0 and v_1: (col_0 - 0)·d0·d1 - (d1 + d0).
  const std::string col0 =
      "qm31(interaction_0[0], interaction_1[0], interaction_2[0], interaction_3[0])";
  CHECK(values[1] == col0 + " * (trace_0[0] - range_check_3_z) * (trace_1[0] - range_check_3_z)" +
                         " - (trace_1[0] - range_check_3_z + trace_0[0] - range_check_3_z)");
  // The last batch is the single v_2, with the prefix-sum step and the shift claimed_sum / 16.
  CHECK(values[2] ==
        "(qm31(interaction_4[0], interaction_5[0], interaction_6[0], interaction_7[0]) - "
        "qm31(interaction_4[-1], interaction_5[-1], interaction_6[-1], interaction_7[-1]) - " +
            col0 + " + claimed_sum * 134217728) * (trace_2[0] - range_check_3_z) - 1");

  const std::vector<std::string> table = instance.table.ConstraintExpressions();
  REQUIRE(table.size() == 1);
  CHECK(table[0] ==
        "(qm31(interaction_0[0], interaction_1[0], interaction_2[0], interaction_3[0]) - "
        "qm31(interaction_0[-1], interaction_1[-1], interaction_2[-1], interaction_3[-1]) + "
        "claimed_sum * 268435456) * (seq_3 - range_check_3_z) - (-trace_0[0])");
}

}  // namespace
}  // namespace tensorstark::air
