// The integers of a linear layer (a MatMul, Gemm or Conv with constant weights): its weights at a
// power-of-two scale 2^-F, its bias at the accumulator's scale, and the rescale to its output's.
//
// F is either fixed for the whole model (QuantizeOptions::weight_frac_bits, what private weights
// get by default) or chosen from the layer's largest weight: F = weight_bits - 1 - ⌈log2 max|w|⌉
// (⌈log2⌉ taken as 0 below 1), lowered one bit at a time, down to 4-bit weights, until the layer
// passes its checks. A chosen F, and the rescale shift that follows from it, tell anyone holding
// the verifying model each layer's largest weight within a factor of 2; a fixed F tells nothing.
//
// The checks: the worst case over the input's bound, Σ_k |w_k| · 2^bound + |bias|, stays below
// 2^30 (air::kAccumulatorBits), so no sum wraps the field, and the shift is one the AIR proves. A
// layer that fails them at a fixed F is refused, naming the largest F that passes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "frontend/quantize.h"

namespace tensorstark::frontend {

struct LinearLayerValues {
  int64_t depth = 0, cols = 0;
  int64_t outputs = 0;          // rows × cols
  std::vector<double> weights;  // depth × cols, alpha applied
  std::vector<double> bias;     // one per output (beta applied), or empty
  int x_frac_bits = 0, x_bound_bits = 0;
  int out_frac_bits = 0;  // the output's calibrated scale; the accumulator's if that is coarser
};

struct LinearIntegers {
  std::vector<int64_t> weights;  // depth × cols
  std::vector<int64_t> bias;     // one per output, the rescale's rounding offset included
  int shift = 0;
  int out_frac_bits = 0;
};

// Throws FrontendError starting with `what` (the node) when no scale passes the checks.
LinearIntegers QuantizeLinearLayer(const LinearLayerValues& layer, const QuantizeOptions& options,
                                   const std::string& what);

}  // namespace tensorstark::frontend
