#include "air/poseidon2_sponge.h"

#include <algorithm>
#include <cassert>

#include "air/mask_index.h"

namespace tensorstark::air {

using field::M31;
using hash::kPoseidon2Rate;
using hash::kPoseidon2Width;

namespace {

using Absorb = Poseidon2TensorSponge::Absorb;

std::vector<uint32_t> DataLogSizes(Absorb absorb, size_t n_words) {
  return std::vector<uint32_t>(Poseidon2TensorSponge::DataColumns(absorb),
                               hash::Poseidon2SpongeLogBlocks(n_words));
}

// The data columns (poseidon2_sponge.h), coset order.
ComponentData ReadData(std::span<const M31> addresses) {
  ComponentData read{DataLogSizes(Absorb::kRead, addresses.size()), nullptr};
  auto data = ComponentData::Zeros(read.log_sizes, true);
  for (size_t i = 0; i < addresses.size(); ++i) {
    const size_t row = i / kPoseidon2Rate, lane = i % kPoseidon2Rate;
    (*data)[lane][row] = addresses[i];
    (*data)[kPoseidon2Rate + lane][row] = M31::One();
  }
  read.values = std::move(data);
  return read;
}

// A verifier's (yielded.reads empty): the sizes only.
ComponentData YieldData(const Poseidon2TensorSponge::Yielded& yielded) {
  constexpr size_t kPlaces = kWeightPartsPerWord;
  ComponentData yield{DataLogSizes(Absorb::kYield, yielded.words.size()), nullptr};
  if (yielded.reads.empty()) return yield;
  auto data = ComponentData::Zeros(yield.log_sizes, true);
  for (size_t w = 0; w < yielded.words.size(); ++w) {
    const size_t row = w / kPoseidon2Rate, lane = w % kPoseidon2Rate;
    const WeightWord& word = yielded.words[w];
    for (size_t k = 0; k < kPlaces; ++k) {
      if (word.index[k] < 0) continue;
      const size_t place = lane * kPlaces + k;
      (*data)[place][row] = yielded.addresses[word.index[k]];
      (*data)[kPlaces * kPoseidon2Rate + place][row] =
          M31::FromCanonical(static_cast<uint32_t>(yielded.reads[word.index[k]]));
    }
    (*data)[2 * kPlaces * kPoseidon2Rate + lane][row] = M31::One();
    if (word.packed) (*data)[(2 * kPlaces + 1) * kPoseidon2Rate + lane][row] = M31::One();
  }
  yield.values = std::move(data);
  return yield;
}

}  // namespace

Poseidon2TensorSponge::Poseidon2TensorSponge(std::string name, std::span<const M31> addresses,
                                             uint32_t first_data_column, Digest digest)
    : DataComponent(std::move(name), hash::Poseidon2SpongeLogBlocks(addresses.size()),
                    first_data_column, ReadData(addresses)),
      n_words_(addresses.size()),
      digest_(std::move(digest)),
      absorb_(Absorb::kRead) {}

Poseidon2TensorSponge::Poseidon2TensorSponge(std::string name, const Yielded& yielded,
                                             uint32_t first_data_column, Digest digest)
    : DataComponent(std::move(name), hash::Poseidon2SpongeLogBlocks(yielded.words.size()),
                    first_data_column, YieldData(yielded)),
      n_words_(yielded.words.size()),
      digest_(std::move(digest)),
      absorb_(Absorb::kYield),
      part_bits_(yielded.part_bits),
      part_relation_(part_bits_ == 0 ? Relation{} : WeightPartRelation(part_bits_)) {
  assert(yielded.reads.empty() || yielded.reads.size() == yielded.addresses.size());
}

Poseidon2SpongeTrace MakePoseidon2SpongeTrace(std::span<const M31> words,
                                              std::span<const WeightWordPlaces> places) {
  const bool yield = !places.empty();
  assert(!yield || places.size() == words.size());
  const uint32_t log_size = hash::Poseidon2SpongeLogBlocks(words.size());
  const size_t n_rows = size_t{1} << log_size;
  const size_t per_word = yield ? 1 + kWeightPartsPerWord : 1, lanes = per_word * kPoseidon2Rate;
  Poseidon2SpongeTrace trace;
  trace.columns.assign(Poseidon2TensorSponge::TraceColumns(yield ? Absorb::kYield : Absorb::kRead),
                       std::vector<M31>(n_rows));
  hash::Poseidon2State state{};
  state[kPoseidon2Rate] = M31::FromCanonical(static_cast<uint32_t>(words.size()));
  std::vector<M31> cells(trace.columns.size());
  for (size_t row = 0; row < n_rows; ++row) {
    std::fill(cells.begin(), cells.begin() + lanes, M31());
    for (size_t j = 0; j < kPoseidon2Rate; ++j) {
      const size_t w = row * kPoseidon2Rate + j;
      if (w >= words.size()) continue;
      cells[j * per_word] = words[w];
      if (yield) std::copy(places[w].begin(), places[w].end(), cells.begin() + j * per_word + 1);
      state[j] += words[w];
    }
    std::copy(state.begin(), state.end(), cells.begin() + lanes);
    state = WritePoseidon2PermutationRow(state, std::span(cells).subspan(lanes + kPoseidon2Width));
    const size_t position = CosetRowToStorageIndex(row, log_size);
    for (size_t c = 0; c < cells.size(); ++c) trace.columns[c][position] = cells[c];
  }
  std::copy_n(state.begin(), kPoseidon2Rate, trace.digest.begin());
  return trace;
}

}  // namespace tensorstark::air
