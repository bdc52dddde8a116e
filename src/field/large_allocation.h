// Uninitialised memory for the prover's big buffers (low-degree extensions, Merkle layers): the
// code that fills them overwrites every value, so zero-filling first would be a wasted pass and
// would fault the pages in serially. Large allocations ask for transparent huge pages: faulting
// in a 2 MiB page costs about as much as a 4 KiB one. It lives in the lowest layer so that every
// layer above shares it.
//
// Freed blocks of 2 MiB or more are retained and handed out again for a request of the same
// size, as jemalloc or tcmalloc retain freed pages: the kernel zero-fills every page it faults in
// (on this project's VM about 4.5 GB/s, a tenth of a blowup-8 proof), and a process proving one
// shape after another asks for the same sizes each time. Retention never raises the footprint:
// retained and live blocks together stay within the largest amount ever live at once, so a
// request that finds no block of its size first releases retained blocks.
#pragma once

#include <cstddef>
#include <map>
#include <mutex>
#include <unordered_map>

namespace tensorstark::field {

// `bytes` of uninitialised memory, 64-byte aligned; at least 2 MiB are 2 MiB aligned and advised
// for transparent huge pages. Release with FreeLarge. Throws std::bad_alloc.
void* AllocateLarge(size_t bytes);

// Releases a block from AllocateLarge (null is ignored).
void FreeLarge(void* p);

// For std::unique_ptr.
struct LargeDeleter {
  void operator()(void* p) const { FreeLarge(p); }
};

// Bytes held by retained blocks, and giving them back to the system (for a long-running
// process between jobs of different shapes).
size_t RetainedLargeBytes();
void ReleaseRetainedLarge();

// The retention of blocks of 2 MiB or more (sizes multiples of 2 MiB), behind AllocateLarge:
// live blocks with their sizes, and freed ones kept for reuse, with
// live bytes + retained bytes ≤ the most ever live at once.
class HugeBlockPool {
 public:
  HugeBlockPool() = default;
  HugeBlockPool(const HugeBlockPool&) = delete;
  HugeBlockPool& operator=(const HugeBlockPool&) = delete;
  ~HugeBlockPool();

  void* Allocate(size_t size);
  // False if `p` is not a live block of this pool.
  bool Free(void* p);
  size_t RetainedBytes();
  void ReleaseRetained();

 private:
  void Track(void* p, size_t size);

  std::mutex mutex_;
  std::unordered_map<void*, size_t> live_;
  std::multimap<size_t, void*> retained_;
  size_t live_bytes_ = 0, retained_bytes_ = 0, high_water_ = 0;
};

}  // namespace tensorstark::field
