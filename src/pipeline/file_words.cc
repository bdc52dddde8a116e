#include "pipeline/file_words.h"

#include <fmt/format.h>

#include <algorithm>

namespace tensorstark::pipeline {

void PutU32(std::vector<uint8_t>& out, uint32_t v) {
  for (size_t i = 0; i < 4; ++i) out.push_back(static_cast<uint8_t>(v >> (8 * i)));
}

bool FileWordReader::Has(size_t length, std::string_view what) {
  if (error_) return false;
  if (bytes_.size() - offset_ >= length) return true;
  error_ = fmt::format("truncated {}: {} needs {} bytes at offset {}, {} left", file_, what, length,
                       offset_, bytes_.size() - offset_);
  return false;
}

uint32_t FileWordReader::ReadU32(std::string_view what) {
  if (!Has(4, what)) return 0;
  uint32_t v = 0;
  for (size_t i = 0; i < 4; ++i) v |= uint32_t{bytes_[offset_ + i]} << (8 * i);
  offset_ += 4;
  return v;
}

std::span<const uint8_t> FileWordReader::ReadBytes(size_t length, std::string_view what) {
  if (!Has(length, what)) return {};
  const std::span<const uint8_t> read = bytes_.subspan(offset_, length);
  offset_ += length;
  return read;
}

bool FileKind::Heads(std::span<const uint8_t> bytes) const {
  return bytes.size() >= magic.size() && std::equal(magic.begin(), magic.end(), bytes.begin());
}

std::vector<uint8_t> FileKind::Header() const {
  std::vector<uint8_t> out(magic.begin(), magic.end());
  PutU32(out, version);
  return out;
}

std::variant<FileWordReader, std::string> FileKind::Open(std::span<const uint8_t> bytes) const {
  if (!Heads(bytes)) {
    return fmt::format("not a {} (no {} header)", name,
                       std::string_view(reinterpret_cast<const char*>(magic.data()), magic.size()));
  }
  FileWordReader reader(bytes, magic.size(), name);
  const uint32_t read = reader.ReadU32("the version");
  if (reader.error()) return *reader.error();
  if (read != version) {
    return fmt::format("{} version {} is not supported (this build reads {})", name, read,
                       version);
  }
  return reader;
}

}  // namespace tensorstark::pipeline
