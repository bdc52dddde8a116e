// AllocateLarge gives aligned, usable blocks, and reuses freed large blocks without ever holding
// more than the most that was live at once.
#include "field/large_allocation.h"

#include <doctest/doctest.h>

#include <cstdint>
#include <initializer_list>

namespace tensorstark::field {
namespace {

constexpr size_t kMiB = size_t{1} << 20;

TEST_CASE("AllocateLarge aligns large blocks to 2 MiB") {
  for (size_t bytes : {size_t{1}, size_t{100}, 2 * kMiB, 5 * kMiB + 3}) {
    void* p = AllocateLarge(bytes);
    const size_t align = bytes >= 2 * kMiB ? 2 * kMiB : 64;
    CHECK(reinterpret_cast<uintptr_t>(p) % align == 0);
    static_cast<char*>(p)[bytes - 1] = 1;  // the whole block is usable
    FreeLarge(p);
  }
  FreeLarge(nullptr);
}

TEST_CASE("Freed large blocks are reused for the same size, within the high-water mark") {
  HugeBlockPool pool;
  void* a = pool.Allocate(6 * kMiB);
  void* b = pool.Allocate(4 * kMiB);
  CHECK(pool.Free(a));
  CHECK(pool.Free(b));
  CHECK(!pool.Free(b));  // not live any more
  CHECK(pool.RetainedBytes() == 10 * kMiB);
  // The same sizes: the same blocks, nothing retained any more.
  CHECK(pool.Allocate(4 * kMiB) == b);
  CHECK(pool.Allocate(6 * kMiB) == a);
  CHECK(pool.RetainedBytes() == 0);
  pool.Free(a);
  pool.Free(b);
  // A size with no retained block: retained blocks are released, the largest first, where the
  // new one would raise live + retained above the 10 MiB ever live at once.
  void* c = pool.Allocate(2 * kMiB);
  CHECK(pool.RetainedBytes() == 4 * kMiB);
  void* d = pool.Allocate(8 * kMiB);  // 2 live + 4 retained + 8 > 10
  CHECK(pool.RetainedBytes() == 0);
  pool.Free(c);
  pool.Free(d);
  CHECK(pool.RetainedBytes() == 10 * kMiB);
  pool.ReleaseRetained();
  CHECK(pool.RetainedBytes() == 0);
}

TEST_CASE("AllocateLarge retains what FreeLarge frees") {
  ReleaseRetainedLarge();
  void* p = AllocateLarge(3 * kMiB);
  FreeLarge(p);
  CHECK(RetainedLargeBytes() == 4 * kMiB);  // rounded up to huge pages
  CHECK(AllocateLarge(4 * kMiB) == p);
  FreeLarge(p);
  ReleaseRetainedLarge();
  CHECK(RetainedLargeBytes() == 0);
}

}  // namespace
}  // namespace tensorstark::field
