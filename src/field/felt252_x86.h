// x86-64 assembly kernels for Felt252 (felt252_montgomery.h), used when the SIMD level
// guarantees BMI2 and ADX (AVX2, AVX-512): mulx leaves the flags alone, so each row of a product
// runs two independent carry chains (adcx on CF, adox on OF), which compilers do not schedule by
// themselves from intrinsics; and additions stay branch-free, where the compiler would branch on
// an unpredictable carry.
#pragma once

#include <cstdint>

#include "field/felt252_limbs.h"

namespace tensorstark::field::felt252_internal {

// Montgomery reduction of the 512-bit t0..t7 into t4..t7, as MontReduce in felt252_montgomery.h:
// Q = (t0, t1, t2, m3)·kP3 with m3 = t3 - lo(t0·kP3); then (t3, ..., t7) - Q by one borrow chain
// whose lowest limb (m3, cancelled by the quotient's own m3) is dropped; then p is added back if
// the result is negative. t0..t3, lo, hi and rdx serve as scratch, so it needs no other register.
#define TENSORSTARK_FELT252_REDUCE_ASM \
  "movabsq %[p3], %%rdx\n\t"           \
  "mulxq %[t0], %[lo], %[hi]\n\t"      \
  "mulxq %[t1], %[t1], %[t0]\n\t"      \
  "addq %[hi], %[t1]\n\t"              \
  "mulxq %[t2], %[t2], %[hi]\n\t"      \
  "adcq %[t0], %[t2]\n\t"              \
  "adcq $0, %[hi]\n\t"                 \
  "movq %[t3], %[t0]\n\t"              \
  "subq %[lo], %[t0]\n\t"              \
  "mulxq %[t0], %[t0], %%rdx\n\t"      \
  "addq %[hi], %[t0]\n\t"              \
  "adcq $0, %%rdx\n\t"                 \
  "subq %[lo], %[t3]\n\t"              \
  "sbbq %[t1], %[t4]\n\t"              \
  "sbbq %[t2], %[t5]\n\t"              \
  "sbbq %[t0], %[t6]\n\t"              \
  "sbbq %%rdx, %[t7]\n\t"              \
  "sbbq %[hi], %[hi]\n\t"              \
  "movabsq %[p3], %[lo]\n\t"           \
  "andq %[hi], %[lo]\n\t"              \
  "negq %[hi]\n\t"                     \
  "addq %[hi], %[t4]\n\t"              \
  "adcq $0, %[t5]\n\t"                 \
  "adcq $0, %[t6]\n\t"                 \
  "adcq %[lo], %[t7]\n\t"

// As TENSORSTARK_FELT252_REDUCE_ASM, but p is added back unconditionally: the result is
// (T - M·p)/R + p, in (0, T/R + p]. Only limbs 0 and 3 of p are nonzero, and that addition
// starts as soon as the subtraction has produced limb 0, so it costs about one cycle of latency
// where the conditional correction (borrow to mask, mask to p, then the addition) costs six.
#define TENSORSTARK_FELT252_REDUCE_LAZY_ASM \
  "movabsq %[p3], %%rdx\n\t"                \
  "mulxq %[t0], %[lo], %[hi]\n\t"           \
  "mulxq %[t1], %[t1], %[t0]\n\t"           \
  "addq %[hi], %[t1]\n\t"                   \
  "mulxq %[t2], %[t2], %[hi]\n\t"           \
  "adcq %[t0], %[t2]\n\t"                   \
  "adcq $0, %[hi]\n\t"                      \
  "movq %[t3], %[t0]\n\t"                   \
  "subq %[lo], %[t0]\n\t"                   \
  "mulxq %[t0], %[t0], %%rdx\n\t"           \
  "addq %[hi], %[t0]\n\t"                   \
  "adcq $0, %%rdx\n\t"                      \
  "movabsq %[p3], %[hi]\n\t"                \
  "subq %[lo], %[t3]\n\t"                   \
  "sbbq %[t1], %[t4]\n\t"                   \
  "sbbq %[t2], %[t5]\n\t"                   \
  "sbbq %[t0], %[t6]\n\t"                   \
  "sbbq %%rdx, %[t7]\n\t"                   \
  "addq $1, %[t4]\n\t"                      \
  "adcq $0, %[t5]\n\t"                      \
  "adcq $0, %[t6]\n\t"                      \
  "adcq %[hi], %[t7]\n\t"

// As TENSORSTARK_FELT252_REDUCE_LAZY_ASM, with k0..k3 (any k >= p) added back instead of p.
#define TENSORSTARK_FELT252_REDUCE_ADD_ASM \
  "movabsq %[p3], %%rdx\n\t"               \
  "mulxq %[t0], %[lo], %[hi]\n\t"          \
  "mulxq %[t1], %[t1], %[t0]\n\t"          \
  "addq %[hi], %[t1]\n\t"                  \
  "mulxq %[t2], %[t2], %[hi]\n\t"          \
  "adcq %[t0], %[t2]\n\t"                  \
  "adcq $0, %[hi]\n\t"                     \
  "movq %[t3], %[t0]\n\t"                  \
  "subq %[lo], %[t0]\n\t"                  \
  "mulxq %[t0], %[t0], %%rdx\n\t"          \
  "addq %[hi], %[t0]\n\t"                  \
  "adcq $0, %%rdx\n\t"                     \
  "subq %[lo], %[t3]\n\t"                  \
  "sbbq %[t1], %[t4]\n\t"                  \
  "sbbq %[t2], %[t5]\n\t"                  \
  "sbbq %[t0], %[t6]\n\t"                  \
  "sbbq %%rdx, %[t7]\n\t"                  \
  "addq %[k0], %[t4]\n\t"                  \
  "adcq %[k1], %[t5]\n\t"                  \
  "adcq %[k2], %[t6]\n\t"                  \
  "adcq %[k3], %[t7]\n\t"

// The 512-bit product a·b into t0..t7, row by row: row i adds a_i·b into t_i..t_{i+4}, low
// halves on the OF chain (adox), high halves on CF (adcx). A0..A3 name a's limbs, each read
// (into rdx) before anything is written to the output limb of the same index + 4, so a can be
// t4..t7 themselves (MontCubeAddLazyAdx).
// clang-format off
#define TENSORSTARK_FELT252_MUL_ASM(A0, A1, A2, A3) \
  "movq " A0 ", %%rdx\n\t"                         \
  "mulxq %[b0], %[t0], %[t1]\n\t"                  \
  "mulxq %[b1], %[lo], %[t2]\n\t"                  \
  "addq %[lo], %[t1]\n\t"                          \
  "mulxq %[b2], %[lo], %[t3]\n\t"                  \
  "adcq %[lo], %[t2]\n\t"                          \
  "mulxq %[b3], %[lo], %[t4]\n\t"                  \
  "adcq %[lo], %[t3]\n\t"                          \
  "adcq $0, %[t4]\n\t"                             \
  "movq " A1 ", %%rdx\n\t"                         \
  "xorl %k[t5], %k[t5]\n\t"                        \
  "mulxq %[b0], %[lo], %[hi]\n\t"                  \
  "adoxq %[lo], %[t1]\n\t"                         \
  "adcxq %[hi], %[t2]\n\t"                         \
  "mulxq %[b1], %[lo], %[hi]\n\t"                  \
  "adoxq %[lo], %[t2]\n\t"                         \
  "adcxq %[hi], %[t3]\n\t"                         \
  "mulxq %[b2], %[lo], %[hi]\n\t"                  \
  "adoxq %[lo], %[t3]\n\t"                         \
  "adcxq %[hi], %[t4]\n\t"                         \
  "mulxq %[b3], %[lo], %[hi]\n\t"                  \
  "adoxq %[lo], %[t4]\n\t"                         \
  "adcxq %[t5], %[hi]\n\t"                         \
  "adoxq %[t5], %[hi]\n\t"                         \
  "movq %[hi], %[t5]\n\t"                          \
  "movq " A2 ", %%rdx\n\t"                         \
  "xorl %k[t6], %k[t6]\n\t"                        \
  "mulxq %[b0], %[lo], %[hi]\n\t"                  \
  "adoxq %[lo], %[t2]\n\t"                         \
  "adcxq %[hi], %[t3]\n\t"                         \
  "mulxq %[b1], %[lo], %[hi]\n\t"                  \
  "adoxq %[lo], %[t3]\n\t"                         \
  "adcxq %[hi], %[t4]\n\t"                         \
  "mulxq %[b2], %[lo], %[hi]\n\t"                  \
  "adoxq %[lo], %[t4]\n\t"                         \
  "adcxq %[hi], %[t5]\n\t"                         \
  "mulxq %[b3], %[lo], %[hi]\n\t"                  \
  "adoxq %[lo], %[t5]\n\t"                         \
  "adcxq %[t6], %[hi]\n\t"                         \
  "adoxq %[t6], %[hi]\n\t"                         \
  "movq %[hi], %[t6]\n\t"                          \
  "movq " A3 ", %%rdx\n\t"                         \
  "xorl %k[t7], %k[t7]\n\t"                        \
  "mulxq %[b0], %[lo], %[hi]\n\t"                  \
  "adoxq %[lo], %[t3]\n\t"                         \
  "adcxq %[hi], %[t4]\n\t"                         \
  "mulxq %[b1], %[lo], %[hi]\n\t"                  \
  "adoxq %[lo], %[t4]\n\t"                         \
  "adcxq %[hi], %[t5]\n\t"                         \
  "mulxq %[b2], %[lo], %[hi]\n\t"                  \
  "adoxq %[lo], %[t5]\n\t"                         \
  "adcxq %[hi], %[t6]\n\t"                         \
  "mulxq %[b3], %[lo], %[hi]\n\t"                  \
  "adoxq %[lo], %[t6]\n\t"                         \
  "adcxq %[t7], %[hi]\n\t"                         \
  "adoxq %[t7], %[hi]\n\t"                         \
  "movq %[hi], %[t7]\n\t"
// clang-format on

// The 512-bit square a² into t0..t7: the six cross products once, doubled, plus the four squares
// (14 mulx, not 20).
#define TENSORSTARK_FELT252_SQUARE_ASM                                 \
  /* a0·(a1, a2, a3) into t1..t4. */                                  \
  "movq %[a0], %%rdx\n\t"                                              \
  "mulxq %[a1], %[t1], %[t2]\n\t"                                      \
  "mulxq %[a2], %[lo], %[t3]\n\t"                                      \
  "addq %[lo], %[t2]\n\t"                                              \
  "mulxq %[a3], %[lo], %[t4]\n\t"                                      \
  "adcq %[lo], %[t3]\n\t"                                              \
  "adcq $0, %[t4]\n\t" /* a1·(a2, a3) into t3..t5. */                 \
  "movq %[a1], %%rdx\n\t"                                              \
  "xorl %k[t5], %k[t5]\n\t"                                            \
  "mulxq %[a2], %[lo], %[hi]\n\t"                                      \
  "adoxq %[lo], %[t3]\n\t"                                             \
  "adcxq %[hi], %[t4]\n\t"                                             \
  "mulxq %[a3], %[lo], %[hi]\n\t"                                      \
  "adoxq %[lo], %[t4]\n\t"                                             \
  "adcxq %[t5], %[hi]\n\t"                                             \
  "adoxq %[t5], %[hi]\n\t"                                             \
  "movq %[hi], %[t5]\n\t" /* a2·a3 into t5..t6. */                    \
  "movq %[a2], %%rdx\n\t"                                              \
  "mulxq %[a3], %[lo], %[t6]\n\t"                                      \
  "addq %[lo], %[t5]\n\t"                                              \
  "adcq $0, %[t6]\n\t" /* Double (adcx) and add the squares (adox). */ \
  "movq %[a0], %%rdx\n\t"                                              \
  "mulxq %%rdx, %[t0], %[hi]\n\t"                                      \
  "xorl %k[t7], %k[t7]\n\t"                                            \
  "adcxq %[t1], %[t1]\n\t"                                             \
  "adoxq %[hi], %[t1]\n\t"                                             \
  "movq %[a1], %%rdx\n\t"                                              \
  "mulxq %%rdx, %[lo], %[hi]\n\t"                                      \
  "adcxq %[t2], %[t2]\n\t"                                             \
  "adoxq %[lo], %[t2]\n\t"                                             \
  "adcxq %[t3], %[t3]\n\t"                                             \
  "adoxq %[hi], %[t3]\n\t"                                             \
  "movq %[a2], %%rdx\n\t"                                              \
  "mulxq %%rdx, %[lo], %[hi]\n\t"                                      \
  "adcxq %[t4], %[t4]\n\t"                                             \
  "adoxq %[lo], %[t4]\n\t"                                             \
  "adcxq %[t5], %[t5]\n\t"                                             \
  "adoxq %[hi], %[t5]\n\t"                                             \
  "movq %[a3], %%rdx\n\t"                                              \
  "mulxq %%rdx, %[lo], %[hi]\n\t"                                      \
  "adcxq %[t6], %[t6]\n\t"                                             \
  "adoxq %[lo], %[t6]\n\t"                                             \
  "adcxq %[t7], %[t7]\n\t"                                             \
  "adoxq %[hi], %[t7]\n\t"

// As TENSORSTARK_FELT252_SQUARE_ASM, with a in registers: a0 and a3 share their registers with
// t0 and t7, which are written only after the last read of a0 (a3), so the square needs 12
// registers besides rdx, not 14. The cross products are the same; the doubling reads a3 before
// anything else, and zeroes t7 with mov, which leaves the flags (cleared by the xor) alone.
#define TENSORSTARK_FELT252_SQUARE_REG_ASM                             \
  "movq %[t0], %%rdx\n\t"                                              \
  "mulxq %[a1], %[t1], %[t2]\n\t"                                      \
  "mulxq %[a2], %[lo], %[t3]\n\t"                                      \
  "addq %[lo], %[t2]\n\t"                                              \
  "mulxq %[t7], %[lo], %[t4]\n\t"                                      \
  "adcq %[lo], %[t3]\n\t"                                              \
  "adcq $0, %[t4]\n\t"                                                 \
  "movq %[a1], %%rdx\n\t"                                              \
  "xorl %k[t5], %k[t5]\n\t"                                            \
  "mulxq %[a2], %[lo], %[hi]\n\t"                                      \
  "adoxq %[lo], %[t3]\n\t"                                             \
  "adcxq %[hi], %[t4]\n\t"                                             \
  "mulxq %[t7], %[lo], %[hi]\n\t"                                      \
  "adoxq %[lo], %[t4]\n\t"                                             \
  "adcxq %[t5], %[hi]\n\t"                                             \
  "adoxq %[t5], %[hi]\n\t"                                             \
  "movq %[hi], %[t5]\n\t"                                              \
  "movq %[a2], %%rdx\n\t"                                              \
  "mulxq %[t7], %[lo], %[t6]\n\t"                                      \
  "addq %[lo], %[t5]\n\t"                                              \
  "adcq $0, %[t6]\n\t" /* Double (adcx) and add the squares (adox). */ \
  "movq %[t0], %%rdx\n\t"                                              \
  "mulxq %%rdx, %[t0], %[hi]\n\t"                                      \
  "xorl %k[lo], %k[lo]\n\t"                                            \
  "adcxq %[t1], %[t1]\n\t"                                             \
  "adoxq %[hi], %[t1]\n\t"                                             \
  "movq %[a1], %%rdx\n\t"                                              \
  "mulxq %%rdx, %[lo], %[hi]\n\t"                                      \
  "adcxq %[t2], %[t2]\n\t"                                             \
  "adoxq %[lo], %[t2]\n\t"                                             \
  "adcxq %[t3], %[t3]\n\t"                                             \
  "adoxq %[hi], %[t3]\n\t"                                             \
  "movq %[a2], %%rdx\n\t"                                              \
  "mulxq %%rdx, %[lo], %[hi]\n\t"                                      \
  "adcxq %[t4], %[t4]\n\t"                                             \
  "adoxq %[lo], %[t4]\n\t"                                             \
  "adcxq %[t5], %[t5]\n\t"                                             \
  "adoxq %[hi], %[t5]\n\t"                                             \
  "movq %[t7], %%rdx\n\t"                                              \
  "movl $0, %k[t7]\n\t"                                                \
  "mulxq %%rdx, %[lo], %[hi]\n\t"                                      \
  "adcxq %[t6], %[t6]\n\t"                                             \
  "adoxq %[lo], %[t6]\n\t"                                             \
  "adcxq %[t7], %[t7]\n\t"                                             \
  "adoxq %[hi], %[t7]\n\t"

// The kernels below need ten registers besides rdx, so the factors are memory operands; the
// loads run on ports the arithmetic leaves idle. They share their operand lists; clang-format
// would fold the asm operand sections onto one line.
// clang-format off
#define TENSORSTARK_FELT252_OUTPUTS                                                  \
  [t0] "=&r"(t0), [t1] "=&r"(t1), [t2] "=&r"(t2), [t3] "=&r"(t3), [t4] "=&r"(t4),    \
  [t5] "=&r"(t5), [t6] "=&r"(t6), [t7] "=&r"(t7), [lo] "=&r"(lo), [hi] "=&r"(hi)
#define TENSORSTARK_FELT252_A_INPUTS \
  [a0] "m"(a[0]), [a1] "m"(a[1]), [a2] "m"(a[2]), [a3] "m"(a[3]), [p3] "i"(kP3)
#define TENSORSTARK_FELT252_AB_INPUTS \
  TENSORSTARK_FELT252_A_INPUTS, [b0] "m"(b[0]), [b1] "m"(b[1]), [b2] "m"(b[2]), [b3] "m"(b[3])

// a·b·R⁻¹ mod p (see MontReduce for the range of inputs).
inline Limbs MontMulAdx(const Limbs& a, const Limbs& b) {
  uint64_t t0, t1, t2, t3, t4, t5, t6, t7, lo, hi;
  asm(TENSORSTARK_FELT252_MUL_ASM("%[a0]", "%[a1]", "%[a2]", "%[a3]")
      TENSORSTARK_FELT252_REDUCE_ASM
      : TENSORSTARK_FELT252_OUTPUTS
      : TENSORSTARK_FELT252_AB_INPUTS
      : "rdx", "cc");
  return {t4, t5, t6, t7};
}

// a²·R⁻¹ mod p.
inline Limbs MontSquareAdx(const Limbs& a) {
  uint64_t t0, t1, t2, t3, t4, t5, t6, t7, lo, hi;
  asm(TENSORSTARK_FELT252_SQUARE_ASM
      TENSORSTARK_FELT252_REDUCE_ASM
      : TENSORSTARK_FELT252_OUTPUTS
      : TENSORSTARK_FELT252_A_INPUTS
      : "rdx", "cc");
  return {t4, t5, t6, t7};
}

// As MontMulAdx, with the lazy reduction (MontReduce<true>).
inline Limbs MontMulLazyAdx(const Limbs& a, const Limbs& b) {
  uint64_t t0, t1, t2, t3, t4, t5, t6, t7, lo, hi;
  asm(TENSORSTARK_FELT252_MUL_ASM("%[a0]", "%[a1]", "%[a2]", "%[a3]")
      TENSORSTARK_FELT252_REDUCE_LAZY_ASM
      : TENSORSTARK_FELT252_OUTPUTS
      : TENSORSTARK_FELT252_AB_INPUTS
      : "rdx", "cc");
  return {t4, t5, t6, t7};
}

// MontCubeAddLazy (felt252_montgomery.h) in one block: the square stays in t4..t7, where the
// product reads it from (TENSORSTARK_FELT252_MUL_ASM), instead of going through memory between
// two kernels, and k joins in the last carry chain. Both save latency on the Poseidon partial
// rounds' critical path. (Passing a in registers as well measured slower: the block then needs
// 14 registers, and the code around it spills.)
inline Limbs MontCubeAddLazyAdx(const Limbs& a, const Limbs& k) {
  uint64_t t0, t1, t2, t3, t4, t5, t6, t7, lo, hi;
  const Limbs& b = a;
  asm(TENSORSTARK_FELT252_SQUARE_ASM
      TENSORSTARK_FELT252_REDUCE_LAZY_ASM
      TENSORSTARK_FELT252_MUL_ASM("%[t4]", "%[t5]", "%[t6]", "%[t7]")
      TENSORSTARK_FELT252_REDUCE_ADD_ASM
      : TENSORSTARK_FELT252_OUTPUTS
      : TENSORSTARK_FELT252_AB_INPUTS,
        [k0] "m"(k[0]), [k1] "m"(k[1]), [k2] "m"(k[2]), [k3] "m"(k[3])
      : "rdx", "cc");
  return {t4, t5, t6, t7};
}
// clang-format on

// Branch-free in assembly: the compiler turns the selection into a branch, and on hash data that
// branch is unpredictable.
inline Limbs AddModAdx(const Limbs& a, const Limbs& b) {
  uint64_t s0 = a[0], s1 = a[1], s2 = a[2], s3 = a[3], d0, d1, d2, d3, k;
  asm("movabsq %[p3], %[k]\n\t"
      "addq %[b0], %[s0]\n\t"
      "adcq %[b1], %[s1]\n\t"
      "adcq %[b2], %[s2]\n\t"
      "adcq %[b3], %[s3]\n\t"
      "movq %[s0], %[d0]\n\t"
      "subq $1, %[d0]\n\t"
      "movq %[s1], %[d1]\n\t"
      "sbbq $0, %[d1]\n\t"
      "movq %[s2], %[d2]\n\t"
      "sbbq $0, %[d2]\n\t"
      "movq %[s3], %[d3]\n\t"
      "sbbq %[k], %[d3]\n\t"
      "cmovncq %[d0], %[s0]\n\t"
      "cmovncq %[d1], %[s1]\n\t"
      "cmovncq %[d2], %[s2]\n\t"
      "cmovncq %[d3], %[s3]\n\t"
      : [s0] "+&r"(s0), [s1] "+&r"(s1), [s2] "+&r"(s2), [s3] "+&r"(s3), [d0] "=&r"(d0),
        [d1] "=&r"(d1), [d2] "=&r"(d2), [d3] "=&r"(d3), [k] "=&r"(k)
      : [b0] "rm"(b[0]), [b1] "rm"(b[1]), [b2] "rm"(b[2]), [b3] "rm"(b[3]), [p3] "i"(kP3)
      : "cc");
  return {s0, s1, s2, s3};
}

inline Limbs SubModAdx(const Limbs& a, const Limbs& b) {
  uint64_t d0 = a[0], d1 = a[1], d2 = a[2], d3 = a[3], mask, k;
  asm("movabsq %[p3], %[k]\n\t"
      "subq %[b0], %[d0]\n\t"
      "sbbq %[b1], %[d1]\n\t"
      "sbbq %[b2], %[d2]\n\t"
      "sbbq %[b3], %[d3]\n\t"
      "sbbq %[mask], %[mask]\n\t"
      // Negative: add p = [1, 0, 0, kP3].
      "andq %[mask], %[k]\n\t"
      "negq %[mask]\n\t"
      "addq %[mask], %[d0]\n\t"
      "adcq $0, %[d1]\n\t"
      "adcq $0, %[d2]\n\t"
      "adcq %[k], %[d3]\n\t"
      : [d0] "+&r"(d0), [d1] "+&r"(d1), [d2] "+&r"(d2), [d3] "+&r"(d3), [mask] "=&r"(mask),
        [k] "=&r"(k)
      : [b0] "rm"(b[0]), [b1] "rm"(b[1]), [b2] "rm"(b[2]), [b3] "rm"(b[3]), [p3] "i"(kP3)
      : "cc");
  return {d0, d1, d2, d3};
}

// a + b as integers; the caller keeps the sum below 2^256.
inline Limbs AddNoReduceAdx(const Limbs& a, const Limbs& b) {
  uint64_t s0 = a[0], s1 = a[1], s2 = a[2], s3 = a[3];
  asm("addq %[b0], %[s0]\n\t"
      "adcq %[b1], %[s1]\n\t"
      "adcq %[b2], %[s2]\n\t"
      "adcq %[b3], %[s3]\n\t"
      : [s0] "+&r"(s0), [s1] "+&r"(s1), [s2] "+&r"(s2), [s3] "+&r"(s3)
      : [b0] "rm"(b[0]), [b1] "rm"(b[1]), [b2] "rm"(b[2]), [b3] "rm"(b[3])
      : "cc");
  return {s0, s1, s2, s3};
}

// a - b as integers; the caller guarantees a >= b.
inline Limbs SubNoReduceAdx(const Limbs& a, const Limbs& b) {
  uint64_t d0 = a[0], d1 = a[1], d2 = a[2], d3 = a[3];
  asm("subq %[b0], %[d0]\n\t"
      "sbbq %[b1], %[d1]\n\t"
      "sbbq %[b2], %[d2]\n\t"
      "sbbq %[b3], %[d3]\n\t"
      : [d0] "+&r"(d0), [d1] "+&r"(d1), [d2] "+&r"(d2), [d3] "+&r"(d3)
      : [b0] "rm"(b[0]), [b1] "rm"(b[1]), [b2] "rm"(b[2]), [b3] "rm"(b[3])
      : "cc");
  return {d0, d1, d2, d3};
}

// One Poseidon partial round in the λ-scaled basis (PartialRounds in hash/poseidon252.cc), in one
// block so that X stays in registers from round to round, where the compiler, short of registers
// around MontCubeAddLazyAdx, stores it and loads it back (about five cycles of store forwarding
// on the critical path, twice). With c = λc_{r+1} + p:
//   k = U + c,  X' = MontCubeAddLazy(X, k),  U' = ReduceBelow2P(2(U + V) + k + p - X'),  V' = 2U.
// The square reads X from registers (TENSORSTARK_FELT252_SQUARE_REG_ASM); the product reads it
// from the copy x_copy stored at the start, 25 cycles before. U' and V' are off the critical path
// (only X' feeds the next cube), and run while the next cube does. ReduceBelow2P is written out
// as y - (q - 1)·p with q = y >> 251, the same value as the table version. The caller keeps the
// bounds of PartialRounds (all sums below 2^256, y >= X').
[[gnu::always_inline]] inline void PoseidonPartialRoundAdx(Limbs& x, Limbs& u, Limbs& v,
                                                           const Limbs& c) {
  uint64_t t0 = x[0], a1 = x[1], a2 = x[2], t7 = x[3], t1, t2, t3, t4, t5, t6, lo, hi;
  // k is summed outside the block, which has no register left for the address of c.
  const Limbs k = AddNoReduceAdx(u, c);
  Limbs x_copy;
  asm(/* The copy of X for the product. */
      "movq %[t0], %[b0]\n\t"
      "movq %[a1], %[b1]\n\t"
      "movq %[a2], %[b2]\n\t"
      "movq %[t7], %[b3]\n\t" TENSORSTARK_FELT252_SQUARE_REG_ASM TENSORSTARK_FELT252_REDUCE_LAZY_ASM
          TENSORSTARK_FELT252_MUL_ASM("%[t4]", "%[t5]", "%[t6]", "%[t7]")
              TENSORSTARK_FELT252_REDUCE_ADD_ASM
      /* X' is in t4..t7. V' = 2U into a1, a2, lo, hi; U + V into t0..t3. */
      "movq %[u], %[t0]\n\t"
      "movq 8+%[u], %[t1]\n\t"
      "movq 16+%[u], %[t2]\n\t"
      "movq 24+%[u], %[t3]\n\t"
      "movq %[t0], %[a1]\n\t"
      "movq %[t1], %[a2]\n\t"
      "movq %[t2], %[lo]\n\t"
      "movq %[t3], %[hi]\n\t"
      "addq %[a1], %[a1]\n\t"
      "adcq %[a2], %[a2]\n\t"
      "adcq %[lo], %[lo]\n\t"
      "adcq %[hi], %[hi]\n\t"
      "addq %[v], %[t0]\n\t"
      "adcq 8+%[v], %[t1]\n\t"
      "adcq 16+%[v], %[t2]\n\t"
      "adcq 24+%[v], %[t3]\n\t"
      "movq %[a1], %[v]\n\t"
      "movq %[a2], 8+%[v]\n\t"
      "movq %[lo], 16+%[v]\n\t"
      "movq %[hi], 24+%[v]\n\t"
      /* y = 2(U + V) + k + p - X'. */
      "addq %[t0], %[t0]\n\t"
      "adcq %[t1], %[t1]\n\t"
      "adcq %[t2], %[t2]\n\t"
      "adcq %[t3], %[t3]\n\t"
      "addq %[k0], %[t0]\n\t"
      "adcq %[k1], %[t1]\n\t"
      "adcq %[k2], %[t2]\n\t"
      "adcq %[k3], %[t3]\n\t"
      "movabsq %[p3], %%rdx\n\t"
      "addq $1, %[t0]\n\t"
      "adcq $0, %[t1]\n\t"
      "adcq $0, %[t2]\n\t"
      "adcq %%rdx, %[t3]\n\t"
      "subq %[t4], %[t0]\n\t"
      "sbbq %[t5], %[t1]\n\t"
      "sbbq %[t6], %[t2]\n\t"
      "sbbq %[t7], %[t3]\n\t"
      /* U' = (y mod 2^251) + p - q·(17·2^192 + 1), q = y >> 251 <= 31. */
      "movq %[t3], %[hi]\n\t"
      "shrq $59, %[hi]\n\t"
      "movabsq $0x07ffffffffffffff, %[lo]\n\t"
      "andq %[lo], %[t3]\n\t"
      "movq %[hi], %[lo]\n\t"
      "shlq $4, %[lo]\n\t"
      "addq %[hi], %[lo]\n\t"
      "subq %[lo], %%rdx\n\t"
      "addq $1, %[t0]\n\t"
      "adcq $0, %[t1]\n\t"
      "adcq $0, %[t2]\n\t"
      "adcq %%rdx, %[t3]\n\t"
      "subq %[hi], %[t0]\n\t"
      "sbbq $0, %[t1]\n\t"
      "sbbq $0, %[t2]\n\t"
      "sbbq $0, %[t3]\n\t"
      "movq %[t0], %[u]\n\t"
      "movq %[t1], 8+%[u]\n\t"
      "movq %[t2], 16+%[u]\n\t"
      "movq %[t3], 24+%[u]\n\t"
      /* X' into the registers X came in. */
      "movq %[t4], %[t0]\n\t"
      "movq %[t5], %[a1]\n\t"
      "movq %[t6], %[a2]\n\t"
      : [t0] "+&r"(t0), [a1] "+&r"(a1), [a2] "+&r"(a2), [t7] "+&r"(t7), [t1] "=&r"(t1),
        [t2] "=&r"(t2), [t3] "=&r"(t3), [t4] "=&r"(t4), [t5] "=&r"(t5), [t6] "=&r"(t6),
        [lo] "=&r"(lo), [hi] "=&r"(hi), [u] "+m"(u), [v] "+m"(v), [b0] "=m"(x_copy[0]),
        [b1] "=m"(x_copy[1]), [b2] "=m"(x_copy[2]), [b3] "=m"(x_copy[3])
      : [k0] "m"(k[0]), [k1] "m"(k[1]), [k2] "m"(k[2]), [k3] "m"(k[3]), [p3] "i"(kP3)
      : "rdx", "cc");
  x = {t0, a1, a2, t7};
}

#undef TENSORSTARK_FELT252_MUL_ASM
#undef TENSORSTARK_FELT252_SQUARE_ASM
#undef TENSORSTARK_FELT252_SQUARE_REG_ASM
#undef TENSORSTARK_FELT252_REDUCE_ASM
#undef TENSORSTARK_FELT252_REDUCE_LAZY_ASM
#undef TENSORSTARK_FELT252_REDUCE_ADD_ASM
#undef TENSORSTARK_FELT252_OUTPUTS
#undef TENSORSTARK_FELT252_A_INPUTS
#undef TENSORSTARK_FELT252_AB_INPUTS

}  // namespace tensorstark::field::felt252_internal
