// Where a mask offset lands in storage (protocol reference §9.2). A component of log size n
// reads row r + o (coset order of CanonicCoset(n)); its columns are stored in bit-reversed
// circle-domain order, either on the trace domain (eval_log_size = n) or on a bigger evaluation
// domain CanonicCoset(eval_log_size).circle_domain(). These helpers map storage indices, so the
// evaluators never convert whole columns.
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

// Storage index, on the domain of log size eval_log_size ≥ log_size, of the point
// P + offset·G_{2^log_size} where P is the point at storage index i. The evaluation domain as a
// set is CanonicCoset(eval_log_size), whose coset step is G_{2^eval_log_size}, so the offset moves
// offset·2^(eval_log_size - log_size) places in coset order (cyclically). This is Stwo's
// offset_bit_reversed_circle_domain_index, written through the coset index so that it also holds
// on the trace domain itself.
constexpr size_t OffsetStorageIndex(size_t i, uint32_t log_size, uint32_t eval_log_size,
                                    int offset) {
  assert(eval_log_size >= log_size);
  const size_t mask = (size_t{1} << eval_log_size) - 1;
  const size_t coset_index =
      CircleDomainIndexToCosetIndex(circle::BitReverseIndex(i, eval_log_size), eval_log_size);
  // Two's-complement wrap-around is the cyclic shift modulo the 2-power domain size.
  const size_t shift = static_cast<size_t>(static_cast<int64_t>(offset))
                       << (eval_log_size - log_size);
  return circle::BitReverseIndex(
      circle::CosetIndexToCircleDomainIndex((coset_index + shift) & mask, eval_log_size),
      eval_log_size);
}

}  // namespace tensorstark::air
