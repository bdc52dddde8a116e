#include "hash/blake2s_channel.h"

#include <bit>
#include <cstring>

#include "hash/blake2s_simd.h"
#include "hash/channel.h"

namespace tensorstark::hash {
namespace {

using field::kP;
using field::M31;
using field::QM31;

constexpr uint32_t kMaxTrailingZeros = 128;

// Trailing zero bits of the little-endian u128 formed by words[0..4).
uint32_t TrailingZerosOfWords(uint32_t w0, uint32_t w1, uint32_t w2, uint32_t w3) {
  uint64_t lo = uint64_t{w0} | (uint64_t{w1} << 32);
  uint64_t hi = uint64_t{w2} | (uint64_t{w3} << 32);
  if (lo != 0) return std::countr_zero(lo);
  if (hi != 0) return 64 + std::countr_zero(hi);
  return kMaxTrailingZeros;
}

void AppendLe32(std::vector<uint8_t>& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<uint8_t>(v >> (8 * i)));
}

}  // namespace

void Blake2sChannel::SetDigest(const Blake2sHash& digest) {
  digest_ = digest;
  n_draws_ = 0;
}

void Blake2sChannel::MixRoot(const Blake2sHash& root) {
  Blake2sHasher hasher;
  hasher.Update(digest_.bytes);
  hasher.Update(root.bytes);
  SetDigest(hasher.Finalize());
}

void Blake2sChannel::MixFelts(std::span<const QM31> felts) {
  std::vector<uint8_t> data(digest_.bytes.begin(), digest_.bytes.end());
  data.reserve(32 + 16 * felts.size());
  for (const QM31& f : felts) {
    for (M31 coordinate : f.ToM31Array()) AppendLe32(data, coordinate.value());
  }
  SetDigest(Blake2s(data));
}

void Blake2sChannel::MixU64(uint64_t value) {
  std::array<uint32_t, 8> state = digest_.Words();
  std::array<uint32_t, 16> message{};
  message[0] = static_cast<uint32_t>(value);
  message[1] = static_cast<uint32_t>(value >> 32);
  Blake2sCompress(state, message, 0, 0);
  SetDigest(Blake2sHash::FromWords(state));
}

Blake2sHash Blake2sChannel::DrawBytes() {
  std::array<uint8_t, 64> input{};
  std::memcpy(input.data(), digest_.bytes.data(), 32);
  for (int i = 0; i < 8; ++i) input[32 + i] = static_cast<uint8_t>(n_draws_ >> (8 * i));
  ++n_draws_;
  return Blake2s(input);
}

std::array<uint32_t, 8> Blake2sChannel::DrawU32s() { return DrawBytes().Words(); }

std::array<M31, 8> Blake2sChannel::DrawBaseFelts() {
  for (;;) {
    std::array<uint32_t, 8> words = DrawU32s();
    bool all_below_2p = true;
    for (uint32_t w : words) all_below_2p &= w < 2 * kP;
    if (!all_below_2p) continue;
    std::array<M31, 8> felts;
    for (int i = 0; i < 8; ++i) felts[i] = M31::Reduce(words[i]);
    return felts;
  }
}

QM31 Blake2sChannel::DrawFelt() { return DrawFelts(1)[0]; }

std::vector<QM31> Blake2sChannel::DrawFelts(size_t n) {
  return SecureFeltsFromDraws(n, [this] { return DrawBaseFelts(); });
}

uint32_t Blake2sChannel::TrailingZeros() const {
  std::array<uint32_t, 8> w = digest_.Words();
  return TrailingZerosOfWords(w[0], w[1], w[2], w[3]);
}

std::optional<uint64_t> Blake2sChannel::FindProofOfWorkNonce(uint64_t bits, uint64_t begin,
                                                             uint64_t end) const {
  // 16 nonces per SIMD compression: every lane starts from the digest, and only message words
  // 0 and 1 (the nonce halves) differ between lanes.
  const std::array<uint32_t, 8> digest_words = digest_.Words();
  alignas(64) uint32_t nonce_lo[kBlake2sSimdLanes];
  alignas(64) uint32_t nonce_hi[kBlake2sSimdLanes];
  alignas(64) static constexpr uint32_t kZeros[kBlake2sSimdLanes] = {};
  std::array<const uint32_t*, 16> message_words;
  message_words.fill(kZeros);
  message_words[0] = nonce_lo;
  message_words[1] = nonce_hi;
  Blake2sStates16 states;
  for (uint64_t base = begin; base < end; base += kBlake2sSimdLanes) {
    for (size_t lane = 0; lane < kBlake2sSimdLanes; ++lane) {
      uint64_t nonce = base + lane;
      nonce_lo[lane] = static_cast<uint32_t>(nonce);
      nonce_hi[lane] = static_cast<uint32_t>(nonce >> 32);
    }
    for (int w = 0; w < 8; ++w) {
      for (size_t lane = 0; lane < kBlake2sSimdLanes; ++lane) {
        states.words[w][lane] = digest_words[w];
      }
    }
    Blake2sCompress16(states, message_words, 0, 0);
    for (size_t lane = 0; lane < kBlake2sSimdLanes && base + lane < end; ++lane) {
      uint32_t zeros = TrailingZerosOfWords(states.words[0][lane], states.words[1][lane],
                                            states.words[2][lane], states.words[3][lane]);
      if (zeros >= bits) return base + lane;
    }
  }
  return std::nullopt;
}

}  // namespace tensorstark::hash
