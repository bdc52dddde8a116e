// The Poseidon252 Fiat–Shamir channel (protocol reference §6.2, with the encodings fixed below).
// Starknet's Poseidon is a builtin in Cairo, so this is the channel a Cairo verifier replays; each
// rule is chosen to be one cheap Cairo call (poseidon_hash_span or hades_permutation).
//   state            digest: felt252, initially 0; n_draws: u64, initially 0.
//   MixRoot(r)       digest = PoseidonHash(digest, r)
//   MixFelts(fs)     digest = PoseidonHashMany([digest, len(fs), c_0, c_1, ...]) where chunk c_j
//                    packs the M31 coordinates of fs[2j] and fs[2j+1] (8 values, or 4 for a
//                    last odd one) as Σ m_k·2^(31·(K-1-k)) (PackM31s). The length makes the
//                    encoding injective: [x] and [x, 0] pack differently anyway, but [] and [0]
//                    would not be told apart by the chunks alone.
//   MixU64(n)        digest = PoseidonHash(digest, n)
//   draw             x = Hades(digest, n_draws, 3)[0]; n_draws += 1. Capacity 3 separates draws
//                    from PoseidonHash, which is Hades(a, b, 2)[0].
//   DrawU32s()       the 8 low 31-bit limbs of x's integer value, least significant first
//   base felts       the same 8 limbs, each reduced mod p (the limb 2^31 - 1 maps to 0, a
//                    2^-31 bias per value); no rejection
//   TrailingZeros()  trailing zero bits of the digest's integer value
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "field/felt252.h"
#include "field/m31.h"
#include "field/qm31.h"

namespace tensorstark::hash {

class Poseidon252Channel {
 public:
  using Hash = field::Felt252;
  static constexpr std::string_view kName = "poseidon252";

  void MixRoot(const field::Felt252& root);
  void MixFelts(std::span<const field::QM31> felts);
  void MixU64(uint64_t value);

  field::QM31 DrawFelt();
  std::vector<field::QM31> DrawFelts(size_t n);
  std::array<uint32_t, 8> DrawU32s();

  uint32_t TrailingZeros() const;
  std::optional<uint64_t> FindProofOfWorkNonce(uint64_t bits, uint64_t begin, uint64_t end) const;

  const field::Felt252& digest() const { return digest_; }

 private:
  void SetDigest(const field::Felt252& digest);
  std::array<field::M31, 8> DrawBaseFelts();

  field::Felt252 digest_;
  uint64_t n_draws_ = 0;
};

}  // namespace tensorstark::hash
