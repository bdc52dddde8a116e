#include "air/poseidon2_sponge.h"

#include <algorithm>
#include <cassert>

#include "circle/bit_reverse.h"

namespace tensorstark::air {

using field::M31;
using hash::kPoseidon2Rate;
using hash::kPoseidon2Width;

namespace {

// The addresses (8 columns) and multiplicities (8 columns) of each row, coset order.
std::shared_ptr<const DataColumns> SpongeData(std::span<const M31> addresses) {
  const size_t n_rows = size_t{1} << hash::Poseidon2SpongeLogBlocks(addresses.size());
  auto data = std::make_shared<DataColumns>(2 * kPoseidon2Rate, std::vector<M31>(n_rows));
  for (size_t i = 0; i < addresses.size(); ++i) {
    (*data)[i % kPoseidon2Rate][i / kPoseidon2Rate] = addresses[i];
    (*data)[kPoseidon2Rate + i % kPoseidon2Rate][i / kPoseidon2Rate] = M31::One();
  }
  return data;
}

}  // namespace

Poseidon2TensorSponge::Poseidon2TensorSponge(std::string name, std::span<const M31> addresses,
                                             uint32_t first_data_column, size_t digest_public_input)
    : DataComponent(std::move(name), hash::Poseidon2SpongeLogBlocks(addresses.size()),
                    first_data_column, SpongeData(addresses)),
      n_values_(addresses.size()),
      digest_public_input_(digest_public_input) {}

Poseidon2SpongeTrace MakePoseidon2SpongeTrace(std::span<const M31> values) {
  const uint32_t log_size = hash::Poseidon2SpongeLogBlocks(values.size());
  const size_t n_rows = size_t{1} << log_size;
  constexpr size_t kColumns =
      kPoseidon2Rate + kPoseidon2Width + kPoseidon2RoundColumns + kPoseidon2Width;
  Poseidon2SpongeTrace trace;
  trace.columns.assign(kColumns, std::vector<M31>(n_rows));
  hash::Poseidon2State state{};
  state[kPoseidon2Rate] = M31::FromCanonical(static_cast<uint32_t>(values.size()));
  std::array<M31, kPoseidon2RoundColumns> rounds;
  for (size_t row = 0; row < n_rows; ++row) {
    const size_t position =
        circle::BitReverseIndex(circle::CosetIndexToCircleDomainIndex(row, log_size), log_size);
    size_t column = 0;
    auto push = [&](M31 value) { trace.columns[column++][position] = value; };
    for (size_t j = 0; j < kPoseidon2Rate; ++j) {
      const size_t i = row * kPoseidon2Rate + j;
      const M31 value = i < values.size() ? values[i] : M31();
      push(value);
      state[j] += value;
    }
    for (const M31& lane : state) push(lane);
    state = Poseidon2RoundValues(state, rounds);
    for (const M31& value : rounds) push(value);
    for (const M31& lane : state) push(lane);
    assert(column == kColumns);
  }
  std::copy_n(state.begin(), kPoseidon2Rate, trace.digest.begin());
  return trace;
}

}  // namespace tensorstark::air
