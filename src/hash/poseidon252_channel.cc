#include "hash/poseidon252_channel.h"

#include <bit>

#include "hash/channel.h"
#include "hash/poseidon252.h"

namespace tensorstark::hash {
namespace {

using field::Felt252;
using field::kP;
using field::M31;
using field::QM31;

constexpr uint64_t kDrawCapacity = 3;

// The 8 low 31-bit limbs of x's integer value, least significant first.
std::array<uint32_t, 8> Limbs31(const Felt252& x) {
  Felt252::Limbs limbs = x.ToLimbs();
  std::array<uint32_t, 8> out;
  for (int k = 0; k < 8; ++k) {
    int bit = 31 * k, word = bit / 64, shift = bit % 64;
    uint64_t v = limbs[word] >> shift;
    if (shift > 33) v |= limbs[word + 1] << (64 - shift);
    out[k] = static_cast<uint32_t>(v) & kP;
  }
  return out;
}

uint32_t TrailingZerosOf(const Felt252& x) {
  Felt252::Limbs limbs = x.ToLimbs();
  for (int i = 0; i < 4; ++i) {
    if (limbs[i] != 0) return 64 * i + std::countr_zero(limbs[i]);
  }
  return 252;
}

}  // namespace

void Poseidon252Channel::SetDigest(const Felt252& digest) {
  digest_ = digest;
  n_draws_ = 0;
}

void Poseidon252Channel::MixRoot(const Felt252& root) { SetDigest(PoseidonHash(digest_, root)); }

void Poseidon252Channel::MixFelts(std::span<const QM31> felts) {
  std::vector<Felt252> input = {digest_, Felt252::FromU64(felts.size())};
  input.reserve(2 + (felts.size() + 1) / 2);
  for (size_t i = 0; i < felts.size(); i += 2) {
    std::array<M31, 8> coordinates;
    size_t n = 0;
    for (size_t j = i; j < std::min(i + 2, felts.size()); ++j) {
      for (M31 c : felts[j].ToM31Array()) coordinates[n++] = c;
    }
    input.push_back(PackM31s(std::span<const M31>(coordinates.data(), n)));
  }
  SetDigest(PoseidonHashMany(input));
}

void Poseidon252Channel::MixU64(uint64_t value) {
  SetDigest(PoseidonHash(digest_, Felt252::FromU64(value)));
}

std::array<uint32_t, 8> Poseidon252Channel::DrawU32s() {
  std::array<Felt252, 3> state = {digest_, Felt252::FromU64(n_draws_),
                                  Felt252::FromU64(kDrawCapacity)};
  HadesPermutation(state);
  ++n_draws_;
  return Limbs31(state[0]);
}

std::array<M31, 8> Poseidon252Channel::DrawBaseFelts() {
  std::array<M31, 8> felts;
  std::array<uint32_t, 8> limbs = DrawU32s();
  for (int i = 0; i < 8; ++i) felts[i] = M31::Reduce(limbs[i]);
  return felts;
}

QM31 Poseidon252Channel::DrawFelt() { return DrawFelts(1)[0]; }

std::vector<QM31> Poseidon252Channel::DrawFelts(size_t n) {
  return SecureFeltsFromDraws(n, [this] { return DrawBaseFelts(); });
}

uint32_t Poseidon252Channel::TrailingZeros() const { return TrailingZerosOf(digest_); }

std::optional<uint64_t> Poseidon252Channel::FindProofOfWorkNonce(uint64_t bits, uint64_t begin,
                                                                 uint64_t end) const {
  // PoseidonHash(digest, nonce) = Hades(digest, nonce, 2)[0], a batch of nonces at a time so the
  // permutations run in lockstep (HadesPermutationBatch).
  constexpr uint64_t kBatch = 64;
  std::array<PoseidonState, kBatch> states;
  for (uint64_t base = begin; base < end; base += kBatch) {
    const uint64_t n = std::min(kBatch, end - base);
    for (uint64_t i = 0; i < n; ++i) {
      states[i] = {digest_, Felt252::FromU64(base + i), Felt252::FromU64(2)};
    }
    HadesPermutationBatch(std::span(states.data(), n));
    for (uint64_t i = 0; i < n; ++i) {
      if (TrailingZerosOf(states[i][0]) >= bits) return base + i;
    }
  }
  return std::nullopt;
}

}  // namespace tensorstark::hash
