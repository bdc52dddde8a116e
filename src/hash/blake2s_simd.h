// Sixteen independent BLAKE2s compressions at once, for the prover's Merkle layers (protocol
// reference §7.2: Stwo's compress16). Lane i of every call is exactly
// Blake2sCompress(state of lane i, message of lane i, t, f); only the data layout is transposed,
// so that word w of the 16 lanes is one vector. For a Merkle leaf layer that is free: word w of
// chunk c for leaves j..j+15 is column 16c+w at rows j..j+15, contiguous in memory.
//
// The kernel is chosen at compile time: AVX-512 (one zmm per word), AVX2 (8 lanes twice) or a
// portable loop version that the compiler vectorises.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

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

}  // namespace tensorstark::hash
