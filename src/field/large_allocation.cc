#include "field/large_allocation.h"

#include <sys/mman.h>

#include <algorithm>
#include <cstdlib>
#include <new>

namespace tensorstark::field {
namespace {

constexpr size_t kCacheLine = 64;
constexpr size_t kHugePage = size_t{2} << 20;

constexpr size_t RoundUp(size_t n, size_t multiple) {
  return (n + multiple - 1) / multiple * multiple;
}

}  // namespace

void* AllocateLarge(size_t bytes) {
  const size_t align = bytes >= kHugePage ? kHugePage : kCacheLine;
  const size_t size = RoundUp(std::max<size_t>(bytes, 1), align);
  void* p = std::aligned_alloc(align, size);
  if (p == nullptr) throw std::bad_alloc();
#ifdef MADV_HUGEPAGE
  // Only advice: without transparent huge pages the memory is simply faulted in 4 KiB at a time.
  if (align == kHugePage) madvise(p, size, MADV_HUGEPAGE);
#endif
  return p;
}

}  // namespace tensorstark::field
