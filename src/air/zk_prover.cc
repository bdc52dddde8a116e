#include "air/zk_prover.h"

#include <tbb/parallel_for.h>

#include <bit>
#include <cassert>

#include "air/zk_blinding.h"
#include "circle/bit_reverse.h"
#include "circle/coset.h"
#include "circle/fft.h"
#include "circle/vanishing_multiple.h"

namespace tensorstark::air {
namespace {

hash::RandomStream Stream(const hash::RandomSeed& seed, ZkStream purpose, uint64_t column) {
  return hash::RandomStream(seed, (static_cast<uint64_t>(purpose) << 32) | column);
}

}  // namespace

std::vector<circle::CirclePoly> RandomizeColumns(std::vector<std::vector<M31>> columns,
                                                 std::span<const uint32_t> log_sizes,
                                                 uint32_t randomizer_log_size,
                                                 const circle::TwiddleTree& twiddles,
                                                 const hash::RandomSeed& seed, ZkStream stream) {
  std::vector<std::vector<M31>> coeffs(columns.size());
  tbb::parallel_for(size_t{0}, columns.size(), [&](size_t i) {
    std::vector<M31>& f = columns[i];
    const uint32_t k = std::bit_width(f.size()) - 1;
    circle::CircleIfft(f, circle::CanonicCoset(k).circle_domain(), twiddles);
    std::vector<M31> r(size_t{1} << randomizer_log_size);
    Stream(seed, stream, i).Fill(r);
    coeffs[i] = circle::AddVanishingMultiple(f, k, r, twiddles);
    assert(coeffs[i].size() <= size_t{1} << log_sizes[i]);
    coeffs[i].resize(size_t{1} << log_sizes[i]);
    std::vector<M31>().swap(f);
  });
  std::vector<circle::CirclePoly> polys;
  polys.reserve(coeffs.size());
  for (std::vector<M31>& c : coeffs) polys.emplace_back(std::move(c));
  return polys;
}

std::vector<circle::CirclePoly> RandomPolys(std::span<const uint32_t> log_sizes,
                                            const hash::RandomSeed& seed) {
  std::vector<std::vector<M31>> coeffs(log_sizes.size());
  tbb::parallel_for(size_t{0}, log_sizes.size(), [&](size_t i) {
    coeffs[i].resize(size_t{1} << log_sizes[i]);
    Stream(seed, ZkStream::kMask, i).Fill(coeffs[i]);
  });
  std::vector<circle::CirclePoly> polys;
  for (std::vector<M31>& c : coeffs) polys.emplace_back(std::move(c));
  return polys;
}

void AppendZkBlindingColumns(std::span<const Component* const> components,
                             std::vector<std::vector<std::vector<M31>>>& traces,
                             const hash::RandomSeed& seed) {
  if (traces.size() != components.size()) return;
  size_t link = 0;  // the key the next yielding component adds
  for (const auto& [i, blinding] : ZkBlindingChain(components)) {
    const uint32_t log_size = components[i]->log_size();
    const size_t row0 =
        circle::BitReverseIndex(circle::CosetIndexToCircleDomainIndex(0, log_size), log_size);
    auto append = [&](size_t key_link, M31 multiplicity) {
      hash::RandomStream stream = Stream(seed, ZkStream::kBlind, key_link);
      for (size_t c = 0; c < kZkBlindColumns; ++c) {
        std::vector<M31>& column = traces[i].emplace_back(size_t{1} << log_size);
        column[row0] = c + 1 < kZkBlindColumns ? stream.NextM31() : multiplicity;
      }
    };
    if (blinding.yields) append(link, M31::One());
    if (blinding.consumes) append(link - 1, -M31::One());
    if (blinding.yields) ++link;
  }
}

std::vector<std::vector<M31>> SaltColumns(std::span<const uint32_t> log_sizes, uint32_t log_blowup,
                                          size_t tree, const hash::RandomSeed& seed) {
  std::vector<std::vector<M31>> salts(log_sizes.size());
  tbb::parallel_for(size_t{0}, log_sizes.size(), [&](size_t i) {
    salts[i].resize(size_t{1} << (log_sizes[i] + log_blowup));
    // 2^24 salt columns per tree at most: far above any layout's.
    Stream(seed, ZkStream::kSalt, (uint64_t{tree} << 24) | i).Fill(salts[i]);
  });
  return salts;
}

}  // namespace tensorstark::air
