// The Poseidon2-M31 Fiat–Shamir channel (protocol reference §6, the encodings fixed here): the
// channel of proofs that a recursion circuit verifies, every rule one or a few permutations of
// Poseidon2 over M31 (poseidon2_m31.h, width 16), the only hash that circuit needs. With
// compress(a, b) = P(a ‖ b)[0..8] on 8-word digests (poseidon2_m31_merkle_hasher.h):
//   state            digest: 8 M31 words, initially 0; n_draws: u64, initially 0.
//   MixRoot(r)       digest = compress(digest, r)
//   MixFelts(fs)     the M31 coordinates of fs (4 per QM31), then a 1, then zeros to a multiple
//                    of 8 (the 1 makes the encoding injective); each chunk c of 8 in turn:
//                    digest = compress(digest, c)
//   MixU64(n)        digest = compress(digest, [n mod 2^22, ⌊n/2^22⌋ mod 2^22, ⌊n/2^44⌋, 0 × 5])
//   draw             compress(digest, [n_draws, 0 × 6, 1]); n_draws += 1. The 1 in the last
//                    word keeps a draw's input apart from MixU64's.
//   DrawU32s()       the draw's 8 words (uniform in [0, p), so 30 uniform low bits each)
//   base felts       the same 8 words
//   TrailingZeros()  trailing zero bits of digest[0] + 2^31·digest[1] (62 at most)
// The rules are poseidon2_m31_rules.h's Transcript, which a recursion circuit replays. Grinding
// tries 16 nonces per packed permutation.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "field/m31.h"
#include "field/qm31.h"
#include "hash/poseidon2_m31_merkle_hasher.h"
#include "hash/poseidon2_m31_rules.h"

namespace tensorstark::hash {

class Poseidon2M31Channel {
 public:
  using Hash = Poseidon2M31Hash;
  static constexpr std::string_view kName = "poseidon2";

  void MixRoot(const Hash& root);
  void MixFelts(std::span<const field::QM31> felts);
  void MixU64(uint64_t value);

  field::QM31 DrawFelt();
  std::vector<field::QM31> DrawFelts(size_t n);
  std::array<uint32_t, 8> DrawU32s();

  uint32_t TrailingZeros() const;
  std::optional<uint64_t> FindProofOfWorkNonce(uint64_t bits, uint64_t begin, uint64_t end) const;

  Hash digest() const { return {transcript_.digest()}; }

 private:
  poseidon2_rules::Transcript<poseidon2_rules::ScalarBackend> transcript_{{}};
};

}  // namespace tensorstark::hash
