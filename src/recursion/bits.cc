#include "recursion/bits.h"

#include <cassert>

#include "recursion/qm31_wire.h"

namespace tensorstark::recursion {
namespace {

using field::M31;
using field::QM31;

inline constexpr uint32_t kM31Bits = 31;

// Guesses the n_bits low bits of the word's value and asserts that they recompose it.
std::vector<Wire> GuessBits(Wire word, uint32_t n_bits, std::string_view what) {
  CircuitBuilder& builder = word.builder();
  const uint32_t value = builder.with_values() ? word.value().c0.a.value() : 0;
  std::vector<Wire> bits;
  for (uint32_t i = 0; i < n_bits; ++i) {
    bits.push_back(builder.Guess(ValueType::kBit, QM31(M31::FromCanonical((value >> i) & 1))));
  }
  builder.AssertEqual(Recompose(bits), word, what);
  return bits;
}

}  // namespace

Wire Recompose(std::span<const Wire> bits) {
  assert(!bits.empty());
  Wire sum = bits.back();
  for (size_t i = bits.size() - 1; i-- > 0;) sum = sum * M31::FromCanonical(2) + bits[i];
  return sum;
}

std::vector<Wire> DecomposeBits(Wire word, uint32_t n_bits, std::string_view what) {
  assert(n_bits >= 1 && n_bits < kM31Bits);
  return GuessBits(word, n_bits, what);
}

void AssertSignedRange(Wire word, uint32_t bound_bits, std::string_view what) {
  if (bound_bits + 1 >= kM31Bits) return;
  DecomposeBits(word + QM31(M31::FromCanonical(uint32_t{1} << bound_bits)), bound_bits + 1, what);
}

std::vector<Wire> DecomposeM31(Wire word, std::string_view what) {
  std::vector<Wire> bits = GuessBits(word, kM31Bits, what);
  Wire ones = bits[0];
  for (uint32_t i = 1; i < kM31Bits; ++i) ones = ones + bits[i];
  InverseOf(ones - QM31(M31::FromCanonical(kM31Bits)), what);
  return bits;
}

}  // namespace tensorstark::recursion
