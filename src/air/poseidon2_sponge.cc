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
constexpr uint32_t kHalf = kPoseidon2HalfFullRounds, kPartialRows = kPoseidon2PartialRounds / 2;
static_assert(kPoseidon2PartialRounds % 2 == 0, "two partial rounds per row");
static_assert(1 + 2 * kHalf + kPartialRows == kRows);
static_assert(kRows >= (1u << kMinComponentLogSize), "the repeating columns are full columns");

// How row t of a block follows from row t - 1 (poseidon2_sponge.h).
enum class RowKind { kAbsorb, kFull, kPartial };

RowKind KindOf(uint32_t t) {
  if (t == 0) return RowKind::kAbsorb;
  if (t <= kHalf || t > kHalf + kPartialRows) return RowKind::kFull;
  return RowKind::kPartial;
}

// The constants of the rounds row t starts: on all lanes, the initial full rounds' on rows 0–3
// and the terminal ones' on rows 11–14; on lane 0 and as the second partial round's constant
// (the last word), the partial rounds' on rows 4–10, two per row; zero elsewhere.
std::array<M31, kPoseidon2Width + 1> RoundConstantsOf(uint32_t t) {
  const hash::Poseidon2Constants& constants = hash::Poseidon2RoundConstants();
  std::array<M31, kPoseidon2Width + 1> c{};
  const auto full = [&](const hash::Poseidon2State& round) {
    std::copy(round.begin(), round.end(), c.begin());
  };
  if (t < kHalf) {
    full(constants.initial[t]);
  } else if (t < kHalf + kPartialRows) {
    c[0] = constants.partial[2 * (t - kHalf)];
    c[kPoseidon2Width] = constants.partial[2 * (t - kHalf) + 1];
  } else if (t < 2 * kHalf + kPartialRows) {
    full(constants.terminal[t - kHalf - kPartialRows]);
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
  for (const RowKind kind : {RowKind::kFull, RowKind::kPartial}) {
    std::vector<M31>& selector = data->emplace_back(kRows);
    for (uint32_t t = 0; t < kRows; ++t) selector[t] = KindOf(t) == kind ? M31::One() : M31();
  }
  for (size_t i = 0; i <= kPoseidon2Width; ++i) {
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
  // The previous row's s-box outputs and the state between its partial rounds.
  hash::Poseidon2State state{}, fifth{}, between{};
  M31 second_fifth;
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
        hash::Poseidon2ExternalLayer(state);
        break;
      case RowKind::kFull:
        state = fifth;
        hash::Poseidon2ExternalLayer(state);
        break;
      case RowKind::kPartial:
        state = between;
        state[0] = second_fifth;
        hash::Poseidon2InternalLayer(state);
        break;
    }
    const std::array<M31, kPoseidon2Width + 1> constants = RoundConstantsOf(t);
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
    between = StateBetweenPartialRounds(fifth, state);
    const M31 x = between[0] + constants[kPoseidon2Width];
    push(x * x * x);
    second_fifth = x * x * x * x * x;
    push(second_fifth);
    assert(column == Poseidon2TensorSponge::kTraceColumns);
  }
  std::copy_n(state.begin(), kPoseidon2Rate, trace.digest.begin());
  return trace;
}

}  // namespace tensorstark::air
