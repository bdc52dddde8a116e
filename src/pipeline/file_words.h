// The pipeline's files (the compressed, sliced and tree proof files, the salts file): each headed
// by a magic and a version (FileKind), then little-endian 32-bit words, written, and read with the
// first shortfall kept as the reader's error, so that a file's reader checks each value it needs
// and returns that error once.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace tensorstark::pipeline {

void PutU32(std::vector<uint8_t>& out, uint32_t v);

class FileWordReader {
 public:
  // `file` names the file in errors ("compressed proof"); reading starts at `offset`.
  FileWordReader(std::span<const uint8_t> bytes, size_t offset, std::string_view file)
      : bytes_(bytes), offset_(offset), file_(file) {}

  // The next word, or 0 once a read has fallen short (then error() says which).
  uint32_t ReadU32(std::string_view what);
  // The next `length` bytes, or none once a read has fallen short.
  std::span<const uint8_t> ReadBytes(size_t length, std::string_view what);

  const std::optional<std::string>& error() const { return error_; }
  size_t offset() const { return offset_; }
  std::span<const uint8_t> rest() const { return bytes_.subspan(offset_); }

 private:
  bool Has(size_t length, std::string_view what);

  std::span<const uint8_t> bytes_;
  size_t offset_;
  std::string file_;
  std::optional<std::string> error_;
};

// What heads one of the pipeline's files: its magic, then its version (u32).
struct FileKind {
  std::array<uint8_t, 4> magic;
  uint32_t version;
  std::string_view name;  // in messages: "compressed proof"

  // Whether the bytes start with the magic.
  bool Heads(std::span<const uint8_t> bytes) const;
  // A new file's first bytes: the magic and the version.
  std::vector<uint8_t> Header() const;
  // A reader of the bytes after the header, or why they are not such a file: no magic ("not a
  // compressed proof (no TSCP header)"), or a truncated or other version.
  std::variant<FileWordReader, std::string> Open(std::span<const uint8_t> bytes) const;
};

}  // namespace tensorstark::pipeline
