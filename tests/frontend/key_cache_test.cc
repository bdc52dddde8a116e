// The key cache (frontend/key_cache.h): names that tell their parts apart, values read back only
// at their size, a disabled cache that neither reads nor writes, a refreshed one that writes only.
#include "frontend/key_cache.h"

#include <doctest/doctest.h>

#include <filesystem>
#include <string>
#include <vector>

namespace tensorstark::frontend {
namespace {

hash::Blake2sHash NameOf(std::string_view a, std::string_view b) {
  return KeyCache::Name("test").Add(a).Add(b).Finish();
}

TEST_CASE("a cache name depends on every part and on where the parts split") {
  CHECK(!BuildId().empty());  // Debian's toolchain links a GNU build id
  CHECK(NameOf("ab", "c") == NameOf("ab", "c"));
  CHECK(NameOf("ab", "c") != NameOf("a", "bc"));
  CHECK(NameOf("ab", "c") != NameOf("ab", "d"));
  CHECK(KeyCache::Name("one").Add(uint64_t{1}).Finish() !=
        KeyCache::Name("two").Add(uint64_t{1}).Finish());
}

TEST_CASE("values are read back at their size; a disabled cache keeps nothing") {
  const std::string dir = std::filesystem::temp_directory_path() / "tensorstark_key_cache_test";
  std::filesystem::remove_all(dir);
  const KeyCache cache(dir);
  const hash::Blake2sHash name = NameOf("model", "config");
  const std::vector<uint8_t> value = {1, 2, 3, 4};
  CHECK(!cache.Get(name, 4));
  cache.Put(name, value);
  CHECK(cache.Get(name, 4) == value);
  CHECK(!cache.Get(name, 32));  // a value of another size is a miss
  // Refreshed: reads nothing, writes over.
  const std::vector<uint8_t> newer = {5, 6, 7, 8};
  CHECK(!cache.Refreshed().Get(name, 4));
  cache.Refreshed().Put(name, newer);
  CHECK(cache.Get(name, 4) == newer);
  // Disabled: nothing read or written.
  const hash::Blake2sHash other = NameOf("other", "config");
  KeyCache::Disabled().Put(other, value);
  CHECK(!cache.Get(other, 4));
  CHECK(!KeyCache::Disabled().Get(name, 4));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace tensorstark::frontend
