#include "frontend/calibration.h"

#include "frontend/float_eval.h"

namespace tensorstark::frontend {
namespace {

// The variance of each row a LayerNormalization normalizes (the axes from `axis` on).
void IncludeRowVariances(const Node& node, const Tensor& x, ValueRange& range) {
  const int64_t axis = NormalizeAxis(node.Int("axis", -1), x.rank(), node.Describe());
  const int64_t n = NumElements(Shape(x.shape.begin() + axis, x.shape.end()));
  for (int64_t row = 0; n > 0 && row < x.size() / n; ++row) {
    double mean = 0, var = 0;
    for (int64_t i = 0; i < n; ++i) mean += x.values[row * n + i];
    mean /= static_cast<double>(n);
    for (int64_t i = 0; i < n; ++i) {
      var += (x.values[row * n + i] - mean) * (x.values[row * n + i] - mean);
    }
    range.Include(var / static_cast<double>(n));
  }
}

}  // namespace

Calibration Calibrate(const Graph& graph, std::span<const std::vector<Tensor>> samples) {
  Calibration calibration;
  calibration.ranges.resize(graph.values.size());
  for (const std::vector<Tensor>& sample : samples) {
    const std::vector<Tensor> values = EvaluateGraph(graph, sample);
    for (size_t id = 0; id < values.size(); ++id) {
      for (double x : values[id].values) calibration.ranges[id].Include(x);
    }
    for (const Node& node : graph.nodes) {
      if (node.op_type != "LayerNormalization") continue;
      IncludeRowVariances(node, values[node.inputs[0]], calibration.row_variances[node.outputs[0]]);
    }
    std::vector<Tensor>& outputs = calibration.outputs.emplace_back();
    for (ValueId id : graph.outputs) outputs.push_back(values[id]);
  }
  return calibration;
}

}  // namespace tensorstark::frontend
