// Sixteen independent BLAKE2s compressions at once, for the prover's Merkle layers (protocol
// reference §7.2: Stwo's compress16). Lane i of every call is exactly
// Blake2sCompress(state of lane i, message of lane i, t, f); only the data layout is transposed,
// so that word w of the 16 lanes is one vector. For a Merkle leaf layer that is free: word w of
// chunk c for leaves j..j+15 is column 16c+w at rows j..j+15, contiguous in memory.
//
// The kernel is chosen at compile time: AVX-512 (one zmm per word), AVX2 (8 lanes twice) or a
// portable loop version that the compiler vectorises. The same kernels grind the BLAKE2s
// channel's proof of work (§5.5), in a version specialised to its message.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>

namespace tensorstark::hash {

inline constexpr size_t kBlake2sSimdLanes = 16;

// Sixteen chaining values, transposed: words[w][i] is word w of lane i.
struct alignas(64) Blake2sStates16 {
  uint32_t words[8][kBlake2sSimdLanes];
};

// message_words[w] points to 16 consecutive words (any alignment): word w of the messages of
// lanes 0..15.
void Blake2sCompress16(Blake2sStates16& states,
                       const std::array<const uint32_t*, 16>& message_words, uint64_t t,
                       uint64_t f);

// The same with row-major messages: lane i's 16-word message is messages[16 i .. 16 i + 16).
// This is the layout of a Merkle layer's child hashes (left ‖ right of node i at 64 i bytes).
void Blake2sCompress16RowMajor(Blake2sStates16& states, const uint32_t* messages, uint64_t t,
                               uint64_t f);

// Writes lane i's chaining value to out[8 i .. 8 i + 8): row-major, the layout of 16 hashes.
void Blake2sStoreRowMajor16(const Blake2sStates16& states, uint32_t* out);

// Proof-of-work grinding (protocol reference §5.5) for the BLAKE2s channel, whose mix_u64 is one
// raw compression (§6.1). Returns the least nonce n in [begin, end) such that
//   Blake2sCompress(h = digest, m = [lo32(n), hi32(n), 0 × 14], t = 0, f = 0)
// has every bit of word0_mask clear in output word 0, or nullopt if there is none. For up to 32
// proof-of-work bits, word0_mask = 2^bits - 1 makes this the whole check; for more bits it is a
// filter whose hits (one nonce in 2^32) the caller confirms on words 1..3.
// The SIMD levels run a dedicated kernel rather than Blake2sCompress16, as much of the work is
// known in advance: 14 message words are zero (and word 1 for nonces below 2^32), the first
// round's columns without nonce words are the same for every nonce, and only output word 0 is
// needed. The portable level runs the generic compression.
std::optional<uint64_t> Blake2sGrindWord0(const std::array<uint32_t, 8>& digest,
                                          uint32_t word0_mask, uint64_t begin, uint64_t end);

}  // namespace tensorstark::hash
