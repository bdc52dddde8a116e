// The BLAKE2s Fiat–Shamir channel (protocol reference §6.1, as in Stwo at dad3688). Encodings:
//   state            digest: 32 bytes, initially zero; n_draws: u64, initially 0.
//   MixRoot(r)       digest = BLAKE2s(digest ‖ r)
//   MixFelts(fs)     digest = BLAKE2s(digest ‖ for each f: LE32(a) ‖ LE32(b) ‖ LE32(c) ‖ LE32(d))
//   MixU64(n)        digest = compress(h = digest as 8 LE words, m = [lo32(n), hi32(n), 0 × 14],
//                    t = 0, f = 0): one raw compression, which keeps proof-of-work attempts cheap.
//   draw             bytes = BLAKE2s(digest ‖ LE64(n_draws) ‖ 0^24); n_draws += 1
//   DrawU32s()       the 8 LE words of one draw
//   base felts       8 words w of one draw, accepted if every w < 2p (else draw again; the
//                    chance of a retry is about 2^-28), each reduced mod p
//   TrailingZeros()  trailing zero bits of digest[0..16] read as a little-endian u128
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "field/m31.h"
#include "field/qm31.h"
#include "hash/blake2s.h"

namespace tensorstark::hash {

class Blake2sChannel {
 public:
  using Hash = Blake2sHash;
  static constexpr std::string_view kName = "blake2s";

  void MixRoot(const Blake2sHash& root);
  void MixFelts(std::span<const field::QM31> felts);
  void MixU64(uint64_t value);

  field::QM31 DrawFelt();
  std::vector<field::QM31> DrawFelts(size_t n);
  std::array<uint32_t, 8> DrawU32s();

  uint32_t TrailingZeros() const;
  std::optional<uint64_t> FindProofOfWorkNonce(uint64_t bits, uint64_t begin, uint64_t end) const;

  const Blake2sHash& digest() const { return digest_; }

 private:
  void SetDigest(const Blake2sHash& digest);
  Blake2sHash DrawBytes();
  std::array<field::M31, 8> DrawBaseFelts();

  Blake2sHash digest_;
  uint64_t n_draws_ = 0;
};

}  // namespace tensorstark::hash
