#include "air/poseidon2_sponge.h"

#include <algorithm>
#include <bit>
#include <cassert>

#include "air/layout.h"
#include "circle/bit_reverse.h"

namespace tensorstark::air {

using field::M31;
using hash::kPoseidon2HalfFullRounds;
using hash::kPoseidon2PartialRounds;
using hash::kPoseidon2Rate;
using hash::kPoseidon2Width;

namespace {

constexpr uint32_t kRows = Poseidon2TensorSponge::kRowsPerBlock;
static_assert(2 + 2 * kPoseidon2HalfFullRounds + kPoseidon2PartialRounds <= kRows);
static_assert(kRows >= (1u << kMinComponentLogSize), "the repeating columns are full columns");

// How row t of a block follows from row t - 1 (poseidon2_sponge.h).
enum class RowKind { kAbsorb, kExternal, kFull, kPartial, kCopy };

RowKind KindOf(uint32_t t) {
  if (t == 0) return RowKind::kAbsorb;
  if (t == 1) return RowKind::kExternal;
  if (t <= 1 + kPoseidon2HalfFullRounds) return RowKind::kFull;
  if (t <= 1 + kPoseidon2HalfFullRounds + kPoseidon2PartialRounds) return RowKind::kPartial;
  if (t <= 1 + 2 * kPoseidon2HalfFullRounds + kPoseidon2PartialRounds) return RowKind::kFull;
  return RowKind::kCopy;
}

// The constants of the round row t computes: the initial full rounds on rows 1–4, the partial
// ones on rows 5–18, the terminal full ones on rows 19–22; zero elsewhere.
hash::Poseidon2State RoundConstantsOf(uint32_t t) {
  const hash::Poseidon2Constants& constants = hash::Poseidon2RoundConstants();
  constexpr uint32_t kHalf = kPoseidon2HalfFullRounds, kPartial = kPoseidon2PartialRounds;
  hash::Poseidon2State c{};
  if (t >= 1 && t <= kHalf) return constants.initial[t - 1];
  if (t > kHalf && t <= kHalf + kPartial) c[0] = constants.partial[t - 1 - kHalf];
  if (t > kHalf + kPartial && t <= 2 * kHalf + kPartial) {
    return constants.terminal[t - 1 - kHalf - kPartial];
  }
  return c;
}

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
  // The selectors of the other kinds and the round constants, one block long.
  for (const RowKind kind : {RowKind::kExternal, RowKind::kFull, RowKind::kPartial, RowKind::kCopy}) {
    std::vector<M31>& selector = data->emplace_back(kRows);
    for (uint32_t t = 0; t < kRows; ++t) selector[t] = KindOf(t) == kind ? M31::One() : M31();
  }
  for (size_t i = 0; i < kPoseidon2Width; ++i) {
    std::vector<M31>& constants = data->emplace_back(kRows);
    for (uint32_t t = 0; t < kRows; ++t) constants[t] = RoundConstantsOf(t)[i];
  }
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
    switch (KindOf(t)) {
      case RowKind::kAbsorb:
        for (size_t j = 0; j < kPoseidon2Rate; ++j) {
          const size_t i = row / kRows * kPoseidon2Rate + j;
          if (i < values.size()) absorbed[j] = values[i];
          state[j] += absorbed[j];
        }
        break;
      case RowKind::kExternal:
        hash::Poseidon2ExternalLayer(state);
        break;
      case RowKind::kFull:
        state = fifth;
        hash::Poseidon2ExternalLayer(state);
        break;
      case RowKind::kPartial:
        state[0] = fifth[0];
        hash::Poseidon2InternalLayer(state);
        break;
      case RowKind::kCopy:
        break;
    }
    const hash::Poseidon2State constants = RoundConstantsOf(t);
    const size_t position =
        circle::BitReverseIndex(circle::CosetIndexToCircleDomainIndex(row, log_size), log_size);
    size_t column = 0;
    auto push = [&](M31 value) { trace.columns[column++][position] = value; };
    for (const M31& value : absorbed) push(value);
    for (const M31& lane : state) push(lane);
    for (size_t i = 0; i < kPoseidon2Width; ++i) {
      const M31 x = state[i] + constants[i];
      push(x * x * x);
      fifth[i] = x * x * x * x * x;
    }
    for (const M31& lane : fifth) push(lane);
    assert(column == Poseidon2TensorSponge::kTraceColumns);
  }
  std::copy_n(state.begin(), kPoseidon2Rate, trace.digest.begin());
  return trace;
}

}  // namespace tensorstark::air
