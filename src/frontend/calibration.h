// Calibration: the range of every value of the graph over a calibration set, by float inference,
// and the statistics decomposed operators need (each LayerNormalization's row variances).
// Quantization chooses each tensor's scale from these, never from the input being proved.
#pragma once

#include <cmath>
#include <map>
#include <span>
#include <vector>

#include "frontend/graph.h"
#include "frontend/tensor.h"

namespace tensorstark::frontend {

struct ValueRange {
  double min = INFINITY;
  double max = -INFINITY;

  double MaxAbs() const { return std::max(std::fabs(min), std::fabs(max)); }
  void Include(double x) {
    min = std::min(min, x);
    max = std::max(max, x);
  }
};

// Where a comparison with a constant threshold t cuts the calibration values x compared with it,
// per element of its output: the largest x below t, the smallest above, and whether some x is t.
// The quantizer places each threshold between them at the compared value's scale when it can.
struct DecisionSpread {
  double below = -INFINITY;
  double above = INFINITY;
  bool at = false;
};

struct Calibration {
  std::vector<ValueRange> ranges;               // by ValueId; constants get their own range
  std::map<ValueId, ValueRange> row_variances;  // by a LayerNormalization's output value
  // By the output value of each comparison of a computed float with a constant one.
  std::map<ValueId, std::vector<DecisionSpread>> decision_spreads;
  // Per sample, float inference's model outputs: what compile's accuracy check compares with.
  std::vector<std::vector<Tensor>> outputs;
};

// Over all samples (samples[s] holds the model inputs of sample s).
Calibration Calibrate(const Graph& graph, std::span<const std::vector<Tensor>> samples);

}  // namespace tensorstark::frontend
