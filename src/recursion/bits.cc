#include "recursion/bits.h"

#include <cassert>
#include <optional>

#include "field/felt252.h"
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

void AssertFelt252Limbs(std::span<const Wire> limbs, uint32_t limb_bits, std::string_view what) {
  assert(!limbs.empty() && limbs.size() * limb_bits >= 252 && limbs.size() * limb_bits <= 256);
  CircuitBuilder& builder = limbs[0].builder();
  std::vector<Wire> bits;  // the value's, most significant first
  for (const Wire& limb : limbs) {
    const std::vector<Wire> low_first = DecomposeBits(limb, limb_bits, what);
    bits.insert(bits.end(), low_first.rbegin(), low_first.rend());
  }
  // The value exceeds p − 1 where, its higher bits equal to p − 1's, it has a 1 where p − 1 has
  // a 0. `equal` (0 or 1) is whether the bits so far equal p − 1's; it changes only at p − 1's
  // 1 bits, so the bits between two of them need only be 0 as a sum (at most 256 bits: no wrap).
  field::Felt252::Limbs bound = field::Felt252::kModulus;
  bound[0] -= 1;  // p is odd
  Wire equal = builder.Constant(QM31::One());
  std::optional<Wire> zeros;  // the value's bits where p − 1 has 0s, since its last 1
  const auto check_zeros = [&] {
    if (zeros) builder.AssertEqual(equal * *zeros, builder.Constant(QM31::Zero()), what);
    zeros.reset();
  };
  for (size_t k = 0; k < bits.size(); ++k) {
    const size_t position = bits.size() - 1 - k;
    if ((bound[position / 64] >> (position % 64)) & 1) {
      check_zeros();
      equal = equal * bits[k];
    } else {
      zeros = zeros ? *zeros + bits[k] : bits[k];
    }
  }
  check_zeros();
}

std::vector<Wire> DecomposeM31(Wire word, std::string_view what) {
  std::vector<Wire> bits = GuessBits(word, kM31Bits, what);
  Wire ones = bits[0];
  for (uint32_t i = 1; i < kM31Bits; ++i) ones = ones + bits[i];
  InverseOf(ones - QM31(M31::FromCanonical(kM31Bits)), what);
  return bits;
}

}  // namespace tensorstark::recursion
