#include "frontend/calibration.h"

#include <algorithm>

#include "frontend/float_eval.h"
#include "frontend/ops.h"

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

// A comparison of a computed float with a constant: how the calibration values fall around each
// element's threshold.
void IncludeDecisions(const Graph& graph, const Node& node, const std::vector<Tensor>& values,
                      std::map<ValueId, std::vector<DecisionSpread>>& spreads) {
  if (!IsComparison(node.op_type) || node.inputs.size() != 2) return;
  const bool first_constant = graph.IsConstant(node.inputs[0]);
  if (first_constant == graph.IsConstant(node.inputs[1])) return;
  const ValueId x_id = node.inputs[first_constant ? 1 : 0];
  const ValueId t_id = node.inputs[first_constant ? 0 : 1];
  const Tensor &x = values[x_id], &t = values[t_id];
  if (!x.is_float() || !t.is_float()) return;
  const Shape& shape = graph.value(node.outputs[0]).shape;
  const std::vector<int64_t> xi = BroadcastIndices(x.shape, shape);
  const std::vector<int64_t> ti = BroadcastIndices(t.shape, shape);
  std::vector<DecisionSpread>& spread = spreads[node.outputs[0]];
  spread.resize(xi.size());
  for (size_t i = 0; i < xi.size(); ++i) {
    const double v = x.values[xi[i]], threshold = t.values[ti[i]];
    if (v < threshold) spread[i].below = std::max(spread[i].below, v);
    if (v > threshold) spread[i].above = std::min(spread[i].above, v);
    if (v == threshold) spread[i].at = true;
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
      IncludeDecisions(graph, node, values, calibration.decision_spreads);
      if (node.op_type != "LayerNormalization") continue;
      IncludeRowVariances(node, values[node.inputs[0]], calibration.row_variances[node.outputs[0]]);
    }
    std::vector<Tensor>& outputs = calibration.outputs.emplace_back();
    for (ValueId id : graph.outputs) outputs.push_back(values[id]);
  }
  return calibration;
}

}  // namespace tensorstark::frontend
