// Where a mask offset lands in storage (protocol reference §9.2). A component of log size n
// reads row r + o (coset order of CanonicCoset(n)); its columns are stored in bit-reversed
// circle-domain order, either on the trace domain (eval_log_size = n) or on a bigger evaluation
// domain (see OffsetStorageIndex). These helpers map storage indices, so the evaluators never
// convert whole columns.
#pragma once

#include <cassert>
#include <cstddef>
#include <cstdint>

#include "circle/bit_reverse.h"

namespace tensorstark::air {

// The inverse of circle::CosetIndexToCircleDomainIndex: domain[i] = coset[2i] for i < N/2 and
// domain[N/2 + i] = coset[N - 1 - 2i].
constexpr size_t CircleDomainIndexToCosetIndex(size_t domain_index, uint32_t log_size) {
  const size_t half = (size_t{1} << log_size) / 2;
  if (domain_index < half) return 2 * domain_index;
  return (size_t{1} << log_size) - 1 - 2 * (domain_index - half);
}

// Storage index of coset row `row` of a column of log size `log_size`.
constexpr size_t CosetRowToStorageIndex(size_t row, uint32_t log_size) {
  return circle::BitReverseIndex(circle::CosetIndexToCircleDomainIndex(row, log_size), log_size);
}

// Storage index, on an evaluation domain of log size eval_log_size ≥ log_size, of the point
// P + offset·G_{2^log_size} where P is the point at storage index i. The evaluation domain is
// the trace domain itself (eval_log_size = log_size), a canonic domain, or a bit-reversed prefix
// of a larger canonic domain (CanonicCoset::BitReversedPrefix): a half coset H = Q + <G_{N/2}>
// (N = 2^eval_log_size) and its conjugate -H. On the trace domain the offset moves `offset`
// places in coset order. On a larger domain G_{2^log_size} = 2^k·G_{N/2} with
// k = eval_log_size - 1 - log_size, so the offset moves offset·2^k places forward in H and, as
// -(H[j]) + s = -(H[j] - s), the same number backward in -H (Stwo's
// offset_bit_reversed_circle_domain_index).
constexpr size_t OffsetStorageIndex(size_t i, uint32_t log_size, uint32_t eval_log_size,
                                    int offset) {
  assert(eval_log_size >= log_size);
  // Two's-complement wrap-around is the cyclic shift modulo the 2-power sizes below.
  const auto shift = [&](uint32_t log_steps) {
    return static_cast<size_t>(static_cast<int64_t>(offset)) << log_steps;
  };
  const size_t domain_index = circle::BitReverseIndex(i, eval_log_size);
  size_t moved;
  if (eval_log_size == log_size) {
    const size_t mask = (size_t{1} << eval_log_size) - 1;
    const size_t coset_index = CircleDomainIndexToCosetIndex(domain_index, eval_log_size);
    moved = circle::CosetIndexToCircleDomainIndex((coset_index + shift(0)) & mask, eval_log_size);
  } else {
    const size_t half = size_t{1} << (eval_log_size - 1);
    const size_t step = shift(eval_log_size - 1 - log_size);
    moved = domain_index < half ? (domain_index + step) & (half - 1)
                                : half + ((domain_index - half - step) & (half - 1));
  }
  return circle::BitReverseIndex(moved, eval_log_size);
}

}  // namespace tensorstark::air
