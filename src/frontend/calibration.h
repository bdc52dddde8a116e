// Calibration: the range of every value of the graph over a calibration set, by float inference.
// Quantization chooses each tensor's scale from these ranges, never from the input being proved.
#pragma once

#include <cmath>
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

// ranges[id] covers value id over all samples (samples[s] holds the model inputs of sample s).
// Constants get their own range.
std::vector<ValueRange> CalibrateRanges(const Graph& graph,
                                        std::span<const std::vector<Tensor>> samples);

}  // namespace tensorstark::frontend
