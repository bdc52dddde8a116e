// The storage order of evaluations (protocol reference §2): values are kept in bit-reversed
// circle-domain order, position j holding the value at domain.at(BitReverseIndex(j, log n)).
// Trace rows come in coset order and reach storage through CosetIndexToCircleDomainIndex, then
// bit reversal.
#pragma once

#include <bit>
#include <cassert>
#include <cstddef>
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

namespace tensorstark::circle {

// Reverses the low log_size bits of i (i < 2^log_size).
constexpr size_t BitReverseIndex(size_t i, uint32_t log_size) {
  if (log_size == 0) return i;
  uint64_t r = i;
  r = ((r >> 1) & 0x5555555555555555) | ((r & 0x5555555555555555) << 1);
  r = ((r >> 2) & 0x3333333333333333) | ((r & 0x3333333333333333) << 2);
  r = ((r >> 4) & 0x0f0f0f0f0f0f0f0f) | ((r & 0x0f0f0f0f0f0f0f0f) << 4);
  r = ((r >> 8) & 0x00ff00ff00ff00ff) | ((r & 0x00ff00ff00ff00ff) << 8);
  r = ((r >> 16) & 0x0000ffff0000ffff) | ((r & 0x0000ffff0000ffff) << 16);
  r = (r >> 32) | (r << 32);
  return static_cast<size_t>(r >> (64 - log_size));
}

// Permutes v (of 2-power size) in place into bit-reversed order.
template <typename T>
void BitReverse(std::span<T> v) {
  assert(std::has_single_bit(v.size()) || v.empty());
  if (v.size() < 2) return;
  uint32_t log_n = std::countr_zero(v.size());
  for (size_t i = 0; i < v.size(); ++i) {
    size_t j = BitReverseIndex(i, log_n);
    if (i < j) std::swap(v[i], v[j]);
  }
}

// Position in the circle domain of size 2^log_domain_size of the point with coset index k
// (coset order G_{2n} + k·G_n): even k lie in the half coset, odd k in its conjugate.
constexpr size_t CosetIndexToCircleDomainIndex(size_t coset_index, uint32_t log_domain_size) {
  if (coset_index % 2 == 0) return coset_index / 2;
  return ((size_t{2} << log_domain_size) - coset_index) / 2;
}

// domain[i] = coset[2i] for i < n/2 and domain[n/2 + i] = coset[n - 1 - 2i].
template <typename T>
std::vector<T> CosetOrderToCircleDomainOrder(std::span<const T> values) {
  size_t n = values.size(), half = n / 2;
  std::vector<T> out;
  out.reserve(n);
  for (size_t i = 0; i < half; ++i) out.push_back(values[2 * i]);
  for (size_t i = 0; i < half; ++i) out.push_back(values[n - 1 - 2 * i]);
  return out;
}

// The inverse of CosetOrderToCircleDomainOrder.
template <typename T>
std::vector<T> CircleDomainOrderToCosetOrder(std::span<const T> values) {
  size_t n = values.size(), half = n / 2;
  std::vector<T> out(n);
  for (size_t i = 0; i < half; ++i) {
    out[2 * i] = values[i];
    out[n - 1 - 2 * i] = values[half + i];
  }
  return out;
}

// Coset order → bit-reversed circle-domain order, in place. The permutation k ↦
// bitrev(CosetIndexToCircleDomainIndex(k)) is an involution, so swapping pairs suffices.
template <typename T>
void BitReverseCosetToCircleDomainOrder(std::span<T> v) {
  assert(std::has_single_bit(v.size()));
  uint32_t log_n = std::countr_zero(v.size());
  for (size_t i = 0; i < v.size(); ++i) {
    size_t j = BitReverseIndex(CosetIndexToCircleDomainIndex(i, log_n), log_n);
    if (i < j) std::swap(v[i], v[j]);
  }
}

}  // namespace tensorstark::circle
