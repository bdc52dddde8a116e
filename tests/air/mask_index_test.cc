// Storage-index arithmetic of mask offsets and the preprocessed columns, against direct point
// computations on the circle.
#include "air/mask_index.h"

#include <doctest/doctest.h>

#include "air/preprocessed.h"
#include "circle/bit_reverse.h"
#include "circle/coset.h"

namespace tensorstark::air {
namespace {

using circle::BitReverseIndex;
using circle::CanonicCoset;
using circle::CirclePoint;
using field::M31;

CirclePoint<M31> Shift(const CirclePoint<M31>& p, const CirclePoint<M31>& step, int offset) {
  const CirclePoint<M31> s = step.Mul(static_cast<uint64_t>(offset < 0 ? -offset : offset));
  return p + (offset < 0 ? s.Conjugate() : s);
}

TEST_CASE("CircleDomainIndexToCosetIndex inverts CosetIndexToCircleDomainIndex") {
  for (uint32_t log_size : {1u, 2u, 5u}) {
    for (size_t k = 0; k < (size_t{1} << log_size); ++k) {
      CHECK(CircleDomainIndexToCosetIndex(circle::CosetIndexToCircleDomainIndex(k, log_size),
                                          log_size) == k);
    }
  }
}

TEST_CASE("CosetRowToStorageIndex holds the coset row's point") {
  const uint32_t log_size = 5;
  const CanonicCoset coset(log_size);
  const circle::CircleDomain domain = coset.circle_domain();
  for (size_t row = 0; row < coset.size(); ++row) {
    CHECK(domain.at(BitReverseIndex(CosetRowToStorageIndex(row, log_size), log_size)) ==
          coset.at(row));
  }
}

TEST_CASE("OffsetStorageIndex moves by offset trace steps") {
  for (uint32_t log_size : {1u, 2u, 4u}) {
    for (uint32_t extra : {0u, 1u, 2u}) {
      const uint32_t eval_log_size = log_size + extra;
      // The canonic domain, and prefixes of larger canonic domains (the committed evaluations
      // at a higher blowup) where the domain is larger than the trace domain.
      for (uint32_t parent_extra : {0u, 1u, 3u}) {
        if (extra == 0 && parent_extra > 0) continue;
        const circle::CircleDomain domain =
            CanonicCoset(eval_log_size + parent_extra).BitReversedPrefix(eval_log_size);
        const CirclePoint<M31> step = CanonicCoset(log_size).step();
        for (int offset : {-3, -1, 0, 1, 2, 17}) {
          for (size_t i = 0; i < domain.size(); ++i) {
            const size_t j = OffsetStorageIndex(i, log_size, eval_log_size, offset);
            REQUIRE(j < domain.size());
            CHECK(domain.at(BitReverseIndex(j, eval_log_size)) ==
                  Shift(domain.at(BitReverseIndex(i, eval_log_size)), step, offset));
          }
        }
      }
    }
  }
}

TEST_CASE("Preprocessed columns hold their values at the coset rows") {
  const uint32_t log_size = 6;
  const PreprocessedColumnId is_first{PreprocessedColumnId::Kind::kIsFirst, log_size};
  const PreprocessedColumnId seq{PreprocessedColumnId::Kind::kSeq, log_size};
  CHECK(is_first.Name() == "is_first_6");
  CHECK(seq.Name() == "seq_6");
  const std::vector<M31> first = GeneratePreprocessedColumn(is_first);
  const std::vector<M31> values = GeneratePreprocessedColumn(seq);
  REQUIRE(first.size() == 64);
  REQUIRE(values.size() == 64);
  for (size_t row = 0; row < 64; ++row) {
    const size_t position = CosetRowToStorageIndex(row, log_size);
    CHECK(first[position] == (row == 0 ? M31::One() : M31()));
    CHECK(values[position] == M31::FromCanonical(static_cast<uint32_t>(row)));
  }
}

}  // namespace
}  // namespace tensorstark::air
