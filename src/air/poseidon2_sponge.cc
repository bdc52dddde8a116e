#include "air/poseidon2_sponge.h"

#include <algorithm>
#include <bit>
#include <cassert>

#include "air/layout.h"
#include "circle/bit_reverse.h"

namespace tensorstark::air {

using field::M31;
using hash::kPoseidon2Rate;
using hash::kPoseidon2Width;

namespace {

constexpr uint32_t kRows = kPoseidon2BlockRows;

uint32_t SpongeLogSize(size_t n_values) {
  return hash::Poseidon2SpongeLogBlocks(n_values) + std::countr_zero(kRows);
}

// The data columns (poseidon2_sponge.h), coset order.
std::shared_ptr<const DataColumns> SpongeData(std::span<const M31> addresses) {
  const size_t n_rows = size_t{1} << SpongeLogSize(addresses.size());
  auto data = std::make_shared<DataColumns>();
  data->assign(2 * kPoseidon2Rate + 1, std::vector<M31>(n_rows));
  for (size_t i = 0; i < addresses.size(); ++i) {
    const size_t row = i / kPoseidon2Rate * kRows;
    (*data)[i % kPoseidon2Rate][row] = addresses[i];
    (*data)[kPoseidon2Rate + i % kPoseidon2Rate][row] = M31::One();
  }
  for (size_t row = kRows; row < n_rows; row += kRows) (*data)[2 * kPoseidon2Rate][row] = M31::One();
  AppendPoseidon2RoundData(*data);
  assert(data->size() == Poseidon2TensorSponge::kDataColumns);
  return data;
}

}  // namespace

Poseidon2TensorSponge::Poseidon2TensorSponge(std::string name, std::span<const M31> addresses,
                                             uint32_t first_data_column, Digest digest)
    : DataComponent(std::move(name), SpongeLogSize(addresses.size()), first_data_column,
                    SpongeData(addresses)),
      n_values_(addresses.size()),
      digest_(std::move(digest)) {}

Poseidon2SpongeTrace MakePoseidon2SpongeTrace(std::span<const M31> values) {
  const uint32_t log_size = SpongeLogSize(values.size());
  const size_t n_rows = size_t{1} << log_size;
  Poseidon2SpongeTrace trace;
  trace.columns.assign(Poseidon2TensorSponge::kTraceColumns, std::vector<M31>(n_rows));
  hash::Poseidon2State state{}, fifth{};
  state[kPoseidon2Rate] = M31::FromCanonical(static_cast<uint32_t>(values.size()));
  for (size_t row = 0; row < n_rows; ++row) {
    const auto t = static_cast<uint32_t>(row % kRows);
    std::array<M31, kPoseidon2Rate> absorbed{};
    const Poseidon2RowKind kind = Poseidon2RowKindOf(t);
    if (kind == Poseidon2RowKind::kInput) {
      for (size_t j = 0; j < kPoseidon2Rate; ++j) {
        const size_t i = row / kRows * kPoseidon2Rate + j;
        if (i < values.size()) absorbed[j] = values[i];
        state[j] += absorbed[j];
      }
    }
    Poseidon2RowStep(kind, state, fifth);
    const Poseidon2Sbox sbox = Poseidon2SboxOf(state, t);
    fifth = sbox.fifth;
    const size_t position =
        circle::BitReverseIndex(circle::CosetIndexToCircleDomainIndex(row, log_size), log_size);
    size_t column = 0;
    auto push = [&](M31 value) { trace.columns[column++][position] = value; };
    for (const M31& value : absorbed) push(value);
    for (const M31& lane : state) push(lane);
    for (const M31& lane : sbox.cube) push(lane);
    for (const M31& lane : sbox.fifth) push(lane);
    assert(column == Poseidon2TensorSponge::kTraceColumns);
  }
  std::copy_n(state.begin(), kPoseidon2Rate, trace.digest.begin());
  return trace;
}

}  // namespace tensorstark::air
