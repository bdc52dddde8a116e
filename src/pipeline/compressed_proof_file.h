// The file of a compressed proof (model_recursion.h): "TSCP", version u32 = 1, the shape u32 (bit
// 0: the outer proof's OuterShape, 0 standard or 1 fit; bit 1, kFinalProofBit: the proof is a
// final proof of the outer one, final_proof.h, at the same shape), the number n of inner proofs it
// verifies u32 (1 to kMaxCompressedInners, to kMaxFinalInners for a final proof), for each the
// model it is of u32 (its index among the models given to verify, in order) and flags u32 (bit 0:
// the inner proof was zero-knowledge; no other bit may be set), then the outer (or final) proof's
// canonical encoding (air/proof_io.h), whose statement is the inner statements one after another.
// With bit 2 of the shape, kTreeBit (only with kFinalProofBit and the standard shape), the final
// proof is of an aggregation tree's top (tree_final.h): each entry is then an inference (a model's
// proof, or a sliced model's slices; 1 to kMaxTreeInferences), and the statement their whole
// models' statements one after another.
// The list says which circuit the verifier builds; a wrong one gives another circuit, whose key
// the outer proof does not verify against. Integers little-endian.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <variant>
#include <vector>

namespace tensorstark::pipeline {

// The most inner proofs compress aggregates into one outer proof (the outer AIR, and a
// verifier's key of it, doubles with each doubling of them), and into one final proof (what the
// final size class holds). The file's reader refuses more, before any key is derived.
inline constexpr uint32_t kMaxCompressedInners = 8;
inline constexpr uint32_t kMaxFinalInners = 4;
inline constexpr uint32_t kMaxTreeInferences = 1024;
inline constexpr uint32_t kFinalProofBit = 2;
inline constexpr uint32_t kTreeBit = 4;
// The outer proof's OuterShape in a shape word.
inline constexpr uint32_t OuterShapeBits(uint32_t shape) {
  return shape & ~(kFinalProofBit | kTreeBit);
}

struct CompressedInner {
  uint32_t model = 0;
  bool zero_knowledge = false;
};

struct CompressedProofFile {
  uint32_t shape = 0;
  std::vector<CompressedInner> inners;
  std::span<const uint8_t> outer;  // the outer (or final) proof's bytes, within the file's
};

// Whether the bytes start as a compressed proof file (its magic).
bool IsCompressedProof(std::span<const uint8_t> bytes);

// The file's parts, or a one-line reason it is not one.
std::variant<CompressedProofFile, std::string> ReadCompressedProof(std::span<const uint8_t> bytes);

std::vector<uint8_t> WriteCompressedProof(uint32_t shape, std::span<const CompressedInner> inners,
                                          std::span<const uint8_t> outer);

}  // namespace tensorstark::pipeline
