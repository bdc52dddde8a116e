// LogUp's multiplicity bound (air/lookup_bound.h): setup refuses an AIR whose fixed
// multiplicities of one relation sum to 2^30 or more, counting each row of a repeated
// preprocessed column and -m as m, and not counting a multiplicity the prover's trace holds.
#include <doctest/doctest.h>

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "air/framework.h"
#include "air/profiles.h"
#include "air/setup.h"
#include "hash_families.h"

namespace tensorstark::air {
namespace {

using Hash = testing::Blake2s;

// Adds a trace value x per row to relation "bounded" with a fixed multiplicity (a constant, times
// a preprocessed column if given) and yields it back with the trace's multiplicity column m.
class FixedReads {
 public:
  FixedReads(uint32_t log_size, M31 multiplicity, std::optional<PreprocessedColumnId> column)
      : log_size_(log_size), multiplicity_(multiplicity), column_(column) {}

  std::string name() const { return "fixed_reads"; }
  uint32_t log_size() const { return log_size_; }

  template <class E>
  void Evaluate(E& eval) const {
    using F = typename E::F;
    const F x = eval.NextTraceMask();
    const F m = eval.NextTraceMask();
    if (column_) {
      eval.AddToRelation(relation_, eval.GetPreprocessedColumn(*column_) * multiplicity_, {x});
    } else {
      eval.AddToRelation(relation_, multiplicity_, {x});
    }
    eval.AddToRelation(relation_, -m, {x});
    eval.FinalizeLogupInPairs();
  }

 private:
  uint32_t log_size_;
  M31 multiplicity_;
  std::optional<PreprocessedColumnId> column_;
  Relation relation_{"bounded", 1};
};

// Setup's error for one such component, or "" if it accepts the AIR.
std::string SetupError(uint32_t log_size, M31 multiplicity,
                       std::optional<PreprocessedColumnId> column = std::nullopt) {
  const FrameworkComponent<FixedReads> component(FixedReads(log_size, multiplicity, column));
  const std::vector<const Component*> components = {&component};
  auto key = Setup<Hash::H>(components, ProfileConfig(Profile::kTest));
  const std::string* error = std::get_if<std::string>(&key);
  return error ? *error : "";
}

TEST_CASE("LogUp bound: a relation's constant multiplicities over all rows stay below 2^30") {
  // 32 rows: 2^25 each reaches 2^30.
  CHECK(SetupError(5, M31::FromCanonical((1u << 25) - 1)).empty());
  const std::string error = SetupError(5, M31::FromCanonical(1u << 25));
  CHECK(error.find("relation bounded") != std::string::npos);
  CHECK(error.find("1073741824") != std::string::npos);
  CHECK(error.find("2^30") != std::string::npos);
  // -m counts as m.
  CHECK_FALSE(SetupError(5, -M31::FromCanonical(1u << 25)).empty());
}

TEST_CASE("LogUp bound: preprocessed multiplicities count row by row") {
  // is_first: one row of 2^30 - 1 is within the bound, every row of it is not.
  const PreprocessedColumnId is_first{PreprocessedColumnId::Kind::kIsFirst, 5};
  CHECK(SetupError(5, M31::FromCanonical((1u << 30) - 1), is_first).empty());
  CHECK_FALSE(SetupError(5, M31::FromCanonical((1u << 30) - 1)).empty());
  // seq of 32 rows read by 64: it repeats, so its rows sum to 2·(0 + … + 31) = 992 per unit.
  const PreprocessedColumnId seq{PreprocessedColumnId::Kind::kSeq, 5};
  CHECK(SetupError(6, M31::FromCanonical(1082401), seq).empty());  // 992·1082401 < 2^30
  CHECK_FALSE(SetupError(6, M31::FromCanonical(1082402), seq).empty());
}

}  // namespace
}  // namespace tensorstark::air
