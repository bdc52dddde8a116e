// The sliding windows of Conv and the pooling operators: kernel, strides, dilations and padding
// (explicit or automatic) over any number of spatial dimensions. The evaluators and, later, the
// lowering to index maps read windows through InputIndex, so padding is handled in one place.
#pragma once

#include <cstdint>
#include <vector>

#include "frontend/graph.h"
#include "frontend/tensor.h"

namespace tensorstark::frontend {

struct Windows {
  Shape in;  // spatial input dimensions
  Shape kernel, strides, dilations, pad_begin;
  Shape out;  // spatial output dimensions

  int64_t out_size() const { return NumElements(out); }
  int64_t kernel_size() const { return NumElements(kernel); }
  // The flat spatial input index read by kernel offset `k` of output position `o` (both flat,
  // row-major), or -1 where the window covers padding.
  int64_t InputIndex(int64_t o, int64_t k) const;
  // How many kernel offsets of output position o fall inside the input.
  int64_t InsideCount(int64_t o) const;
};

// Reads kernel_shape (defaulting to `kernel`), strides, dilations, pads, auto_pad and, when
// `allow_ceil_mode`, ceil_mode from the node; throws FrontendError on inconsistent values.
Windows WindowsOf(const Node& node, const Shape& in_spatial, const Shape& kernel,
                  bool allow_ceil_mode);

}  // namespace tensorstark::frontend
