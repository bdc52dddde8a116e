#include "hash/poseidon2_m31_channel.h"

#include <algorithm>
#include <bit>

#include "hash/channel.h"
#include "hash/poseidon2_m31.h"

namespace tensorstark::hash {
namespace {

using field::M31;
using field::PackedM31;
using field::QM31;

using poseidon2_rules::kDigestWords;

uint32_t TrailingZerosOf(M31 low, M31 high) {
  if (low.value() != 0) return std::countr_zero(low.value());
  return high.value() != 0 ? 31 + std::countr_zero(high.value()) : 62;
}

}  // namespace

void Poseidon2M31Channel::MixRoot(const Hash& root) { transcript_.MixRoot(root.words); }

void Poseidon2M31Channel::MixFelts(std::span<const QM31> felts) {
  std::vector<M31> words;
  words.reserve(4 * felts.size());
  for (const QM31& felt : felts) {
    for (M31 c : felt.ToM31Array()) words.push_back(c);
  }
  transcript_.MixWords(words);
}

void Poseidon2M31Channel::MixU64(uint64_t value) { transcript_.MixU64(value); }

std::array<uint32_t, 8> Poseidon2M31Channel::DrawU32s() {
  std::array<uint32_t, 8> words;
  const std::array<M31, 8> felts = transcript_.DrawWords();
  for (size_t i = 0; i < 8; ++i) words[i] = felts[i].value();
  return words;
}

QM31 Poseidon2M31Channel::DrawFelt() { return DrawFelts(1)[0]; }

std::vector<QM31> Poseidon2M31Channel::DrawFelts(size_t n) {
  return SecureFeltsFromDraws(n, [this] { return transcript_.DrawWords(); });
}

uint32_t Poseidon2M31Channel::TrailingZeros() const {
  return TrailingZerosOf(transcript_.digest()[0], transcript_.digest()[1]);
}

std::optional<uint64_t> Poseidon2M31Channel::FindProofOfWorkNonce(uint64_t bits, uint64_t begin,
                                                                  uint64_t end) const {
  // MixU64(nonce)'s compression for 16 nonces per packed permutation.
  constexpr size_t kLanes = field::kLanes;
  for (uint64_t base = begin; base < end; base += kLanes) {
    Poseidon2PackedStates state{};
    for (size_t k = 0; k < kDigestWords; ++k) {
      state[k] = PackedM31::Broadcast(transcript_.digest()[k]);
    }
    std::array<std::array<M31, kLanes>, 3> limbs;
    for (size_t j = 0; j < kLanes; ++j) {
      const std::array<uint32_t, 3> nonce_limbs = poseidon2_rules::U64Limbs(base + j);
      for (size_t k = 0; k < 3; ++k) limbs[k][j] = M31::FromCanonical(nonce_limbs[k]);
    }
    for (size_t k = 0; k < 3; ++k) state[kDigestWords + k] = PackedM31::FromArray(limbs[k]);
    Poseidon2PermutePacked(state);
    const std::array<M31, kLanes> low = state[0].ToArray(), high = state[1].ToArray();
    for (size_t j = 0; j < kLanes && base + j < end; ++j) {
      if (TrailingZerosOf(low[j], high[j]) >= bits) return base + j;
    }
  }
  return std::nullopt;
}

}  // namespace tensorstark::hash
