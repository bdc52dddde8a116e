// The little-endian 32-bit words that head the pipeline's proof files (the compressed and the
// sliced proof files): written, and read with the first shortfall kept as the reader's error, so
// that a file's reader checks each value it needs and returns that error once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
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

}  // namespace tensorstark::pipeline
