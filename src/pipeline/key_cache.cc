#include "pipeline/key_cache.h"

#include <elf.h>
#include <fmt/format.h>
#include <link.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <system_error>

#include "frontend/file_io.h"
#include "frontend/frontend_error.h"

namespace tensorstark::pipeline {
namespace {

// Changes whenever what a value is filed under, or how, changes.
constexpr std::string_view kCacheFormat = "tensorstark key cache 2";

// Whether one of the object's loaded segments holds `address`.
bool ObjectHolds(const dl_phdr_info& info, uintptr_t address) {
  for (int i = 0; i < info.dlpi_phnum; ++i) {
    const ElfW(Phdr)& segment = info.dlpi_phdr[i];
    const uintptr_t start = info.dlpi_addr + segment.p_vaddr;
    if (segment.p_type == PT_LOAD && address >= start && address - start < segment.p_memsz) {
      return true;
    }
  }
  return false;
}

// The object's NT_GNU_BUILD_ID note, or nothing.
std::vector<uint8_t> BuildIdNote(const dl_phdr_info& info) {
  for (int i = 0; i < info.dlpi_phnum; ++i) {
    const ElfW(Phdr)& segment = info.dlpi_phdr[i];
    if (segment.p_type != PT_NOTE) continue;
    const auto* at = reinterpret_cast<const uint8_t*>(info.dlpi_addr + segment.p_vaddr);
    const uint8_t* end = at + segment.p_memsz;
    while (at + sizeof(ElfW(Nhdr)) <= end) {
      const auto* note = reinterpret_cast<const ElfW(Nhdr)*>(at);
      const uint8_t* name = at + sizeof(ElfW(Nhdr));
      const uint8_t* desc = name + ((note->n_namesz + 3) & ~3u);
      if (note->n_type == NT_GNU_BUILD_ID && note->n_namesz == 4 &&
          std::memcmp(name, "GNU", 4) == 0 && desc + note->n_descsz <= end) {
        return {desc, desc + note->n_descsz};
      }
      at = desc + ((note->n_descsz + 3) & ~3u);
    }
  }
  return {};
}

// The build id of the object this function's code was loaded from: the tensorstark program, or
// the Python module whose interpreter loaded it.
std::vector<uint8_t> ReadBuildId() {
  struct Search {
    uintptr_t address;
    std::vector<uint8_t> id;
  } search{reinterpret_cast<uintptr_t>(&ReadBuildId), {}};
  dl_iterate_phdr(
      [](dl_phdr_info* info, size_t, void* data) {
        auto& search = *static_cast<Search*>(data);
        if (!ObjectHolds(*info, search.address)) return 0;
        search.id = BuildIdNote(*info);
        return 1;
      },
      &search);
  return search.id;
}

std::string HomeCache() {
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg) {
    return std::string(xdg) + "/tensorstark";
  }
  if (const char* home = std::getenv("HOME"); home && *home) {
    return std::string(home) + "/.cache/tensorstark";
  }
  return "";
}

}  // namespace

std::span<const uint8_t> BuildId() {
  static const std::vector<uint8_t> id = ReadBuildId();
  return id;
}

