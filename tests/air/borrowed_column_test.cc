// Main columns one component borrows from another (component.h, BorrowedTraceColumn): the owner's
// column of 2^c rows is read by a larger component periodically, sampled at the doubled
// out-of-domain point. A table read by components of two sizes proves and verifies, with and
// without zero knowledge; a reader row that does not repeat the table, or a proof whose borrowed
// sample was changed, is rejected; borrowing what cannot be borrowed is an invalid AIR.
#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "air/framework.h"
#include "air/profiles.h"
#include "air/prover.h"
#include "air/setup.h"
#include "air/verifier.h"
#include "circle/bit_reverse.h"
#include "hash_families.h"
#include "test_util.h"

namespace tensorstark::air {
namespace {

using Hash = testing::Blake2s;
constexpr uint32_t kTableLogSize = 4;
const std::string kTableName = "square_table";

// Main columns w and s = w·w, one row per table entry.
class SquareTable {
 public:
  std::string name() const { return kTableName; }
  uint32_t log_size() const { return kTableLogSize; }
  template <class E>
  void Evaluate(E& eval) const {
    const typename E::F w = eval.NextTraceMask();
    const typename E::F s = eval.NextTraceMask();
    eval.AddConstraint(s - w * w);
  }
};

// x = w·w + 1 on every row, w the table's column 0 (borrowed), x its own.
class TableReader {
 public:
  TableReader(uint32_t log_size, std::string owner)
      : log_size_(log_size), owner_(std::move(owner)) {}
  std::string name() const { return "reader_" + std::to_string(log_size_); }
  uint32_t log_size() const { return log_size_; }
  std::vector<BorrowedTraceColumn> BorrowedTrace() const { return {{0, owner_, 0}}; }
  template <class E>
  void Evaluate(E& eval) const {
    const typename E::F w = eval.NextTraceMask();
    const typename E::F x = eval.NextTraceMask();
    eval.AddConstraint(x - w * w - M31::One());
  }

 private:
  uint32_t log_size_;
  std::string owner_;
};

struct BorrowingAir {
  std::vector<M31> table;
  std::vector<std::unique_ptr<Component>> components;
  std::vector<std::vector<std::vector<M31>>> traces;  // coset order, own columns only

  explicit BorrowingAir(std::vector<uint32_t> reader_log_sizes, std::string owner = kTableName) {
    tensorstark::testing::Rng rng;
    for (size_t r = 0; r < size_t{1} << kTableLogSize; ++r) table.push_back(rng.M31());
    components.push_back(std::make_unique<FrameworkComponent<SquareTable>>(SquareTable()));
    std::vector<M31> squares;
    for (M31 w : table) squares.push_back(w * w);
    traces.push_back({table, squares});
    for (uint32_t log_size : reader_log_sizes) {
      components.push_back(
          std::make_unique<FrameworkComponent<TableReader>>(TableReader(log_size, owner)));
      std::vector<M31> x(size_t{1} << log_size);
      for (size_t r = 0; r < x.size(); ++r)
        x[r] = table[r % table.size()] * table[r % table.size()] + M31::One();
      traces.push_back({x});
    }
  }

