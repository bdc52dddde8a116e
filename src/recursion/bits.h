// Bit decompositions in a circuit, for query positions and proof-of-work zeros: the bits are
// guessed (typed as bits, so the AIR constrains b² = b) and asserted to recompose the word.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "recursion/circuit_builder.h"

namespace tensorstark::recursion {

// Σ bits[i]·2^i, by Horner from the top bit: one product by 2 and one sum per bit.
Wire Recompose(std::span<const Wire> bits);

// The n_bits low bits of `word`, least significant first, asserted to recompose it: the word
// must be below 2^n_bits (n_bits ≤ 30, so that the sum cannot wrap modulo p).
std::vector<Wire> DecomposeBits(Wire word, uint32_t n_bits, std::string_view what);

// Asserts that `word`, read as a signed M31 (q or p - |q|), lies in [-2^bound_bits, 2^bound_bits):
// word + 2^bound_bits has bound_bits + 1 bits. Every M31 does when bound_bits ≥ 30 (no gates).
void AssertSignedRange(Wire word, uint32_t bound_bits, std::string_view what);

// Asserts that `limbs` (most significant first) are the base-2^limb_bits digits of a value below
// the Stark field's modulus p (field/felt252.h): each limb below 2^limb_bits, and the value at
// most p − 1, compared bit by bit from the top. A felt's canonical encoding in M31 words
// (frontend/context.h); limbs.size()·limb_bits must be at least 252.
void AssertFelt252Limbs(std::span<const Wire> limbs, uint32_t limb_bits, std::string_view what);

// The 31 bits of an M31 word, canonical: 2^31 - 1 = p, whose bits also recompose 0, is refused
// (the bits' sum must differ from 31, shown by a guessed inverse).
std::vector<Wire> DecomposeM31(Wire word, std::string_view what);

}  // namespace tensorstark::recursion
