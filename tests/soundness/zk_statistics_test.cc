// Zero knowledge, tested statistically (docs/zero-knowledge.md §9): two witnesses of the same
// statement (the range-check AIR with one private value changed) proved many times each. A
// chi-square test of homogeneity on values every proof reveals (an out-of-domain sample of a
// private column, a LogUp claimed sum, the first opened values, a FRI layer value, the last FRI
// layer) must not tell the two witnesses apart in zero-knowledge mode, and must tell them apart
// without it: the test can fail.
#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <utility>
#include <variant>

#include "air/layout.h"
#include "soundness_util.h"

namespace tensorstark {
namespace {

using field::M31;

using S = soundness::Case<soundness::RangeCheckExample, soundness::Blake2s>;

constexpr size_t kProofs = 1000;  // per witness
constexpr size_t kBins = 16;      // by the top 4 bits of an M31 value
// The chi-square quantile at p = 0.001 for kBins - 1 = 15 degrees of freedom.
constexpr double kCriticalValue = 37.70;

// The revealed values a test looks at, one M31 of each per proof. The first opened values of trees
// 1 and 2 are, without zero knowledge, private column 0 and its LogUp column at the first query.
constexpr std::array<const char*, 6> kStatistics = {"out-of-domain sample of private column 0",
                                                    "claimed sum of the private component",
                                                    "first opened value of tree 1",
                                                    "first opened value of tree 2",
                                                    "first FRI layer witness",
                                                    "last FRI layer"};

template <class Proof>
std::array<field::M31, kStatistics.size()> Revealed(const Proof& proof) {
  const auto& pcs = proof.pcs;
  return {pcs.sampled_values[air::kTraceTree][0][0].ToM31Array()[0],
          proof.claimed_sums[0].ToM31Array()[0],
          pcs.queried_values[air::kTraceTree][0],
          pcs.queried_values[air::kInteractionTree][0],
          pcs.fri_proof.first_layer.fri_witness[0].ToM31Array()[0],
          pcs.fri_proof.last_layer_poly[0].ToM31Array()[0]};
}

// X² = Σ (a_i - b_i)² / (a_i + b_i) over the bins: two equal-sized samples from one distribution.
double ChiSquare(const std::array<size_t, kBins>& a, const std::array<size_t, kBins>& b) {
  double x2 = 0;
  for (size_t i = 0; i < kBins; ++i) {
    if (a[i] + b[i] == 0) continue;
    const double d = static_cast<double>(a[i]) - static_cast<double>(b[i]);
    x2 += d * d / static_cast<double>(a[i] + b[i]);
  }
  return x2;
}

// The chi-square statistic of each revealed value over kProofs proofs of each witness.
std::array<double, kStatistics.size()> Homogeneity(const air::ProofConfig& config) {
  const soundness::Air first = soundness::RangeCheckAir();
  std::vector<soundness::Trace> second = first.traces;
  // One private value changed, v to v + 1 in range, and the table's multiplicities with it; the
  // statement (row 0 of column 0) stays.
  M31& value = second[0][0][soundness::StoragePosition(5, soundness::kLogRows)];
  const uint32_t v = value.value(), w = (v + 1) % (1u << soundness::kLogRange);
  value = M31::FromCanonical(w);
  second[1][0][soundness::StoragePosition(v, soundness::kLogRange)] -= M31::One();
  second[1][0][soundness::StoragePosition(w, soundness::kLogRange)] += M31::One();
  std::array<std::array<std::array<size_t, kBins>, kStatistics.size()>, 2> histograms{};
  for (size_t witness = 0; witness < 2; ++witness) {
    for (size_t i = 0; i < kProofs; ++i) {
      hash::RandomSeed seed{};
      seed[0] = static_cast<uint8_t>(witness);
      seed[1] = static_cast<uint8_t>(i);
      seed[2] = static_cast<uint8_t>(i >> 8);
      const auto proof =
          soundness::ProveOrFail<S>(config, first.Pointers(), witness == 0 ? first.traces : second,
                                    first.public_inputs, true, seed);
      const auto values = Revealed(proof);
      for (size_t s = 0; s < values.size(); ++s) ++histograms[witness][s][values[s].value() >> 27];
    }
  }
  std::array<double, kStatistics.size()> x2{};
  for (size_t s = 0; s < x2.size(); ++s) x2[s] = ChiSquare(histograms[0][s], histograms[1][s]);
  return x2;
}

TEST_CASE("zero-knowledge proofs of two witnesses are indistinguishable, plain ones are not") {
  air::ProofConfig zk = soundness::NoGrindConfig();
  zk.zk = true;
  // Both layouts of a randomized column f + Z_H·r (docs/zero-knowledge.md §3) are under test: r
  // smaller than the checked values' trace (f's coefficients, then r's, then zeros), and as large
  // as the table's.
  const auto layout = air::MakeLayout(soundness::RangeCheckAir().Pointers(), zk);
  REQUIRE(std::holds_alternative<air::AirLayout>(layout));
  const air::AirLayout& zk_layout = std::get<air::AirLayout>(layout);
  REQUIRE(zk_layout.components.size() == 2);
  CHECK(zk_layout.zk_randomizer_log_size < soundness::kLogRows);
  CHECK(zk_layout.zk_randomizer_log_size == soundness::kLogRange);
  const std::array<double, kStatistics.size()> with_zk = Homogeneity(zk);
  const std::array<double, kStatistics.size()> without = Homogeneity(soundness::NoGrindConfig());
  double largest_without = 0;
  for (size_t s = 0; s < kStatistics.size(); ++s) {
    INFO(std::string(kStatistics[s]), ": X² = ", with_zk[s], " with zero knowledge, ", without[s],
         " without");
    CHECK(with_zk[s] < kCriticalValue);
    largest_without = std::max(largest_without, without[s]);
  }
  // Plain proofs are deterministic: each witness puts all its proofs in one bin.
  CHECK(largest_without > kCriticalValue);
}

}  // namespace
}  // namespace tensorstark
