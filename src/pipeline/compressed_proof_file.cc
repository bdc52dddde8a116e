#include "pipeline/compressed_proof_file.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <optional>

#include "pipeline/file_words.h"

namespace tensorstark::pipeline {
namespace {

constexpr FileKind kFile = {{'T', 'S', 'C', 'P'}, 1, "compressed proof"};
constexpr uint32_t kZkFlag = 1;
constexpr uint32_t kMaxShape = kFinalProofBit | 1;  // a final proof at OuterShape::kFit
constexpr uint32_t kTreeShape = kFinalProofBit | kTreeBit;  // a tree's, at the standard shape

}  // namespace

bool IsCompressedProof(std::span<const uint8_t> bytes) {
  return kFile.Heads(bytes);
}

std::variant<CompressedProofFile, std::string> ReadCompressedProof(std::span<const uint8_t> bytes) {
  auto opened = kFile.Open(bytes);
  if (auto* refusal = std::get_if<std::string>(&opened)) return *refusal;
  FileWordReader& reader = std::get<FileWordReader>(opened);
  const std::optional<std::string>& error = reader.error();
  const uint32_t shape = reader.ReadU32("the outer proof's shape");
  if (!error && shape > kMaxShape && shape != kTreeShape) {
    return fmt::format("compressed proof shape {} is not one this build knows", shape);
  }
  const uint32_t n = reader.ReadU32("the number of inner proofs");
  const bool final = shape & kFinalProofBit, tree = shape & kTreeBit;
  const uint32_t max_inners =
      tree ? kMaxTreeInferences : final ? kMaxFinalInners : kMaxCompressedInners;
  if (!error && (n == 0 || n > max_inners)) {
    return fmt::format("a {} proof verifies 1 to {} {}, not {}",
                       tree ? "tree's final" : final ? "final" : "compressed", max_inners,
                       tree ? "inferences" : "inner proofs", n);
  }
  CompressedProofFile file;
  file.shape = shape;
  for (uint32_t i = 0; i < n && !error; ++i) {
    const uint32_t model = reader.ReadU32("an inner proof's model");
    const uint32_t flags = reader.ReadU32("an inner proof's flags");
    if (!error && (flags & ~kZkFlag) != 0) {
      return fmt::format("inner proof {}'s flags {:#x} have unknown bits", i + 1, flags);
    }
    file.inners.push_back({model, (flags & kZkFlag) != 0});
  }
  if (error) return *error;
  file.outer = reader.rest();
  return file;
}

std::vector<uint8_t> WriteCompressedProof(uint32_t shape, std::span<const CompressedInner> inners,
                                          std::span<const uint8_t> outer) {
  std::vector<uint8_t> out = kFile.Header();
  PutU32(out, shape);
  PutU32(out, static_cast<uint32_t>(inners.size()));
  for (const CompressedInner& inner : inners) {
    PutU32(out, inner.model);
    PutU32(out, inner.zero_knowledge ? kZkFlag : 0);
  }
  out.insert(out.end(), outer.begin(), outer.end());
  return out;
}

}  // namespace tensorstark::pipeline
