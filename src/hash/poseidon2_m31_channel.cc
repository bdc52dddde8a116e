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

constexpr size_t kDigestWords = 8;
constexpr uint64_t kU64LimbBits = 22;

// MixU64's chunk: n in 22-bit limbs, least significant first.
Poseidon2M31Hash U64Chunk(uint64_t n) {
  constexpr uint64_t kMask = (uint64_t{1} << kU64LimbBits) - 1;
  Poseidon2M31Hash chunk;
  for (size_t k = 0; k < 3; ++k) {
    chunk.words[k] = M31::FromCanonical(static_cast<uint32_t>((n >> (kU64LimbBits * k)) & kMask));
  }
  return chunk;
}

uint32_t TrailingZerosOf(M31 low, M31 high) {
  if (low.value() != 0) return std::countr_zero(low.value());
  return high.value() != 0 ? 31 + std::countr_zero(high.value()) : 62;
}

}  // namespace

void Poseidon2M31Channel::SetDigest(const Hash& digest) {
  digest_ = digest;
  n_draws_ = 0;
}

void Poseidon2M31Channel::MixRoot(const Hash& root) {
  SetDigest(Poseidon2M31Compress(digest_, root));
}

void Poseidon2M31Channel::MixFelts(std::span<const QM31> felts) {
  std::vector<M31> words;
  words.reserve(4 * felts.size() + kDigestWords);
  for (const QM31& felt : felts) {
    for (M31 c : felt.ToM31Array()) words.push_back(c);
  }
  words.push_back(M31::One());
  words.resize((words.size() + kDigestWords - 1) / kDigestWords * kDigestWords);
  Hash digest = digest_;
  for (size_t i = 0; i < words.size(); i += kDigestWords) {
    Hash chunk;
    std::copy_n(words.begin() + i, kDigestWords, chunk.words.begin());
    digest = Poseidon2M31Compress(digest, chunk);
  }
  SetDigest(digest);
}

void Poseidon2M31Channel::MixU64(uint64_t value) {
  SetDigest(Poseidon2M31Compress(digest_, U64Chunk(value)));
}

std::array<M31, 8> Poseidon2M31Channel::DrawBaseFelts() {
  Hash input;
  input.words[0] = M31::Reduce(n_draws_);
  input.words[kDigestWords - 1] = M31::One();
  ++n_draws_;
  return Poseidon2M31Compress(digest_, input).words;
}

std::array<uint32_t, 8> Poseidon2M31Channel::DrawU32s() {
  std::array<uint32_t, 8> words;
  std::array<M31, 8> felts = DrawBaseFelts();
  for (size_t i = 0; i < 8; ++i) words[i] = felts[i].value();
  return words;
}

QM31 Poseidon2M31Channel::DrawFelt() { return DrawFelts(1)[0]; }

std::vector<QM31> Poseidon2M31Channel::DrawFelts(size_t n) {
  return SecureFeltsFromDraws(n, [this] { return DrawBaseFelts(); });
}

uint32_t Poseidon2M31Channel::TrailingZeros() const {
  return TrailingZerosOf(digest_.words[0], digest_.words[1]);
}

std::optional<uint64_t> Poseidon2M31Channel::FindProofOfWorkNonce(uint64_t bits, uint64_t begin,
                                                                  uint64_t end) const {
  // compress(digest, U64Chunk(nonce)) for 16 nonces per packed permutation.
  constexpr size_t kLanes = field::kLanes;
  for (uint64_t base = begin; base < end; base += kLanes) {
    Poseidon2PackedStates state{};
    for (size_t k = 0; k < kDigestWords; ++k) state[k] = PackedM31::Broadcast(digest_.words[k]);
    std::array<std::array<M31, kLanes>, 3> limbs;
    for (size_t j = 0; j < kLanes; ++j) {
      const Hash chunk = U64Chunk(base + j);
      for (size_t k = 0; k < 3; ++k) limbs[k][j] = chunk.words[k];
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
