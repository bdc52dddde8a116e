#include "hash/blake2s.h"

#include <algorithm>
#include <bit>
#include <cstring>

#include "hash/blake2s_rounds.h"

namespace tensorstark::hash {
namespace {

uint32_t LoadLe32(const uint8_t* p) {
  return uint32_t{p[0]} | uint32_t{p[1]} << 8 | uint32_t{p[2]} << 16 | uint32_t{p[3]} << 24;
}

void StoreLe32(uint32_t v, uint8_t* p) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<uint8_t>(v >> (8 * i));
}

struct ScalarWordOps {
  using Word = uint32_t;
  static Word Add(Word a, Word b) { return a + b; }
  static Word Xor(Word a, Word b) { return a ^ b; }
  template <int kBits>
  static Word Rotr(Word a) {
    return std::rotr(a, kBits);
  }
};

std::array<uint32_t, 16> LoadBlock(const uint8_t* block) {
  std::array<uint32_t, 16> m;
  for (int i = 0; i < 16; ++i) m[i] = LoadLe32(block + 4 * i);
  return m;
}

}  // namespace

std::array<uint32_t, 8> Blake2sHash::Words() const {
  std::array<uint32_t, 8> w;
  for (int i = 0; i < 8; ++i) w[i] = LoadLe32(bytes.data() + 4 * i);
  return w;
}

Blake2sHash Blake2sHash::FromWords(const std::array<uint32_t, 8>& words) {
  Blake2sHash h;
  for (int i = 0; i < 8; ++i) StoreLe32(words[i], h.bytes.data() + 4 * i);
  return h;
}

std::string Blake2sHash::ToHex() const {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string s;
  s.reserve(64);
  for (uint8_t b : bytes) {
    s.push_back(kDigits[b >> 4]);
    s.push_back(kDigits[b & 15]);
  }
  return s;
}

std::optional<Blake2sHash> Blake2sHash::FromHex(std::string_view hex) {
  if (hex.size() != 64) return std::nullopt;
  auto digit = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  Blake2sHash h;
  for (size_t i = 0; i < 32; ++i) {
    int hi = digit(hex[2 * i]), lo = digit(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    h.bytes[i] = static_cast<uint8_t>(hi << 4 | lo);
  }
  return h;
}

std::ostream& operator<<(std::ostream& os, const Blake2sHash& h) { return os << h.ToHex(); }

void Blake2sCompress(std::array<uint32_t, 8>& state, const std::array<uint32_t, 16>& message,
                     uint64_t t, uint64_t f) {
  uint32_t v[16];
  for (int i = 0; i < 8; ++i) {
    v[i] = state[i];
    v[i + 8] = kBlake2sIv[i];
  }
  v[12] ^= static_cast<uint32_t>(t);
  v[13] ^= static_cast<uint32_t>(t >> 32);
  v[14] ^= static_cast<uint32_t>(f);
  v[15] ^= static_cast<uint32_t>(f >> 32);
  Blake2sRounds<ScalarWordOps>(v, message.data());
  for (int i = 0; i < 8; ++i) state[i] ^= v[i] ^ v[i + 8];
}

Blake2sHasher::Blake2sHasher() : h_(kBlake2sIv) {
  // Parameter block for an unkeyed 32-byte digest: digest length 32, fanout 1, depth 1.
  h_[0] ^= 0x01010020;
}

void Blake2sHasher::Update(std::span<const uint8_t> data) {
  while (!data.empty()) {
    // The last block must be compressed with the finalization flag, so a full buffer is only
    // compressed once more input arrives.
    if (buffered_ == kBlake2sBlockBytes) {
      counter_ += kBlake2sBlockBytes;
      Blake2sCompress(h_, LoadBlock(buffer_.data()), counter_, 0);
      buffered_ = 0;
    }
    size_t take = std::min(data.size(), kBlake2sBlockBytes - buffered_);
    std::memcpy(buffer_.data() + buffered_, data.data(), take);
    buffered_ += take;
    data = data.subspan(take);
  }
}

Blake2sHash Blake2sHasher::Finalize() {
  counter_ += buffered_;
  std::fill(buffer_.begin() + buffered_, buffer_.end(), 0);
  Blake2sCompress(h_, LoadBlock(buffer_.data()), counter_, 0xffffffff);
  return Blake2sHash::FromWords(h_);
}

Blake2sHash Blake2s(std::span<const uint8_t> data) {
  Blake2sHasher hasher;
  hasher.Update(data);
  return hasher.Finalize();
}

}  // namespace tensorstark::hash
