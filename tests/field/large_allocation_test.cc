// AllocateLarge gives aligned, usable blocks.
#include "field/large_allocation.h"

#include <doctest/doctest.h>

#include <cstdint>
#include <cstdlib>
#include <initializer_list>

namespace tensorstark::field {
namespace {

TEST_CASE("AllocateLarge aligns large blocks to 2 MiB") {
  for (size_t bytes : {size_t{1}, size_t{100}, size_t{2} << 20, (size_t{5} << 20) + 3}) {
    void* p = AllocateLarge(bytes);
    const size_t align = bytes >= (size_t{2} << 20) ? (size_t{2} << 20) : 64;
    CHECK(reinterpret_cast<uintptr_t>(p) % align == 0);
    static_cast<char*>(p)[bytes - 1] = 1;  // the whole block is usable
    std::free(p);
  }
}

}  // namespace
}  // namespace tensorstark::field
