// Limb kernels for Felt252: modular addition, subtraction and Montgomery multiplication on four
// little-endian 64-bit limbs, R = 2^256. These are the portable definitions (constexpr, unsigned
// __int128 and overflow builtins); with BMI2/ADX the same functions run the assembly of
// felt252_x86.h. They exploit the shape of the Stark prime p = 2^251 + 17·2^192 + 1, whose limbs
// are [1, 0, 0, kP3]: as p ≡ 1 (mod 2^64), a Montgomery reduction needs no quotient multiplication,
// and it costs one 64×64 product per limb.
#pragma once

#include <array>
#include <cstdint>
#include <type_traits>

#include "field/felt252_limbs.h"

#if defined(TENSORSTARK_SIMD_AVX2) || defined(TENSORSTARK_SIMD_AVX512)
#include "field/felt252_x86.h"
#define TENSORSTARK_FELT252_ADX 1
#endif

namespace tensorstark::field::felt252_internal {

using U128 = unsigned __int128;

// R mod p and R² mod p, R = 2^256 (checked against a big-integer computation in the tests).
inline constexpr Limbs kRModP = {0xffffffffffffffe1, 0xffffffffffffffff, 0xffffffffffffffff,
                                 0x07fffffffffffdf0};
inline constexpr Limbs kR2ModP = {0xfffffd737e000401, 0x00000001330fffff, 0xffffffffff6f8000,
                                  0x07ffd4ab5e008810};

constexpr bool LessThanModulus(const Limbs& a) {
  if (a[3] != kP3) return a[3] < kP3;
  // p - 1 = [0, 0, 0, kP3] is the only value below p whose top limb is kP3.
  return a[0] == 0 && a[1] == 0 && a[2] == 0;
}

// One step of a carry (borrow) chain: returns a + b + carry (a - b - borrow) and updates it.
constexpr uint64_t AddCarry(uint64_t a, uint64_t b, uint64_t& carry) {
  uint64_t s;
  uint64_t c1 = __builtin_add_overflow(a, b, &s);
  uint64_t c2 = __builtin_add_overflow(s, carry, &s);
  carry = c1 | c2;
  return s;
}
constexpr uint64_t SubBorrow(uint64_t a, uint64_t b, uint64_t& borrow) {
  uint64_t d;
  uint64_t b1 = __builtin_sub_overflow(a, b, &d);
  uint64_t b2 = __builtin_sub_overflow(d, borrow, &d);
  borrow = b1 | b2;
  return d;
}

// a + b, returning the carry out of the top limb in carry.
constexpr Limbs AddWithCarry(const Limbs& a, const Limbs& b, uint64_t& carry) {
  carry = 0;
  Limbs s;
  for (int i = 0; i < 4; ++i) s[i] = AddCarry(a[i], b[i], carry);
  return s;
}
// a - b, returning the borrow out of the top limb in borrow.
constexpr Limbs SubWithBorrow(const Limbs& a, const Limbs& b, uint64_t& borrow) {
  borrow = 0;
  Limbs d;
  for (int i = 0; i < 4; ++i) d[i] = SubBorrow(a[i], b[i], borrow);
  return d;
}

// p where mask is all ones, 0 where it is 0 (branch-free, as hash inputs make a branch on the
// carry unpredictable).
constexpr Limbs MaskedModulus(uint64_t mask) { return {mask & 1, 0, 0, mask & kP3}; }

// a + b mod p for a, b in [0, p): the sum is below 2^253, then a trial subtraction of p.
constexpr Limbs AddModPortable(const Limbs& a, const Limbs& b) {
  uint64_t carry, borrow;
  Limbs s = AddWithCarry(a, b, carry);
  Limbs d = SubWithBorrow(s, kModulus, borrow);
  uint64_t keep_sum = 0 - borrow;
  for (int i = 0; i < 4; ++i) d[i] = (s[i] & keep_sum) | (d[i] & ~keep_sum);
  return d;
}

// a - b mod p for a, b in [0, p): p is added back when the difference borrows.
constexpr Limbs SubModPortable(const Limbs& a, const Limbs& b) {
  uint64_t borrow, carry;
  Limbs d = SubWithBorrow(a, b, borrow);
  return AddWithCarry(d, MaskedModulus(0 - borrow), carry);
}

// Montgomery reduction of a 512-bit T to T·R⁻¹ mod p: in [0, p) when T < p·R (for instance both
// factors below p), and in [0, T/R) for any larger T. Kernels that keep values unreduced rely on
// the second case.
//
// Instead of adding m·p with m = -t·p⁻¹ (the textbook step), subtract m·p with m = t: because
// p ≡ 1 (mod 2^64), limb i minus m_i is exactly zero. With p = 1 + kP3·2^192 the quotient is
// M = (t0, t1, t2, m3), where only m3 = t3 - lo(t0·kP3) is touched by an earlier step, and
// (T - M·p)/R = T_high - (M·kP3 >> 64) - borrow, which lies in (-p, T/R): one conditional
// addition of p makes it non-negative.
//
// With kLazy, p is added whether or not the difference is negative: the result lies in
// (0, T/R + p], with less latency (the Poseidon kernel, which tracks its bounds, uses it). The
// caller keeps T/R + p below 2^256.
template <bool kLazy = false>
constexpr Limbs MontReduce(const uint64_t t[8]) {
  U128 acc = U128{t[0]} * kP3;
  uint64_t q0 = static_cast<uint64_t>(acc);
  uint64_t m3 = t[3] - q0;
  acc = U128{t[1]} * kP3 + static_cast<uint64_t>(acc >> 64);
  uint64_t q1 = static_cast<uint64_t>(acc);
  acc = U128{t[2]} * kP3 + static_cast<uint64_t>(acc >> 64);
  uint64_t q2 = static_cast<uint64_t>(acc);
  acc = U128{m3} * kP3 + static_cast<uint64_t>(acc >> 64);
  Limbs q = {q1, q2, static_cast<uint64_t>(acc), static_cast<uint64_t>(acc >> 64)};
  // (t3, ..., t7) - (q0, ..., q4) with the lowest limb dropped: it is m3, which the quotient's
  // own m3 cancels, and only its borrow carries on.
  uint64_t borrow = t[3] < q0, carry;
  Limbs r = {SubBorrow(t[4], q[0], borrow), SubBorrow(t[5], q[1], borrow),
             SubBorrow(t[6], q[2], borrow), SubBorrow(t[7], q[3], borrow)};
  return AddWithCarry(r, MaskedModulus(kLazy ? ~uint64_t{0} : 0 - borrow), carry);
}

// 256×256 → 512-bit schoolbook product, row by row; each step a·b + t + carry fits in 128 bits.
constexpr void MulWide(const Limbs& a, const Limbs& b, uint64_t t[8]) {
  for (int j = 0; j < 8; ++j) t[j] = 0;
  for (int i = 0; i < 4; ++i) {
    uint64_t carry = 0;
    for (int j = 0; j < 4; ++j) {
      U128 acc = U128{a[i]} * b[j] + t[i + j] + carry;
      t[i + j] = static_cast<uint64_t>(acc);
      carry = static_cast<uint64_t>(acc >> 64);
    }
    t[i + 4] = carry;
  }
}

constexpr Limbs MontMulPortable(const Limbs& a, const Limbs& b) {
  uint64_t t[8];
  MulWide(a, b, t);
  return MontReduce(t);
}

// Congruent to a·b·R⁻¹ and in (0, a·b/R + p]: MontReduce<true>. The caller keeps a·b/R + p below
// 2^256.
constexpr Limbs MontMulLazy(const Limbs& a, const Limbs& b) {
#ifdef TENSORSTARK_FELT252_ADX
  if (!std::is_constant_evaluated()) return MontMulLazyAdx(a, b);
#endif
  uint64_t t[8];
  MulWide(a, b, t);
  return MontReduce<true>(t);
}

// The square with the lazy reduction; only the portable MontCubeAddLazy below needs it on its
// own (the ADX cube keeps its square inside one assembly block).
constexpr Limbs MontSquareLazy(const Limbs& a) {
  uint64_t t[8];
  MulWide(a, a, t);
  return MontReduce<true>(t);
}

// MontMulLazy(MontSquareLazy(a), a) - p + k for any k >= p: MontReduce<true> adds k in place
// of p to the second product, so the result is congruent to a³·R⁻² + k and lies in
// (k - p, s·a/R + k] with s = MontSquareLazy(a) <= a²/R + p. One kernel with the ADX assembly.
// The caller keeps s·a/R + k below 2^256.
constexpr Limbs MontCubeAddLazy(const Limbs& a, const Limbs& k) {
#ifdef TENSORSTARK_FELT252_ADX
  if (!std::is_constant_evaluated()) return MontCubeAddLazyAdx(a, k);
#endif
  uint64_t t[8], borrow, carry;
  MulWide(MontSquareLazy(a), a, t);
  Limbs r = MontReduce<true>(t);
  return AddWithCarry(SubWithBorrow(r, kModulus, borrow), k, carry);
}

constexpr Limbs AddMod(const Limbs& a, const Limbs& b) {
#ifdef TENSORSTARK_FELT252_ADX
  if (!std::is_constant_evaluated()) return AddModAdx(a, b);
#endif
  return AddModPortable(a, b);
}

constexpr Limbs SubMod(const Limbs& a, const Limbs& b) {
#ifdef TENSORSTARK_FELT252_ADX
  if (!std::is_constant_evaluated()) return SubModAdx(a, b);
#endif
  return SubModPortable(a, b);
}

constexpr Limbs MontMul(const Limbs& a, const Limbs& b) {
#ifdef TENSORSTARK_FELT252_ADX
  if (!std::is_constant_evaluated()) return MontMulAdx(a, b);
#endif
  return MontMulPortable(a, b);
}

constexpr Limbs MontSquare(const Limbs& a) {
#ifdef TENSORSTARK_FELT252_ADX
  if (!std::is_constant_evaluated()) return MontSquareAdx(a);
#endif
  return MontMulPortable(a, a);
}

// Unreduced arithmetic, for kernels that track bounds themselves (the Poseidon permutation):
// a value is any integer below 2^256 (about 32p) congruent to the element.

// a + b; the caller keeps the sum below 2^256.
constexpr Limbs AddNoReduce(const Limbs& a, const Limbs& b) {
#ifdef TENSORSTARK_FELT252_ADX
  if (!std::is_constant_evaluated()) return AddNoReduceAdx(a, b);
#endif
  uint64_t carry;
  return AddWithCarry(a, b, carry);
}

// a - b; the caller guarantees a >= b.
constexpr Limbs SubNoReduce(const Limbs& a, const Limbs& b) {
#ifdef TENSORSTARK_FELT252_ADX
  if (!std::is_constant_evaluated()) return SubNoReduceAdx(a, b);
#endif
  uint64_t borrow;
  return SubWithBorrow(a, b, borrow);
}

// p - q·(17·2^192 + 1) for q = 0..31, the correction ReduceBelow2P adds.
inline constexpr auto kReduceBelow2PTable = [] {
  std::array<Limbs, 32> table;
  for (uint64_t q = 0; q < 32; ++q) {
    // (1 - q) in the low limb, borrowing from the limbs above when q > 1.
    uint64_t borrow = q > 1;
    table[q] = {1 - q, 0 - borrow, 0 - borrow, kP3 - 17 * q - borrow};
  }
  return table;
}();

// Any x < 2^256 to a congruent value in (0, 2p). With q = floor(x / 2^251), x - (q-1)·p equals
// (x mod 2^251) + p - q·(17·2^192 + 1), and q <= 31 keeps q·(17·2^192 + 1) far below p.
constexpr Limbs ReduceBelow2P(const Limbs& x) {
  Limbs low = {x[0], x[1], x[2], x[3] & ((uint64_t{1} << 59) - 1)};
  return AddNoReduce(low, kReduceBelow2PTable[x[3] >> 59]);
}

}  // namespace tensorstark::field::felt252_internal
