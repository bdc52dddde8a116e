#include "recursion/deep_quotients.h"

#include <doctest/doctest.h>

#include <vector>

#include "circle/bit_reverse.h"
#include "circle/coset.h"
#include "recursion/bits.h"
#include "test_util.h"

namespace tensorstark::recursion {
namespace {

using field::M31;
using field::QM31;

// Three sample points (random QM31 coordinates), columns sampled at one, two or all of them,
// and a query's point of a 2^6 domain: the circuit's combined quotient must be the native one.
std::pair<hash::Blake2sHash, QM31> Quotient(uint64_t seed, bool with_values, QM31* native) {
  testing::Rng rng(seed);
  constexpr size_t kColumns = 5;
  constexpr uint32_t kLogSize = 6;
  std::vector<fri::ColumnSampleBatch> batches(3);
  for (size_t b = 0; b < batches.size(); ++b) {
    batches[b].point = {rng.QM31(), rng.QM31()};
    for (size_t column = 0; column < kColumns; ++column) {
      if (b == 0 || column % b == 0) batches[b].columns_and_values.emplace_back(column, rng.QM31());
    }
  }
  const QM31 alpha = rng.QM31();
  std::vector<M31> values(kColumns);
  for (M31& v : values) v = rng.M31();
  const size_t position = rng.U32() % (size_t{1} << kLogSize);

  *native = fri::FriQuotientAtPoint(circle::CanonicCoset(kLogSize).circle_domain().at(
                                        circle::BitReverseIndex(position, kLogSize)),
                                    values, fri::PrepareBatches(batches, alpha));

  CircuitBuilder builder(with_values);
  std::vector<SampleBatchWires> batch_wires;
  for (const fri::ColumnSampleBatch& batch : batches) {
    SampleBatchWires& wires = batch_wires.emplace_back();
    wires.x = builder.Guess(ValueType::kQM31, batch.point.x);
    wires.y = builder.Guess(ValueType::kQM31, batch.point.y);
    for (const auto& [column, value] : batch.columns_and_values) {
      wires.columns_and_values.emplace_back(column, builder.Guess(ValueType::kQM31, value));
    }
  }
  const std::vector<BatchWires> prepared =
      PrepareBatches(builder, batch_wires, builder.Guess(ValueType::kQM31, alpha));
  std::vector<Wire> value_wires;
  for (M31 v : values) value_wires.push_back(builder.Guess(ValueType::kM31, QM31(v)));
  const Wire word =
      builder.Guess(ValueType::kM31, QM31(M31::FromCanonical(static_cast<uint32_t>(position))));
  const PointWires point = CanonicDomainPoint(kLogSize, DecomposeBits(word, kLogSize, "position"));
  const Wire quotient = CombinedQuotientAt(point, value_wires, prepared);
  CHECK(!builder.failure());
  return {builder.circuit().Digest(), with_values ? quotient.value() : QM31()};
}

TEST_CASE("the circuit's DEEP quotient at a query is the native one") {
  QM31 native;
  const auto [topology, quotient] = Quotient(1, true, &native);
  CHECK(quotient == native);
  QM31 other_native;
  const auto other = Quotient(2, true, &other_native);
  CHECK(other.second == other_native);
  CHECK(other.first.bytes == topology.bytes);
  CHECK(Quotient(3, false, &other_native).first.bytes == topology.bytes);
}

}  // namespace
}  // namespace tensorstark::recursion
