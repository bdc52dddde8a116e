// Twiddle factors of the circle FFT (protocol reference §3.3, §3.5).
//
// TwiddleTree precomputes, once, the twiddles of every circle domain whose half coset is a
// repeated doubling of a root coset (for canonic domains of log size ≤ L: the half coset of
// CanonicCoset(L)). LayerTwiddles spells out the twiddles of one domain layer by layer; it is what
// the reference FFT consumes, built either straight from the domain's points or from a tree.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <vector>

#include "circle/coset.h"
#include "field/m31.h"

namespace tensorstark::circle {

// The fast FFT (fft.cc) runs layers 7..0 of each 256-element block in registers. Its twiddles for
// those layers are laid out per domain size, block after block, in the order and form the kernel
// consumes them, so that it only loads and broadcasts: kKernelBlockWords words per block, each a
// line twiddle t stored doubled (2t as u32, the form PackedM31::MulByDoubled takes). For the block
// whose first element has index base:
//   [0, 15)    layers 7, 6, 5, 4 (broadcast): the block's 1, 2, 4, 8 twiddles of the layer, layer
//              j's g-th at 2^{7-j} - 1 + g, i.e. twiddle (base >> (j+1)) + g of the layer;
//   15         unused (0);
//   [16, 128)  layers 3, 2, 1 as vectors for the transposed block, whose lane l holds the elements
//              with bits 7..4 equal to l: layer j's 2^{3-j} vectors start at 16·2^{3-j}, and lane
//              l of its vector s holds twiddle (base >> (j+1)) + 2^{3-j}·l + s of the layer
//              (the layer's block twiddles deinterleaved 3 - j times).
// The circle layer's twiddles are derived from layer 1's in the kernel (see LayerTwiddles).
inline constexpr uint32_t kLogKernelBlock = 8;
inline constexpr size_t kKernelBlockWords = 128;

class TwiddleTree {
 public:
  // root_coset's step must be G_{2^log_size} itself, not its conjugate: the FFT derives the
  // circle layer's twiddles from the first line layer's using G_4 = (0, -1).
  explicit TwiddleTree(const Coset& root_coset);
  // Serves every canonic circle domain of log size ≤ max_log_size.
  static TwiddleTree ForCanonicDomains(uint32_t max_log_size);

  const Coset& root_coset() const { return root_coset_; }
  // Stwo's CPU layout: for each of root.log_size() rounds, the x-coordinates of the first half of
  // the coset in bit-reversed order, then the coset is doubled; one padding 1 at the end.
  std::span<const M31> twiddles() const { return twiddles_; }
  std::span<const M31> itwiddles() const { return itwiddles_; }

  // The line layer of 2^log_n twiddles: the x-coordinates of the first half of the root coset
  // doubled (root.log_size() - 1 - log_n) times, bit-reversed. A domain of log size n uses the
  // layer of log size n - 1 - j for its FFT layer j ≥ 1.
  std::span<const M31> LineLayer(uint32_t log_n, bool inverse) const;
  // The tree serves the domains of log size D ≤ root.log_size() + 1 whose half coset is the root
  // doubled, and the bit-reversed prefixes of those (CanonicCoset::BitReversedPrefix): a prefix of
  // log size n reads the first 2^(n-1-j) twiddles of its D-domain's layer j. Returns that D (n
  // itself for a domain served directly), or 0 if the tree cannot serve the domain.
  uint32_t TwiddleLogSize(const CircleDomain& domain) const;
  bool CanServe(const CircleDomain& domain) const { return TwiddleLogSize(domain) != 0; }

  // The kernel twiddles (layout above) of the domains of log size log_n this tree serves
  // (kLogKernelBlock ≤ log_n ≤ root.log_size() + 1). Built on first use, safely from any thread,
  // and kept (2^{log_n - 1} words); copies of the tree share them. A prefix domain of log size n
  // uses the first 2^(n - kLogKernelBlock) blocks of its D-domain's table.
  std::span<const uint32_t> KernelTwiddles(uint32_t log_n, bool inverse) const;

 private:
  struct KernelCache {
    std::array<std::array<std::once_flag, 32>, 2> built;
    std::array<std::array<std::vector<uint32_t>, 32>, 2> tables;
  };

  Coset root_coset_;
  std::vector<M31> twiddles_;
  std::vector<M31> itwiddles_;
  std::shared_ptr<KernelCache> kernel_cache_ = std::make_shared<KernelCache>();
};

// The twiddles of each layer of the circle FFT on one domain of log size n (§3.3):
// layers[0], the circle layer, holds y of H[bitrev_{n-1}(h)] for h < 2^{n-1}; layers[j] for
// 1 ≤ j < n holds π^{j-1}(x) of H[bitrev_{n-1-j}(h)] for h < 2^{n-1-j}. H is the half coset.
// Inverse twiddles hold the inverses of the same values.
struct LayerTwiddles {
  std::vector<std::vector<M31>> layers;

  uint32_t log_size() const { return static_cast<uint32_t>(layers.size()); }

  // Straight from the domain's points, following the definition.
  static LayerTwiddles Direct(const CircleDomain& domain, bool inverse);
  // Copied from a tree that can serve the domain, the circle layer derived as the FFT does.
  static LayerTwiddles FromTree(const TwiddleTree& tree, const CircleDomain& domain, bool inverse);
};

}  // namespace tensorstark::circle
