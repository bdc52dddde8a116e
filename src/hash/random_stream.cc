#include "hash/random_stream.h"

#include <cstring>
#include <random>

#include "hash/blake2s.h"

namespace tensorstark::hash {

RandomSeed FreshRandomSeed() {
  std::random_device device;
  RandomSeed seed;
  for (size_t i = 0; i < seed.size(); i += 4) {
    const uint32_t word = device();
    std::memcpy(seed.data() + i, &word, 4);
  }
  return seed;
}

field::M31 RandomStream::NextM31() {
  while (true) {
    if (next_word_ == words_.size()) Refill();
    const uint32_t v = words_[next_word_++] & 0x7FFFFFFFu;
    if (v != 0x7FFFFFFFu) return field::M31::FromCanonical(v);
  }
}

void RandomStream::Refill() {
  // BLAKE2s(seed || id || counter), little-endian integers.
  std::array<uint8_t, 48> block{};
  std::memcpy(block.data(), seed_.data(), 32);
  for (size_t i = 0; i < 8; ++i) {
    block[32 + i] = static_cast<uint8_t>(id_ >> (8 * i));
    block[40 + i] = static_cast<uint8_t>(counter_ >> (8 * i));
  }
  ++counter_;
  words_ = Blake2s(block).Words();
  next_word_ = 0;
}

}  // namespace tensorstark::hash
