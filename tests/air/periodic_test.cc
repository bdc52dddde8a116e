// Preprocessed columns smaller than the component that reads them: the column repeats every 2^c
// rows and is sampled at the doubled out-of-domain point. One column shared by two components of
// different sizes proves and verifies; a trace that breaks the repetition, or a proof whose
// sampled column value was changed, is rejected.
#include <doctest/doctest.h>

#include <memory>
#include <variant>
#include <vector>

#include "air/data_component.h"
#include "air/framework.h"
#include "air/profiles.h"
#include "air/prover.h"
#include "air/setup.h"
#include "air/verifier.h"
#include "hash_families.h"
#include "test_util.h"

namespace tensorstark::air {
namespace {

using Hash = testing::Blake2s;
constexpr uint32_t kPeriodLogSize = 4;

// x = w·w + 1 on every row, with w a data column of 2^kPeriodLogSize rows.
class RepeatedSquare : public DataComponent {
 public:
  using DataComponent::DataComponent;
  template <class E>
  void Evaluate(E& eval) const {
    const typename E::F w = Data(eval, 0);
    const typename E::F x = eval.NextTraceMask();
    eval.AddConstraint(x - w * w - M31::One());
  }
};

struct PeriodicAir {
  std::shared_ptr<const DataColumns> data;
  std::vector<std::unique_ptr<Component>> components;
  std::vector<std::vector<std::vector<M31>>> traces;  // coset order

  explicit PeriodicAir(std::vector<uint32_t> log_sizes) {
    tensorstark::testing::Rng rng;
    auto columns = std::make_shared<DataColumns>(1);
    for (size_t r = 0; r < size_t{1} << kPeriodLogSize; ++r) (*columns)[0].push_back(rng.M31());
    data = columns;
    for (uint32_t log_size : log_sizes) {
      components.push_back(std::make_unique<FrameworkComponent<RepeatedSquare>>(
          RepeatedSquare("square_" + std::to_string(log_size), log_size, 0, data)));
      std::vector<M31> x(size_t{1} << log_size);
      for (size_t r = 0; r < x.size(); ++r) {
        const M31 w = (*data)[0][r % (*data)[0].size()];
        x[r] = w * w + M31::One();
      }
      traces.push_back({x});
    }
  }

  std::vector<const Component*> Pointers() const {
    std::vector<const Component*> pointers;
    for (const auto& component : components) pointers.push_back(component.get());
    return pointers;
  }
};

std::variant<StarkProof<Hash::H>, ProvingError> ProveAir(PeriodicAir& air, bool check = true) {
  std::vector<std::vector<std::vector<M31>>> traces = air.traces;
  for (auto& trace : traces) {
    for (auto& column : trace) {
      circle::BitReverseCosetToCircleDomainOrder(std::span<M31>(column));
    }
  }
  return Prove<Hash::C, Hash::H>(ProfileConfig(Profile::kTest), air.Pointers(), std::move(traces),
                                 {}, ProveOptions{.check_constraints = check});
}

std::optional<VerificationError> VerifyAir(const PeriodicAir& air,
                                           const StarkProof<Hash::H>& proof) {
  auto key = Setup<Hash::H>(air.Pointers(), proof.config);
  REQUIRE(std::holds_alternative<VerifyingKey<Hash::H>>(key));
  return Verify<Hash::C, Hash::H>(air.Pointers(), proof, std::get<VerifyingKey<Hash::H>>(key),
                                  /*min_security_bits=*/0);
}

TEST_CASE("a small preprocessed column shared by components of two sizes") {
  PeriodicAir air({6, 8});
  auto layout = MakeLayout(air.Pointers(), ProfileConfig(Profile::kTest));
  REQUIRE(std::holds_alternative<AirLayout>(layout));
  // One committed column of 16 rows, sampled at the point doubled twice and four times.
  CHECK(std::get<AirLayout>(layout).column_log_sizes[kPreprocessedTree] ==
        std::vector<uint32_t>{kPeriodLogSize});
  CHECK(std::get<AirLayout>(layout).preprocessed_doublings ==
        std::vector<std::vector<uint32_t>>{{2, 4}});

  auto proof = ProveAir(air);
  REQUIRE(std::holds_alternative<StarkProof<Hash::H>>(proof));
  const auto error = VerifyAir(air, std::get<StarkProof<Hash::H>>(proof));
  CHECK_MESSAGE(!error, (error ? ToString(*error) : ""));

  SUBCASE("a changed sample of the column is rejected") {
    StarkProof<Hash::H> tampered = std::get<StarkProof<Hash::H>>(proof);
    tampered.pcs.sampled_values[kPreprocessedTree][0][1] += QM31::One();
    const auto rejected = VerifyAir(air, tampered);
    REQUIRE(rejected.has_value());
    CHECK(rejected->kind == VerificationError::Kind::kOodsMismatch);
  }
}

TEST_CASE("a row that does not repeat the column is rejected") {
  PeriodicAir air({6, 8});
  // Row 17 of the larger component reads the column's row 1; give it row 2's square instead.
  const M31 w2 = (*air.data)[0][2];
  air.traces[1][0][17] = w2 * w2 + M31::One();
  auto refused = ProveAir(air);
  REQUIRE(std::holds_alternative<ProvingError>(refused));
  const ProvingError& error = std::get<ProvingError>(refused);
  REQUIRE(error.failure.has_value());
  CHECK(error.failure->component == "square_8");
  CHECK(error.failure->row == 17);

  // The proof a cheating prover would send anyway.
  auto proof = ProveAir(air, /*check=*/false);
  REQUIRE(std::holds_alternative<StarkProof<Hash::H>>(proof));
  const auto rejected = VerifyAir(air, std::get<StarkProof<Hash::H>>(proof));
  REQUIRE(rejected.has_value());
  CHECK(rejected->kind == VerificationError::Kind::kOodsMismatch);
}

TEST_CASE("a preprocessed column larger than its component is an invalid AIR") {
  PeriodicAir air({});
  auto big = std::make_shared<DataColumns>(1, std::vector<M31>(size_t{1} << 7));
  air.components.push_back(
      std::make_unique<FrameworkComponent<RepeatedSquare>>(RepeatedSquare("square_6", 6, 0, big)));
  auto layout = MakeLayout(air.Pointers(), ProfileConfig(Profile::kTest));
  REQUIRE(std::holds_alternative<std::string>(layout));
  CHECK(std::get<std::string>(layout).find("data_0_7") != std::string::npos);
}

}  // namespace
}  // namespace tensorstark::air
