// Quantization: the graph IR and the calibrated value ranges become a QuantizedModel.
//
// Scales are powers of two per tensor. An activation's scale puts its calibrated maximum |x| at
// about 2^activation_bits; the prover proves every computed value below 2^15
// (air::kValueBoundBits), which leaves 15 - activation_bits bits of headroom, so an input somewhat
// outside the calibration set still proves, and one far outside is refused with an error rather
// than wrapping. Weights get weight_bits. Each linear layer is checked at compile time
// for the worst case over its operands' bounds: |accumulator| < 2^30, so no sum can wrap the field;
// a layer that could is given fewer weight bits until it cannot.
#pragma once

#include <span>

#include "frontend/calibration.h"
#include "frontend/graph.h"
#include "frontend/quantized_model.h"

namespace tensorstark::frontend {

struct QuantizeOptions {
  int activation_bits = 12;  // below air::kValueBoundBits
  int weight_bits = 10;
};

// Throws FrontendError naming the node for an operator the quantizer does not support.
QuantizedModel Quantize(const Graph& graph, const Calibration& calibration,
                        const QuantizeOptions& options = {});

}  // namespace tensorstark::frontend
