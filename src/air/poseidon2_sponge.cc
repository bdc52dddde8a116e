#include "air/poseidon2_sponge.h"

#include <algorithm>
#include <cassert>

#include "air/mask_index.h"

namespace tensorstark::air {

using field::M31;
using hash::kPoseidon2Rate;
using hash::kPoseidon2Width;

namespace {

// The data columns (poseidon2_sponge.h), coset order.
std::shared_ptr<const DataColumns> SpongeData(std::span<const M31> addresses,
                                              std::span<const int64_t> reads) {
  const size_t n_rows = size_t{1} << hash::Poseidon2SpongeLogBlocks(addresses.size());
  const auto absorb =
      reads.empty() ? Poseidon2TensorSponge::Absorb::kRead : Poseidon2TensorSponge::Absorb::kYield;
  auto data = std::make_shared<DataColumns>(Poseidon2TensorSponge::DataColumns(absorb),
                                            std::vector<M31>(n_rows));
  for (size_t i = 0; i < addresses.size(); ++i) {
    const size_t row = i / kPoseidon2Rate, lane = i % kPoseidon2Rate;
    (*data)[lane][row] = addresses[i];
    (*data)[kPoseidon2Rate + lane][row] = M31::One();
    if (!reads.empty()) {
      (*data)[2 * kPoseidon2Rate + lane][row] = M31::FromCanonical(static_cast<uint32_t>(reads[i]));
    }
  }
  return data;
}

}  // namespace

Poseidon2TensorSponge::Poseidon2TensorSponge(std::string name, std::span<const M31> addresses,
                                             uint32_t first_data_column, Digest digest,
                                             std::span<const int64_t> reads)
    : DataComponent(std::move(name), hash::Poseidon2SpongeLogBlocks(addresses.size()),
                    first_data_column, SpongeData(addresses, reads)),
      n_values_(addresses.size()),
      digest_(std::move(digest)),
      absorb_(reads.empty() ? Absorb::kRead : Absorb::kYield) {
  assert(reads.empty() || reads.size() == addresses.size());
}

Poseidon2SpongeTrace MakePoseidon2SpongeTrace(std::span<const M31> values) {
  const uint32_t log_size = hash::Poseidon2SpongeLogBlocks(values.size());
  const size_t n_rows = size_t{1} << log_size;
  Poseidon2SpongeTrace trace;
  trace.columns.assign(Poseidon2TensorSponge::kTraceColumns, std::vector<M31>(n_rows));
  hash::Poseidon2State state{};
  state[kPoseidon2Rate] = M31::FromCanonical(static_cast<uint32_t>(values.size()));
  std::array<M31, Poseidon2TensorSponge::kTraceColumns> cells;
  for (size_t row = 0; row < n_rows; ++row) {
    for (size_t j = 0; j < kPoseidon2Rate; ++j) {
      const size_t i = row * kPoseidon2Rate + j;
      cells[j] = i < values.size() ? values[i] : M31();
      state[j] += cells[j];
    }
    std::copy(state.begin(), state.end(), cells.begin() + kPoseidon2Rate);
    state = WritePoseidon2PermutationRow(
        state, std::span(cells).subspan(kPoseidon2Rate + kPoseidon2Width));
    const size_t position = CosetRowToStorageIndex(row, log_size);
    for (size_t c = 0; c < cells.size(); ++c) trace.columns[c][position] = cells[c];
  }
  std::copy_n(state.begin(), kPoseidon2Rate, trace.digest.begin());
  return trace;
}

}  // namespace tensorstark::air
