// Uninitialised memory for the prover's big buffers (low-degree extensions, Merkle layers): the
// code that fills them overwrites every value, so zero-filling first would be a wasted pass and
// would fault the pages in serially. Large allocations ask for transparent huge pages: faulting
// in a 2 MiB page costs about as much as a 4 KiB one. It lives in the lowest layer so that every
// layer above shares it.
#pragma once

#include <cstddef>

namespace tensorstark::field {

// `bytes` of uninitialised memory, 64-byte aligned; at least 2 MiB are 2 MiB aligned and advised
// for transparent huge pages. Release with std::free. Throws std::bad_alloc.
void* AllocateLarge(size_t bytes);

}  // namespace tensorstark::field
