// The Poseidon2-M31 hashing rules of Merkle trees and of the channel, written once over a word
// type so that the native hasher and channel (M31 words, poseidon2_m31_merkle_hasher.h,
// poseidon2_m31_channel.h, whose first comments state the rules) and a recursion circuit
// (recursion::Wire words, every permutation a gate) follow the same code. A backend B provides
//   using Word;                       M31, or a circuit's wire
//   Word Constant(uint32_t v) const;  the word v (v < p)
//   void Permute(std::array<Word, 16>& state) const;
// The packed prover paths (a layer's nodes, grinding) follow the same rules on 16 lanes and are
// tested against these.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <utility>

#include "field/m31.h"
#include "hash/poseidon2_m31.h"

namespace tensorstark::hash::poseidon2_rules {

inline constexpr size_t kDigestWords = 8;
inline constexpr uint32_t kU64LimbBits = 22;

// A u64 as MixU64 takes it: 22-bit limbs, least significant first (the last has 20 bits).
inline constexpr std::array<uint32_t, 3> U64Limbs(uint64_t n) {
  constexpr uint64_t kMask = (uint64_t{1} << kU64LimbBits) - 1;
  std::array<uint32_t, 3> limbs{};
  for (size_t k = 0; k < 3; ++k)
    limbs[k] = static_cast<uint32_t>((n >> (kU64LimbBits * k)) & kMask);
  return limbs;
}

template <class B>
using Digest = std::array<typename B::Word, kDigestWords>;

// P(a ‖ b)[0..8].
template <class B>
Digest<B> Compress(const B& backend, const Digest<B>& a, const Digest<B>& b) {
  std::array<typename B::Word, kPoseidon2Width> state;
  std::copy(a.begin(), a.end(), state.begin());
  std::copy(b.begin(), b.end(), state.begin() + kDigestWords);
  backend.Permute(state);
  Digest<B> out;
  std::copy_n(state.begin(), kDigestWords, out.begin());
  return out;
}

// The permutations a node's column values take after its children's: ⌈n/8⌉, and at least one
// for a leaf.
inline size_t ValueBlocks(size_t n_values, bool has_children) {
  const size_t blocks = (n_values + kPoseidon2Rate - 1) / kPoseidon2Rate;
  return has_children ? blocks : std::max<size_t>(blocks, 1);
}

// A Merkle node: compress(children), then the column values absorbed 8 per permutation; a leaf
// (no children) is a sponge whose lane 8 starts at the number of values, at least one permutation.
template <class B>
Digest<B> HashNode(const B& backend, const std::optional<std::pair<Digest<B>, Digest<B>>>& children,
                   std::span<const typename B::Word> values) {
  using Word = typename B::Word;
  std::array<Word, kPoseidon2Width> state;
  state.fill(backend.Constant(0));
  if (children) {
    std::copy(children->first.begin(), children->first.end(), state.begin());
    std::copy(children->second.begin(), children->second.end(), state.begin() + kDigestWords);
    backend.Permute(state);
  } else {
    state[kDigestWords] = backend.Constant(static_cast<uint32_t>(values.size()));
  }
  for (size_t b = 0; b < ValueBlocks(values.size(), children.has_value()); ++b) {
    for (size_t i = 0; i < kPoseidon2Rate; ++i) {
      const size_t c = b * kPoseidon2Rate + i;
      state[i] = c < values.size() ? values[c] : backend.Constant(0);
    }
    backend.Permute(state);
  }
  Digest<B> out;
  std::copy_n(state.begin(), kDigestWords, out.begin());
  return out;
}

// The channel's state and its mixing and drawing rules. Mixing replaces the digest and resets
// the draw counter; the counter is a count of calls, never a proof's value, so in a circuit it
// is a constant.
template <class B>
class Transcript {
 public:
  using Word = typename B::Word;

  explicit Transcript(B backend) : backend_(std::move(backend)) {
    digest_.fill(backend_.Constant(0));
  }

  const Digest<B>& digest() const { return digest_; }
  const B& backend() const { return backend_; }

  void MixRoot(const Digest<B>& root) { SetDigest(Compress(backend_, digest_, root)); }

  // Words (a QM31's 4 coordinates each), then a 1, then zeros to a multiple of 8; one
  // compression per chunk of 8.
  void MixWords(std::span<const Word> words) {
    Digest<B> digest = digest_;
    const size_t n_chunks = words.size() / kDigestWords + 1;
    for (size_t chunk = 0; chunk < n_chunks; ++chunk) {
      Digest<B> block;
      for (size_t i = 0; i < kDigestWords; ++i) {
        const size_t k = chunk * kDigestWords + i;
        block[i] = k < words.size()    ? words[k]
                   : k == words.size() ? backend_.Constant(1)
                                       : backend_.Constant(0);
      }
      digest = Compress(backend_, digest, block);
    }
    SetDigest(digest);
  }

  // A u64 as its three 22-bit limbs, least significant first.
  // A u64 fixed by the rules' user (a size, a configuration value): its limbs are constants.
  void MixU64(uint64_t n) {
    const std::array<uint32_t, 3> limbs = U64Limbs(n);
    MixU64Limbs(
        {backend_.Constant(limbs[0]), backend_.Constant(limbs[1]), backend_.Constant(limbs[2])});
  }

  void MixU64Limbs(const std::array<Word, 3>& limbs) {
    Digest<B> block;
    block.fill(backend_.Constant(0));
    std::copy(limbs.begin(), limbs.end(), block.begin());
    SetDigest(Compress(backend_, digest_, block));
  }

  // compress(digest, [n_draws, 0 × 6, 1]).
  Digest<B> DrawWords() {
    Digest<B> input;
    input.fill(backend_.Constant(0));
    input[0] = backend_.Constant(field::M31::Reduce(n_draws_).value());
    input[kDigestWords - 1] = backend_.Constant(1);
    ++n_draws_;
    return Compress(backend_, digest_, input);
  }

 private:
  void SetDigest(const Digest<B>& digest) {
    digest_ = digest;
    n_draws_ = 0;
  }

  B backend_;
  Digest<B> digest_;
  uint64_t n_draws_ = 0;
};

// The native backend: M31 words, the scalar permutation.
struct ScalarBackend {
  using Word = field::M31;
  Word Constant(uint32_t v) const { return field::M31::FromCanonical(v); }
  void Permute(Poseidon2State& state) const { Poseidon2Permute(state); }
};

}  // namespace tensorstark::hash::poseidon2_rules
