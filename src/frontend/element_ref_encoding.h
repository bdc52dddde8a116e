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

nlohmann::json RefsToJson(const std::vector<ElementRef>& refs);

// `budget`: the references the rest of the model may still hold (kMaxModelRefs at first); throws
// FrontendError for a truncated or corrupt list.
std::vector<ElementRef> RefsFromJson(const nlohmann::json& j, int64_t& budget);

}  // namespace tensorstark::frontend
