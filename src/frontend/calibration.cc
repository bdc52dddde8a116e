#include "frontend/calibration.h"

#include "frontend/float_eval.h"

namespace tensorstark::frontend {

std::vector<ValueRange> CalibrateRanges(const Graph& graph,
                                        std::span<const std::vector<Tensor>> samples) {
  std::vector<ValueRange> ranges(graph.values.size());
  for (const std::vector<Tensor>& sample : samples) {
    const std::vector<Tensor> values = EvaluateGraph(graph, sample);
    for (size_t id = 0; id < values.size(); ++id) {
      for (double x : values[id].values) ranges[id].Include(x);
    }
  }
  return ranges;
}

}  // namespace tensorstark::frontend
