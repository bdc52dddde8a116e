#include "frontend/compressed_proof_file.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>

namespace tensorstark::frontend {
namespace {

constexpr std::array<uint8_t, 4> kMagic = {'T', 'S', 'C', 'P'};
constexpr uint32_t kVersion = 1;
constexpr uint32_t kInnerZkFlag = 1;
constexpr size_t kHeaderBytes = 12;

uint32_t ReadU32(std::span<const uint8_t> bytes, size_t offset) {
  uint32_t v = 0;
  for (size_t i = 0; i < 4; ++i) v |= uint32_t{bytes[offset + i]} << (8 * i);
  return v;
}

void PutU32(std::vector<uint8_t>& out, uint32_t v) {
  for (size_t i = 0; i < 4; ++i) out.push_back(static_cast<uint8_t>(v >> (8 * i)));
}

}  // namespace

bool IsCompressedProof(std::span<const uint8_t> bytes) {
  return bytes.size() >= kMagic.size() && std::equal(kMagic.begin(), kMagic.end(), bytes.begin());
}

std::variant<CompressedProofFile, std::string> ReadCompressedProof(std::span<const uint8_t> bytes) {
  if (!IsCompressedProof(bytes)) return std::string("not a compressed proof (no TSCP header)");
  if (bytes.size() < kHeaderBytes) {
    return fmt::format("truncated compressed proof: {} bytes, the header needs {}", bytes.size(),
                       kHeaderBytes);
  }
  if (const uint32_t version = ReadU32(bytes, 4); version != kVersion) {
    return fmt::format("compressed proof version {} is not supported (this build reads {})",
                       version, kVersion);
  }
  const uint32_t flags = ReadU32(bytes, 8);
  if ((flags & ~kInnerZkFlag) != 0) {
    return fmt::format("compressed proof flags {:#x} have unknown bits", flags);
  }
  return CompressedProofFile{.inner_zk = (flags & kInnerZkFlag) != 0,
                             .outer = bytes.subspan(kHeaderBytes)};
}

std::vector<uint8_t> WriteCompressedProof(bool inner_zk, std::span<const uint8_t> outer) {
  std::vector<uint8_t> out(kMagic.begin(), kMagic.end());
  PutU32(out, kVersion);
  PutU32(out, inner_zk ? kInnerZkFlag : 0);
  out.insert(out.end(), outer.begin(), outer.end());
  return out;
}

}  // namespace tensorstark::frontend
