// Quantization: the graph IR and the calibrated value ranges become a QuantizedModel.
//
// Scales are powers of two per tensor. An activation's scale puts its calibrated maximum |x| at
// about 2^activation_bits; the prover proves every computed value below 2^15
// (air::kValueBoundBits), which leaves 15 - activation_bits bits of headroom, so an input somewhat
// outside the calibration set still proves, and one far outside is refused with an error rather
// than wrapping. Constants get weight_bits, and so do a linear layer's weights unless their scale is
// fixed (frontend/linear_scale.h). Each linear layer is checked at compile time for the worst case
// over its operands' bounds: |accumulator| < 2^30, so no sum can wrap the field.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "frontend/calibration.h"
#include "frontend/graph.h"
#include "frontend/quantized_model.h"

namespace tensorstark::frontend {

// A model input read only by comparisons with thresholds gets this many more bits than
// activation_bits (up to one below the bound): its decisions are only as fine as its scale, and
// it needs less headroom than a value computed on.
inline constexpr int kComparedInputBits = 2;

struct QuantizeOptions {
  int activation_bits = 12;  // below air::kValueBoundBits
  int weight_bits = 10;
  // The MatMul, Gemm and Conv weights' scale, 2^-weight_frac_bits in every layer; unset, each
  // layer's is chosen from its largest weight, which the scale then reveals.
  std::optional<int> weight_frac_bits;
};

// The fixed weight scale private weights get by default, 2^-8: nothing the verifying model states
// depends on them. Measured on the 10,000 Fashion-MNIST test images against scales chosen per
// layer: fashion_mlp unchanged (its first layer came down to 2^-8 anyway), fashion_lenet's accuracy
// 84.94% instead of 85.04% (docs/zero-knowledge.md).
inline constexpr int kPrivateWeightFracBits = 8;

// compile's default weight scale: fixed for private weights, chosen per layer for public ones.
std::optional<int> DefaultWeightFracBits(Visibility weights);

// The op types the quantizer lowers when they compute on the model's inputs (the others among
// SupportedOpTypes() must fold to constants at import, or are removed by the graph passes), sorted.
std::vector<std::string> QuantizableOpTypes();

// Throws FrontendError naming the node for an operator the quantizer does not support. `notes`
// receives what compile should report that refuses nothing (thresholds the quantization cannot
// place between the calibration values around them).
QuantizedModel Quantize(const Graph& graph, const Calibration& calibration,
                        const QuantizeOptions& options = {},
                        std::vector<std::string>* notes = nullptr);

}  // namespace tensorstark::frontend
