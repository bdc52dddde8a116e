// Pooling and reductions as windows: output element i reduces input elements
// in_index[i·window .. (i+1)·window), where -1 marks padding. Average pooling and ReduceMean divide
// by divisor[i]; the quantizer turns this into a windowed sum or maximum.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "frontend/graph.h"
#include "frontend/ops.h"

namespace tensorstark::frontend {

struct ReductionWindows {
  int64_t window = 0;
  std::vector<int64_t> in_index;  // outputs × window; for ArgMax in order along the axis
  std::vector<int64_t> divisor;   // one per output: the count averaged over, or 1
};

// MaxPool, AveragePool, GlobalMaxPool, GlobalAveragePool over input shape x.
ReductionWindows PoolWindowsOf(const Node& node, const Shape& x);
// ReduceSum, ReduceMean, ReduceMax, ArgMax.
ReductionWindows AxisWindowsOf(const Node& node, std::span<const Operand> inputs);

}  // namespace tensorstark::frontend
