#include "frontend/key_cache.h"

#include <elf.h>
#include <link.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>

#include "frontend/file_io.h"
#include "frontend/frontend_error.h"

namespace tensorstark::frontend {
namespace {

// The NT_GNU_BUILD_ID note of the main program, found among its loaded segments.
std::vector<uint8_t> ReadBuildId() {
  std::vector<uint8_t> id;
  dl_iterate_phdr(
      [](dl_phdr_info* info, size_t, void* out) {
        // The first object listed is the main program.
        for (int i = 0; i < info->dlpi_phnum; ++i) {
          const ElfW(Phdr)& segment = info->dlpi_phdr[i];
          if (segment.p_type != PT_NOTE) continue;
          const auto* at = reinterpret_cast<const uint8_t*>(info->dlpi_addr + segment.p_vaddr);
          const uint8_t* end = at + segment.p_memsz;
          while (at + sizeof(ElfW(Nhdr)) <= end) {
            const auto* note = reinterpret_cast<const ElfW(Nhdr)*>(at);
            const uint8_t* name = at + sizeof(ElfW(Nhdr));
            const uint8_t* desc = name + ((note->n_namesz + 3) & ~3u);
            if (note->n_type == NT_GNU_BUILD_ID && note->n_namesz == 4 &&
                std::memcmp(name, "GNU", 4) == 0 && desc + note->n_descsz <= end) {
              static_cast<std::vector<uint8_t>*>(out)->assign(desc, desc + note->n_descsz);
              return 1;
            }
            at = desc + ((note->n_descsz + 3) & ~3u);
          }
        }
        return 1;
      },
      &id);
  return id;
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

KeyCache KeyCache::FromEnvironment() {
  if (BuildId().empty()) return Disabled();
  if (const char* dir = std::getenv("TENSORSTARK_CACHE_DIR")) return KeyCache(dir);
  return KeyCache(HomeCache());
}

KeyCache::Name::Name(std::string_view kind) {
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
    WriteFileBytes(directory_ + "/" + name.ToHex(), file);
  } catch (const FrontendError&) {
    // A read-only or full disk only costs the next run the time the value saves.
  }
}

}  // namespace tensorstark::frontend
