#include "pipeline/sliced_proof.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cassert>

#include "hash/poseidon2_m31.h"
#include "pipeline/file_words.h"

namespace tensorstark::pipeline {
namespace {

using field::M31;
using frontend::ModelCommitment;
using frontend::StatementLayout;

constexpr FileKind kFile = {{'T', 'S', 'S', 'P'}, 1, "sliced proof"};
constexpr FileKind kSaltsFile = {{'T', 'S', 'S', 'S'}, 1, "salts file"};
constexpr int64_t kSaltBound = int64_t{1} << 15;  // a salt value lies in [-2^15, 2^15)

}  // namespace

bool IsSlicedProof(std::span<const uint8_t> bytes) {
  return kFile.Heads(bytes);
}

std::vector<uint8_t> WriteSlicedProof(std::span<const std::vector<uint8_t>> slice_proofs) {
  std::vector<uint8_t> out = kFile.Header();
  PutU32(out, static_cast<uint32_t>(slice_proofs.size()));
  for (const std::vector<uint8_t>& proof : slice_proofs) {
    PutU32(out, static_cast<uint32_t>(proof.size()));
    out.insert(out.end(), proof.begin(), proof.end());
  }
  return out;
}

std::variant<std::vector<std::span<const uint8_t>>, std::string> ReadSlicedProof(
    std::span<const uint8_t> bytes) {
  auto opened = kFile.Open(bytes);
  if (auto* refusal = std::get_if<std::string>(&opened)) return *refusal;
  FileWordReader& reader = std::get<FileWordReader>(opened);
  const std::optional<std::string>& error = reader.error();
  const uint32_t n_slices = reader.ReadU32("the number of slices");
  if (!error && (n_slices < 2 || n_slices > kMaxSlices)) {
    return fmt::format("a sliced proof of {} slices (2 to {})", n_slices, kMaxSlices);
  }
  std::vector<std::span<const uint8_t>> proofs;
  for (uint32_t k = 0; k < n_slices && !error; ++k) {
    const uint32_t length = reader.ReadU32("a slice proof's length");
    proofs.push_back(reader.ReadBytes(length, "a slice's proof"));
  }
  if (error) return *error;
  if (!reader.rest().empty()) {
    return fmt::format("{} bytes after the sliced proof's last slice", reader.rest().size());
  }
  return proofs;
}

SliceSalts DrawSalts(size_t n_cuts) {
  SliceSalts salts;
  for (size_t k = 0; k < n_cuts; ++k) salts.push_back(frontend::DrawSalt());
  return salts;
}

std::vector<uint8_t> WriteSalts(const SliceSalts& salts) {
  std::vector<uint8_t> out = kSaltsFile.Header();
  PutU32(out, static_cast<uint32_t>(salts.size()));
  for (const std::vector<int64_t>& salt : salts) {
    for (int64_t value : salt) PutU32(out, static_cast<uint32_t>(static_cast<int32_t>(value)));
  }
  return out;
}

std::variant<SliceSalts, std::string> ReadSalts(std::span<const uint8_t> bytes, size_t n_cuts) {
  auto opened = kSaltsFile.Open(bytes);
  if (auto* refusal = std::get_if<std::string>(&opened)) return *refusal;
  FileWordReader& reader = std::get<FileWordReader>(opened);
  const std::optional<std::string>& error = reader.error();
  const uint32_t n = reader.ReadU32("the number of cuts");
  if (!error && n != n_cuts) {
    return fmt::format("the salts file has {} cuts' salts, the model {} cuts", n, n_cuts);
  }
  SliceSalts salts(error ? 0 : n);
  for (std::vector<int64_t>& salt : salts) {
    for (int64_t k = 0; k < frontend::SliceLink::kSaltSize && !error; ++k) {
      const auto value = static_cast<int32_t>(reader.ReadU32("a salt value"));
      if (!error && (value < -kSaltBound || value >= kSaltBound)) {
        return fmt::format("a salt value {} outside [-2^15, 2^15)", value);
      }
      salt.push_back(value);
    }
  }
  if (error) return *error;
  if (!reader.rest().empty()) {
    return fmt::format("{} bytes after the salts file's last salt", reader.rest().size());
  }
  return salts;
}

ModelCommitment SlicedCommitment(std::span<const ModelCommitment> slices) {
  // "tensorstark slices" in the first block, as 31-bit words of 4 characters.
  std::vector<M31> words = {M31::FromCanonical(0x74656e73),
                            M31::FromCanonical(0x6f727374),
                            M31::FromCanonical(0x61726b20),
                            M31::FromCanonical(0x736c6963),
                            M31::FromCanonical(0x65730000),
                            M31(),
                            M31(),
                            M31()};
  for (const ModelCommitment& commitment : slices) {
    words.insert(words.end(), commitment.begin(), commitment.end());
  }
  return hash::Poseidon2SpongeDigest(words);
}

std::span<const M31> LinkWords(const frontend::QuantizedModel& slice,
                               std::span<const M31> statement, bool is_input) {
  const StatementLayout layout(slice);
  for (const StatementLayout::Part& part : layout.parts()) {
    if (part.link && part.is_input == is_input) return statement.subspan(part.first, part.count);
  }
  assert(false && "a slice without the link asked for");
  return {};
}

std::optional<std::string> CheckLink(size_t k, std::span<const M31> out, std::span<const M31> in) {
  if (std::equal(out.begin(), out.end(), in.begin(), in.end())) return std::nullopt;
  return fmt::format(
      "slices {} and {} do not meet: the tensors slice {} computed are not those slice {} took "
      "(their digests differ)",
      k + 1, k + 2, k + 1, k + 2);
}

std::vector<M31> WholeStatement([[maybe_unused]] const StatementLayout& whole,
                                const ModelCommitment& commitment,
                                const StatementLayout& first, std::span<const M31> first_statement,
                                const StatementLayout& last, std::span<const M31> last_statement) {
  std::vector<M31> statement(commitment.begin(), commitment.end());
  // The first slice states the inputs and the context, then its link; the last its link, then the
  // outputs.
  const std::span<const M31> inputs =
      first_statement.subspan(commitment.size(), first.n_stated_inputs());
  statement.insert(statement.end(), inputs.begin(), inputs.end());
  const std::span<const M31> outputs =
      last_statement.subspan(commitment.size() + last.n_stated_inputs());
  statement.insert(statement.end(), outputs.begin(), outputs.end());
  assert(statement.size() == whole.n_public_inputs());
  return statement;
}

}  // namespace tensorstark::pipeline
