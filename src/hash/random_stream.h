// The zero-knowledge prover's randomness (docs/zero-knowledge.md): uniform M31 values from the
// BLAKE2s compression function keyed by a secret 32-byte seed (its chaining value) in counter mode,
// block c of stream `id` compressing the message (id, c, 0 …), 16 blocks at a time with the SIMD
// kernel. Stream `id` of a seed is independent of every other stream, so columns are randomized in
// parallel and, for a given seed, the proof is the same for any thread count.
#pragma once

#include <array>
#include <cstdint>
#include <span>

#include "field/m31.h"

namespace tensorstark::hash {

using RandomSeed = std::array<uint8_t, 32>;

// A seed from the operating system's entropy source (std::random_device, getrandom on Linux).
RandomSeed FreshRandomSeed();

class RandomStream {
 public:
  RandomStream(const RandomSeed& seed, uint64_t id) : seed_(seed), id_(id) {}

  // Uniform in [0, P): 31 bits of a BLAKE2s output word, 2^31 - 1 rejected.
  field::M31 NextM31();
  void Fill(std::span<field::M31> out) {
    for (field::M31& v : out) v = NextM31();
  }

 private:
  void Refill();

  static constexpr size_t kBlocks = 16;  // per refill, one per SIMD lane

  RandomSeed seed_;
  uint64_t id_;
  uint64_t counter_ = 0;  // the next block
  std::array<uint32_t, 8 * kBlocks> words_{};
  size_t next_word_ = words_.size();  // words_ used up
};

}  // namespace tensorstark::hash
