#include "hash/random_stream.h"

#include <cstring>
#include <random>

#include "hash/blake2s_simd.h"

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
  Blake2sStates16 states;
  for (size_t w = 0; w < 8; ++w) {
    uint32_t key_word;
    std::memcpy(&key_word, seed_.data() + 4 * w, 4);
    for (size_t lane = 0; lane < kBlake2sSimdLanes; ++lane) states.words[w][lane] = key_word;
  }
  // Message words 0-3: the stream id and the block counter, little-endian; the rest 0.
  std::array<std::array<uint32_t, kBlake2sSimdLanes>, 4> message{};
  for (size_t lane = 0; lane < kBlake2sSimdLanes; ++lane) {
    const uint64_t block = counter_ + lane;
    message[0][lane] = static_cast<uint32_t>(id_);
    message[1][lane] = static_cast<uint32_t>(id_ >> 32);
    message[2][lane] = static_cast<uint32_t>(block);
    message[3][lane] = static_cast<uint32_t>(block >> 32);
  }
  static constexpr std::array<uint32_t, kBlake2sSimdLanes> kZeros{};
  std::array<const uint32_t*, 16> message_words;
  for (size_t w = 0; w < 16; ++w) message_words[w] = w < 4 ? message[w].data() : kZeros.data();
  Blake2sCompress16(states, message_words, 0, 0);
  Blake2sStoreRowMajor16(states, words_.data());
  counter_ += kBlocks;
  next_word_ = 0;
}

}  // namespace tensorstark::hash
