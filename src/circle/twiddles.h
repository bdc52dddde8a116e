// Twiddle factors of the circle FFT (protocol reference §3.3, §3.5).
//
// TwiddleTree precomputes, once, the twiddles of every circle domain whose half coset is a
// repeated doubling of a root coset (for canonic domains of log size ≤ L: the half coset of
// CanonicCoset(L)). LayerTwiddles spells out the twiddles of one domain layer by layer; it is what
// the reference FFT consumes, built either straight from the domain's points or from a tree.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "circle/coset.h"
#include "field/m31.h"

namespace tensorstark::circle {

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
  bool CanServe(const CircleDomain& domain) const;

 private:
  Coset root_coset_;
  std::vector<M31> twiddles_;
  std::vector<M31> itwiddles_;
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
