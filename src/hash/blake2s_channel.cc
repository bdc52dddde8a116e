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
  // The low min(bits, 32) bits of the u128 are output word 0, which the SIMD grinder checks.
  // Beyond 32 bits its hits (word 0 = 0, one nonce in 2^32) are confirmed on words 1..3 here.
  const std::array<uint32_t, 8> digest_words = digest_.Words();
  const uint32_t word0_mask = bits >= 32 ? ~uint32_t{0} : (uint32_t{1} << bits) - 1;
  while (begin < end) {
    std::optional<uint64_t> nonce = Blake2sGrindWord0(digest_words, word0_mask, begin, end);
    if (!nonce || bits <= 32) return nonce;
    Blake2sChannel attempt = *this;
    attempt.MixU64(*nonce);
    if (attempt.TrailingZeros() >= bits) return nonce;
    begin = *nonce + 1;
  }
  return std::nullopt;
}

}  // namespace tensorstark::hash
