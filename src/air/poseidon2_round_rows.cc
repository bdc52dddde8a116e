#include "air/poseidon2_round_rows.h"

#include "air/layout.h"

namespace tensorstark::air {

using field::M31;
using hash::kPoseidon2HalfFullRounds;
using hash::kPoseidon2PartialRounds;
using hash::kPoseidon2Width;

static_assert(2 + 2 * kPoseidon2HalfFullRounds + kPoseidon2PartialRounds <= kPoseidon2BlockRows);
static_assert(kPoseidon2BlockRows >= (1u << kMinComponentLogSize),
              "the round data's columns are full columns");

Poseidon2RowKind Poseidon2RowKindOf(uint32_t t) {
  constexpr uint32_t kHalf = kPoseidon2HalfFullRounds, kPartial = kPoseidon2PartialRounds;
  if (t == 0) return Poseidon2RowKind::kInput;
  if (t == 1) return Poseidon2RowKind::kExternal;
  if (t <= 1 + kHalf) return Poseidon2RowKind::kFull;
  if (t <= 1 + kHalf + kPartial) return Poseidon2RowKind::kPartial;
  if (t <= 1 + 2 * kHalf + kPartial) return Poseidon2RowKind::kFull;
  return Poseidon2RowKind::kCopy;
}

hash::Poseidon2State Poseidon2RoundConstantsOf(uint32_t t) {
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

void AppendPoseidon2RoundData(DataColumns& data) {
  for (const Poseidon2RowKind kind : {Poseidon2RowKind::kExternal, Poseidon2RowKind::kFull,
                                      Poseidon2RowKind::kPartial, Poseidon2RowKind::kCopy}) {
    std::vector<M31>& selector = data.emplace_back(kPoseidon2BlockRows);
    for (uint32_t t = 0; t < kPoseidon2BlockRows; ++t) {
      selector[t] = Poseidon2RowKindOf(t) == kind ? M31::One() : M31();
    }
  }
  for (size_t i = 0; i < kPoseidon2Width; ++i) {
    std::vector<M31>& constants = data.emplace_back(kPoseidon2BlockRows);
    for (uint32_t t = 0; t < kPoseidon2BlockRows; ++t) {
      constants[t] = Poseidon2RoundConstantsOf(t)[i];
    }
  }
}

void Poseidon2RowStep(Poseidon2RowKind kind, hash::Poseidon2State& state,
                      const hash::Poseidon2State& previous_fifth) {
  switch (kind) {
    case Poseidon2RowKind::kExternal:
      hash::Poseidon2ExternalLayer(state);
      break;
    case Poseidon2RowKind::kFull:
      state = previous_fifth;
      hash::Poseidon2ExternalLayer(state);
      break;
    case Poseidon2RowKind::kPartial:
      state[0] = previous_fifth[0];
      hash::Poseidon2InternalLayer(state);
      break;
    case Poseidon2RowKind::kInput:
    case Poseidon2RowKind::kCopy:
      break;
  }
}

Poseidon2Sbox Poseidon2SboxOf(const hash::Poseidon2State& state, uint32_t t) {
  const hash::Poseidon2State constants = Poseidon2RoundConstantsOf(t);
  Poseidon2Sbox sbox;
  for (size_t i = 0; i < kPoseidon2Width; ++i) {
    const M31 x = state[i] + constants[i];
    sbox.cube[i] = x * x * x;
    sbox.fifth[i] = sbox.cube[i] * x * x;
  }
  return sbox;
}

}  // namespace tensorstark::air