  std::vector<const Component*> Pointers() const {
    std::vector<const Component*> pointers;
    for (const auto& component : components) pointers.push_back(component.get());
    return pointers;
  }
};

ProofConfig Config(bool zk) {
  ProofConfig config = ProfileConfig(Profile::kTest);
  config.zk = zk;
  return config;
}

std::variant<StarkProof<Hash::H>, ProvingError> ProveAir(const BorrowingAir& air, bool zk,
                                                         bool check = true) {
  std::vector<std::vector<std::vector<M31>>> traces = air.traces;
  for (auto& trace : traces) {
    for (auto& column : trace) circle::BitReverseCosetToCircleDomainOrder(std::span<M31>(column));
  }
  return Prove<Hash::C, Hash::H>(
      Config(zk), air.Pointers(), std::move(traces), {},
      ProveOptions{.check_constraints = check, .zk_seed = hash::RandomSeed{3}});
}

std::optional<VerificationError> VerifyAir(const BorrowingAir& air,
                                           const StarkProof<Hash::H>& proof) {
  auto key = Setup<Hash::H>(air.Pointers(), proof.config);
  REQUIRE(std::holds_alternative<VerifyingKey<Hash::H>>(key));
  return Verify<Hash::C, Hash::H>(air.Pointers(), proof, std::get<VerifyingKey<Hash::H>>(key),
                                  /*min_security_bits=*/0);
}

TEST_CASE("a table's main column borrowed by components of two sizes") {
  const BorrowingAir air({6, 8});
  for (const bool zk : {false, true}) {
    CAPTURE(zk);
    auto layout_or_error = MakeLayout(air.Pointers(), Config(zk));
    REQUIRE(std::holds_alternative<AirLayout>(layout_or_error));
    const AirLayout& layout = std::get<AirLayout>(layout_or_error);
    // Tree 1 holds the table's two columns and each reader's x, not the borrowed w: column 0 is
    // sampled at the point itself, doubled twice and four times.
    CHECK(layout.components[1].n_trace_columns == 1);
    CHECK(layout.components[1].trace_reads[0].column == 0);
    CHECK(layout.components[2].trace_reads[1].column == 3);
    CHECK(layout.trace_doublings[0] == std::vector<uint32_t>{2, 4});
    CHECK(layout.trace_doublings[1].empty());
    // A reader's polynomials hold the table's composed with its doublings.
    for (size_t reader : {1, 2}) {
      CHECK(layout.components[reader].column_log_size >=
            layout.components[0].column_log_size +
                layout.components[reader].trace_reads[0].doublings);
    }

    auto proof = ProveAir(air, zk);
    REQUIRE(std::holds_alternative<StarkProof<Hash::H>>(proof));
    const auto error = VerifyAir(air, std::get<StarkProof<Hash::H>>(proof));
    CHECK_MESSAGE(!error, (error ? ToString(*error) : ""));

    // The table's column 0 at the point doubled twice: what reader_6 reads.
    StarkProof<Hash::H> tampered = std::get<StarkProof<Hash::H>>(proof);
    REQUIRE(tampered.pcs.sampled_values[kTraceTree][0].size() == 3);
    tampered.pcs.sampled_values[kTraceTree][0][1] += QM31::One();
    const auto rejected = VerifyAir(air, tampered);
    REQUIRE(rejected.has_value());
    CHECK(rejected->kind == VerificationError::Kind::kOodsMismatch);
  }
}

TEST_CASE("a reader row that does not repeat the borrowed column is rejected") {
  BorrowingAir air({6, 8});
  // Row 17 of reader_8 reads the table's row 1; give it row 2's square instead.
  air.traces[2][0][17] = air.table[2] * air.table[2] + M31::One();
  for (const bool zk : {false, true}) {
    CAPTURE(zk);
    auto refused = ProveAir(air, zk);
    REQUIRE(std::holds_alternative<ProvingError>(refused));
    const ProvingError& error = std::get<ProvingError>(refused);
    REQUIRE(error.failure.has_value());
    CHECK(error.failure->component == "reader_8");
    CHECK(error.failure->row == 17);

    // The proof a cheating prover would send anyway.
    auto proof = ProveAir(air, zk, /*check=*/false);
    REQUIRE(std::holds_alternative<StarkProof<Hash::H>>(proof));
    const auto rejected = VerifyAir(air, std::get<StarkProof<Hash::H>>(proof));
    REQUIRE(rejected.has_value());
    CHECK(rejected->kind == VerificationError::Kind::kOodsMismatch);
  }
}

TEST_CASE("borrowing a column that cannot be read is an invalid AIR") {
  const auto refusal = [](const BorrowingAir& air) {
    auto layout = MakeLayout(air.Pointers(), Config(false));
    REQUIRE(std::holds_alternative<std::string>(layout));
    return std::get<std::string>(layout);
  };
  CHECK(refusal(BorrowingAir({6}, "no_such_table")).find("no_such_table") != std::string::npos);
  CHECK(refusal(BorrowingAir({6}, "reader_6")).find("reader_6") != std::string::npos);
  // A reader smaller than the table.
  CHECK(refusal(BorrowingAir({kTableLogSize - 1})).find("log size") != std::string::npos);
}

}  // namespace
}  // namespace tensorstark::air
