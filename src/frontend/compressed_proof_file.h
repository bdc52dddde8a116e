// The file of a compressed proof (model_recursion.h): "TSCP", version u32 = 1, flags u32 (bit 0:
// the inner proof was zero-knowledge; no other bit may be set), then the outer proof's canonical
// encoding (air/proof_io.h), whose statement is the model's. The flags say which inner
// configuration the verifier's circuit is built for; a wrong one gives another circuit, whose key
// the outer proof does not verify against. Integers little-endian.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <variant>
#include <vector>

namespace tensorstark::frontend {

struct CompressedProofFile {
  bool inner_zk = false;
  std::span<const uint8_t> outer;  // the outer proof's bytes, within the file's
};

// Whether the bytes start as a compressed proof file (its magic).
bool IsCompressedProof(std::span<const uint8_t> bytes);

// The file's parts, or a one-line reason it is not one.
std::variant<CompressedProofFile, std::string> ReadCompressedProof(std::span<const uint8_t> bytes);

std::vector<uint8_t> WriteCompressedProof(bool inner_zk, std::span<const uint8_t> outer);

}  // namespace tensorstark::frontend