std::optional<std::string> RefuseCacheFolder(const std::string& directory) {
  const auto refuse = [&](std::string_view why, std::string_view remedy) {
    return fmt::format("the key cache {} is not used: {} ({}, or set TENSORSTARK_CACHE_DIR)",
                       directory, why, remedy);
  };
  std::filesystem::path path = std::filesystem::path(directory).lexically_normal();
  if (!path.has_filename()) path = path.parent_path();  // a trailing separator
  const std::filesystem::path parent = path.parent_path().empty() ? "." : path.parent_path();
  std::error_code error;
  std::filesystem::create_directories(parent, error);
  if (mkdir(path.c_str(), 0700) != 0 && errno != EEXIST) {
    return refuse(fmt::format("it cannot be created: {}", std::strerror(errno)), "check its path");
  }
  // The folder itself, not a link another user could point elsewhere later, in a parent no one
  // else can rename it out of (a sticky one such as /tmp is fine).
  struct stat folder {
  }, above{};
  if (lstat(path.c_str(), &folder) != 0) {
    return refuse(fmt::format("it cannot be read: {}", std::strerror(errno)), "check its path");
  }
  if (S_ISLNK(folder.st_mode)) {
    return refuse("it is a link, which could be pointed elsewhere", "name the folder itself");
  }
  if (!S_ISDIR(folder.st_mode)) return refuse("it is not a folder", "remove it");
  if (folder.st_uid != geteuid()) return refuse("another user owns it", "use a folder of yours");
  if (folder.st_mode & (S_IWGRP | S_IWOTH)) {
    return refuse("others can write to it", fmt::format("chmod go-w {}", path.string()));
  }
  if (stat(parent.c_str(), &above) == 0 && (above.st_mode & (S_IWGRP | S_IWOTH)) &&
      !(above.st_mode & S_ISVTX)) {
    return refuse("others can write to the folder that holds it", "use a folder of yours");
  }
  return std::nullopt;
}

KeyCache KeyCache::FromEnvironment() {
  if (BuildId().empty()) return Disabled();
  const char* named = std::getenv("TENSORSTARK_CACHE_DIR");
  const std::string directory = named ? named : HomeCache();
  if (directory.empty()) return Disabled();
  if (auto refusal = RefuseCacheFolder(directory)) return Disabled(std::move(*refusal));
  return KeyCache(directory);
}

KeyCache::Name::Name(std::string_view kind) {
  Add(kCacheFormat);
  Add(BuildId());
  Add(kind);
}

KeyCache::Name& KeyCache::Name::Add(std::span<const uint8_t> bytes) {
  Add(static_cast<uint64_t>(bytes.size()));
  hasher_.Update(bytes);
  return *this;
}

KeyCache::Name& KeyCache::Name::Add(std::string_view text) {
  return Add(std::span(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
}

KeyCache::Name& KeyCache::Name::Add(uint64_t value) {
  uint8_t bytes[8];
  for (int i = 0; i < 8; ++i) bytes[i] = static_cast<uint8_t>(value >> (8 * i));
  hasher_.Update(bytes);
  return *this;
}

namespace {

// What a file holds after its value: BLAKE2s(name ‖ value).
hash::Blake2sHash Check(const hash::Blake2sHash& name, std::span<const uint8_t> value) {
  hash::Blake2sHasher hasher;
  hasher.Update(name.bytes);
  hasher.Update(value);
  return hasher.Finalize();
}

}  // namespace

std::optional<std::vector<uint8_t>> KeyCache::Get(const hash::Blake2sHash& name) const {
  if (!enabled()) return std::nullopt;
  std::ifstream in(directory_ + "/" + name.ToHex(), std::ios::binary);
  if (!in) return std::nullopt;
  std::vector<uint8_t> value((std::istreambuf_iterator<char>(in)),
                             std::istreambuf_iterator<char>());
  const size_t check_size = sizeof(hash::Blake2sHash);
  if (value.size() < check_size) return std::nullopt;
  const size_t size = value.size() - check_size;
  const hash::Blake2sHash check = Check(name, std::span(value).first(size));
  if (!std::equal(check.bytes.begin(), check.bytes.end(), value.begin() + size)) {
    return std::nullopt;
  }
  value.resize(size);
  return value;
}

void KeyCache::Put(const hash::Blake2sHash& name, std::span<const uint8_t> value) const {
  if (!enabled()) return;
  std::string file(value.begin(), value.end());
  const hash::Blake2sHash check = Check(name, value);
  file.append(check.bytes.begin(), check.bytes.end());
  try {
    frontend::WriteFileBytes(directory_ + "/" + name.ToHex(), file, 0600);
  } catch (const frontend::FrontendError&) {
    // A read-only or full disk only costs the next run the time the value saves.
  }
}

}  // namespace tensorstark::pipeline
