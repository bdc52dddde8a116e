#include "field/large_allocation.h"

#include <sys/mman.h>

#include <algorithm>
#include <cstdlib>
#include <iterator>
#include <new>

namespace tensorstark::field {
namespace {

constexpr size_t kCacheLine = 64;
constexpr size_t kHugePage = size_t{2} << 20;

constexpr size_t RoundUp(size_t n, size_t multiple) {
  return (n + multiple - 1) / multiple * multiple;
}

HugeBlockPool& Pool() {
  static HugeBlockPool* pool = new HugeBlockPool;  // never destroyed: blocks may be freed at exit
  return *pool;
}

}  // namespace

HugeBlockPool::~HugeBlockPool() {
  ReleaseRetained();
  for (const auto& [p, size] : live_) std::free(p);
}

void* HugeBlockPool::Allocate(size_t size) {
  {
    std::lock_guard lock(mutex_);
    if (auto it = retained_.find(size); it != retained_.end()) {
      void* p = it->second;
      retained_.erase(it);
      retained_bytes_ -= size;
      Track(p, size);
      return p;
    }
    // Make room: the new block must fit under the high-water mark with what stays retained.
    while (!retained_.empty() && live_bytes_ + retained_bytes_ + size > high_water_) {
      const auto largest = std::prev(retained_.end());
      retained_bytes_ -= largest->first;
      std::free(largest->second);
      retained_.erase(largest);
    }
  }
  void* p = std::aligned_alloc(kHugePage, size);
  if (p == nullptr) throw std::bad_alloc();
#ifdef MADV_HUGEPAGE
  // Only advice: without transparent huge pages the memory is simply faulted in 4 KiB at a time.
  madvise(p, size, MADV_HUGEPAGE);
#endif
  std::lock_guard lock(mutex_);
  Track(p, size);
  return p;
}

bool HugeBlockPool::Free(void* p) {
  std::lock_guard lock(mutex_);
  const auto it = live_.find(p);
  if (it == live_.end()) return false;
  live_bytes_ -= it->second;
  retained_bytes_ += it->second;
  retained_.emplace(it->second, p);
  live_.erase(it);
  return true;
}

size_t HugeBlockPool::RetainedBytes() {
  std::lock_guard lock(mutex_);
  return retained_bytes_;
}

void HugeBlockPool::ReleaseRetained() {
  std::lock_guard lock(mutex_);
  for (const auto& [size, p] : retained_) std::free(p);
  retained_.clear();
  retained_bytes_ = 0;
}

void HugeBlockPool::Track(void* p, size_t size) {
  live_.emplace(p, size);
  live_bytes_ += size;
  high_water_ = std::max(high_water_, live_bytes_ + retained_bytes_);
}

void* AllocateLarge(size_t bytes) {
  if (bytes >= kHugePage) return Pool().Allocate(RoundUp(bytes, kHugePage));
  void* p = std::aligned_alloc(kCacheLine, RoundUp(std::max<size_t>(bytes, 1), kCacheLine));
  if (p == nullptr) throw std::bad_alloc();
  return p;
}

void FreeLarge(void* p) {
  if (p != nullptr && !Pool().Free(p)) std::free(p);
}

size_t RetainedLargeBytes() { return Pool().RetainedBytes(); }

void ReleaseRetainedLarge() { Pool().ReleaseRetained(); }

}  // namespace tensorstark::field
