// How a model file (.tsm, quantized_model.h) stores an operator's element references: runs
// (tensor, first index, step, count), since an operator's references are mostly arithmetic
// progressions (a matrix row, a kernel row, padding literals), each word a zigzag LEB128 varint in
// one CBOR byte string ("varint_runs"). Files of stops 59-60 hold the words as little-endian int64
// ("runs": 5-6 times larger), earlier files two arrays of a CBOR number per reference ("tensor",
// "index"); both still read.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <vector>

#include "frontend/quantized_model.h"

namespace tensorstark::frontend {

// More references in a model than a 24 GB machine could prove (8 GiB of them alone): a corrupt
// file, refused before any memory is taken for them.
inline constexpr int64_t kMaxModelRefs = int64_t{1} << 29;

// The references a model file of `file_bytes` may hold: 16 per byte (a run of them takes 4 bytes
// at least, and whole-tensor runs hold many, but compiled models hold far fewer: weights and
// kernels' short runs take most of their bytes), at least 2^22 (a small model of large
// activations), at most kMaxModelRefs. So a short file cannot make the parser take gigabytes.
int64_t ModelRefBudget(size_t file_bytes);

nlohmann::json RefsToJson(const std::vector<ElementRef>& refs);

// `budget`: the references the rest of the model may still hold (ModelRefBudget at first);
// throws FrontendError for a truncated or corrupt list, or one past the budget.
std::vector<ElementRef> RefsFromJson(const nlohmann::json& j, int64_t& budget);

}  // namespace tensorstark::frontend
