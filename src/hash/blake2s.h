// BLAKE2s (RFC 7693): the standard unkeyed BLAKE2s-256 hash used by the Fiat–Shamir channel
// (protocol reference §6.1), and the raw compression function that the channel's mix_u64 and the
// Merkle hasher call directly with t = f = 0 and no parameter block (§6.1, §7.2).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <ostream>
#include <span>
#include <string>
#include <string_view>

namespace tensorstark::hash {

// The initial chaining value of BLAKE2s (the SHA-256 IV).
inline constexpr std::array<uint32_t, 8> kBlake2sIv = {
    0x6A09E667, 0xBB67AE85, 0x3C6EF372, 0xA54FF53A, 0x510E527F, 0x9B05688C, 0x1F83D9AB, 0x5BE0CD19};
inline constexpr size_t kBlake2sBlockBytes = 64;

// The message schedule: round r uses the words message[kBlake2sSigma[r][k]].
inline constexpr uint8_t kBlake2sSigma[10][16] = {
    {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15},
    {14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3},
    {11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4},
    {7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8},
    {9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13},
    {2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9},
    {12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11},
    {13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10},
    {6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5},
    {10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0},
};

// A 32-byte BLAKE2s output; also the node hash of Blake2s Merkle trees (§7.2).
struct Blake2sHash {
  std::array<uint8_t, 32> bytes{};

  // The eight little-endian 32-bit words, i.e. the chaining value that produced this hash.
  std::array<uint32_t, 8> Words() const;
  static Blake2sHash FromWords(const std::array<uint32_t, 8>& words);
  // 64 lowercase hex digits, and back (nullopt unless exactly 64 hex digits).
  std::string ToHex() const;
  static std::optional<Blake2sHash> FromHex(std::string_view hex);

  friend bool operator==(const Blake2sHash&, const Blake2sHash&) = default;
};
static_assert(sizeof(Blake2sHash) == 32);

std::ostream& operator<<(std::ostream& os, const Blake2sHash& h);

// The compression function F of RFC 7693 §3.2 on chaining value `state`: t is the byte counter
// (t0 = low word, t1 = high word) and f the finalization flags (f0 = low word, f1 = high word).
void Blake2sCompress(std::array<uint32_t, 8>& state, const std::array<uint32_t, 16>& message,
                     uint64_t t, uint64_t f);

// Incremental BLAKE2s-256 without key. Finalize() may be called once.
class Blake2sHasher {
 public:
  Blake2sHasher();
  void Update(std::span<const uint8_t> data);
  Blake2sHash Finalize();

 private:
  std::array<uint32_t, 8> h_;
  std::array<uint8_t, kBlake2sBlockBytes> buffer_{};
  size_t buffered_ = 0;   // bytes in buffer_, in [0, 64]
  uint64_t counter_ = 0;  // bytes compressed so far
};

// BLAKE2s-256(data), unkeyed.
Blake2sHash Blake2s(std::span<const uint8_t> data);

}  // namespace tensorstark::hash
