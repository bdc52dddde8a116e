// How the private weights are absorbed by their sponge (poseidon2_sponge.h): weights of at most
// kMaxPackedWeightBits bits three to a word, biases (wider: they are at the accumulator's scale)
// one to a word. The weights digest is the Poseidon2 sponge digest of these words, so this layout
// is part of its definition.
//
// A weight w of `bits` bits lies in [-2^(bits-1), 2^(bits-1)] (the quantizer's bound, both ends
// included), so its part w + 2^(bits-1) lies in [0, B) with B = 2^bits + 1, and a packed word of
// weights w0, w1, w2 is part(w0) + B·part(w1) + B²·part(w2). With B³ < p the parts are unique once
// each is checked in [0, B) (weight_part_table.h), which is what makes a word bind its three
// weights: 1025³ < 2^31 - 1, so bits ≤ 10.
//
// Words follow the values' order: a run of consecutive packable values (one linear operator's
// weights) fills words three at a time, its last word with unused places (weight 0); a value that
// is not packable (a bias, or a weight of an operator whose weights do not fit; every value of a
// model whose part table would be its largest component, frontend/model_air.cc) takes a word of
// its own, the word being the value.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "field/m31.h"

namespace tensorstark::air {

inline constexpr uint32_t kWeightPartsPerWord = 3;
inline constexpr uint32_t kMaxPackedWeightBits = 10;

struct WeightWord {
  std::array<int64_t, kWeightPartsPerWord> index{-1, -1, -1};  // values' indices; -1 unused
  bool packed = false;
};

// Whether w lies in [-2^(bits-1), 2^(bits-1)], the range of a weight of `bits` bits (any bits ≥ 1).
bool WeightFits(int64_t w, uint32_t bits);

// B and the offset 2^(bits-1) of parts of `bits` bits (1 ≤ bits ≤ kMaxPackedWeightBits).
int64_t WeightPartBase(uint32_t bits);
int64_t WeightPartOffset(uint32_t bits);

// The words of values of which `packable` says which may share a word.
std::vector<WeightWord> PackWeightWords(const std::vector<bool>& packable);

// The values of each word by place (0 where unused), and the words. `bits` is the parts' width
// when some word is packed. WeightWordValues throws std::out_of_range when a packed value is
// outside [-2^(bits-1), 2^(bits-1)].
using WeightWordPlaces = std::array<field::M31, kWeightPartsPerWord>;
std::vector<WeightWordPlaces> WeightWordEntries(std::span<const WeightWord> words,
                                                std::span<const int64_t> values);
std::vector<field::M31> WeightWordValues(std::span<const WeightWord> words,
                                         std::span<const int64_t> values, uint32_t bits);

}  // namespace tensorstark::air
