#include "frontend/passes.h"

#include <fmt/format.h>

#include <algorithm>
#include <cassert>
#include <cmath>

#include "frontend/expand.h"
#include "frontend/frontend_error.h"
#include "frontend/ops.h"

namespace tensorstark::frontend {
namespace {

// Makes every reader of `from` (nodes and graph outputs) read `to` instead.
void ReplaceUses(Graph& graph, ValueId from, ValueId to) {
  for (Node& node : graph.nodes) {
    for (ValueId& id : node.inputs) {
      if (id == from) id = to;
    }
  }
  for (ValueId& id : graph.outputs) {
    if (id == from) id = to;
  }
}

// The node that computes each value, or -1.
std::vector<int> Producers(const Graph& graph) {
  std::vector<int> producer(graph.values.size(), -1);
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    for (ValueId id : graph.nodes[i].outputs) producer[id] = static_cast<int>(i);
  }
  return producer;
}

}  // namespace

void InferShapesAndFoldConstants(Graph& graph) {
  std::vector<Node> pending = std::move(graph.nodes), kept;
  for (size_t n = 0; n < pending.size(); ++n) {
    Node node = std::move(pending[n]);
    if (IsExpandedOp(node.op_type)) {  // expanded here, where its operands' shapes are known
      std::vector<Node> expanded = ExpandNode(node, graph);
      pending.insert(pending.begin() + static_cast<std::ptrdiff_t>(n) + 1,
                     std::make_move_iterator(expanded.begin()),
                     std::make_move_iterator(expanded.end()));
      continue;
    }
    const OpKernel* kernel = FindOpKernel(node.op_type);
    if (!kernel) throw FrontendError(fmt::format("{}: op type is not supported", node.Describe()));
    std::vector<Operand> operands;
    bool all_constant = true;
    for (ValueId id : node.inputs) {
      if (id == kNoValue) {
        operands.push_back({});
        continue;
      }
      const Value& v = graph.value(id);
      if (operands.size() < kernel->float_operands && v.type != DataType::kFloat) {
        throw FrontendError(fmt::format("{}: operand {} is {}; this operator takes float values",
                                        node.Describe(), operands.size(), ToString(v.type)));
      }
      operands.push_back({v.type, &v.shape, v.constant ? &*v.constant : nullptr});
      all_constant = all_constant && v.constant.has_value();
    }
    const std::vector<OutputInfo> infos = kernel->infer(node, operands);
    if (infos.size() < node.outputs.size()) {
      throw FrontendError(fmt::format("{}: has {} outputs, supports {}", node.Describe(),
                                      node.outputs.size(), infos.size()));
    }
    for (size_t i = 0; i < node.outputs.size(); ++i) {
      graph.value(node.outputs[i]).type = infos[i].type;
      graph.value(node.outputs[i]).shape = infos[i].shape;
    }
    if (kernel->shape_only) {
      const Value& v = graph.value(node.inputs.at(0));
      const Tensor shape_only{v.type, v.shape, {}, {}};
      const Tensor* operand = &shape_only;
      graph.value(node.outputs[0]).constant = kernel->evaluate(node, {&operand, 1})[0];
      continue;
    }
    if (all_constant && !node.inputs.empty()) {
      std::vector<const Tensor*> inputs;
      for (ValueId id : node.inputs) {
        inputs.push_back(id == kNoValue ? nullptr : &*graph.value(id).constant);
      }
      std::vector<Tensor> outputs = EvaluateNode(node, inputs);
      for (size_t i = 0; i < node.outputs.size(); ++i) {
        assert(outputs[i].shape == infos[i].shape && outputs[i].type == infos[i].type);
        graph.value(node.outputs[i]).constant = std::move(outputs[i]);
      }
      continue;
    }
    kept.push_back(std::move(node));
  }
  graph.nodes = std::move(kept);
}

void RemoveIdentities(Graph& graph) {
  std::vector<Node> kept;
  for (Node& node : graph.nodes) {
    // Nodes are in topological order, so the readers are all still ahead in graph.nodes.
    if ((node.op_type == "Identity" || node.op_type == "Dropout") && node.outputs.size() == 1) {
      const ValueId from = node.outputs[0], to = node.inputs[0];
      // A model output keeps its name (a classifier's ZipMap is an identity here): the
      // intermediate value it reads takes it, unless that value is a model input, output or
      // constant, whose own name stays.
      const auto has = [](const std::vector<ValueId>& ids, ValueId id) {
        return std::find(ids.begin(), ids.end(), id) != ids.end();
      };
      if (has(graph.outputs, from) && !has(graph.outputs, to) && !has(graph.inputs, to) &&
          !graph.IsConstant(to)) {
        graph.value(to).name = graph.value(from).name;
      }
      ReplaceUses(graph, from, to);
      continue;
    }
    kept.push_back(std::move(node));
  }
  graph.nodes = std::move(kept);
}

void FoldBatchNormalization(Graph& graph) {
  const std::vector<int> readers = graph.Readers();
  const std::vector<int> producer = Producers(graph);
  std::vector<bool> removed(graph.nodes.size(), false);
  for (size_t b = 0; b < graph.nodes.size(); ++b) {
    const Node& bn = graph.nodes[b];
    if (bn.op_type != "BatchNormalization") continue;
    const ValueId x = bn.inputs[0];
    const int p = producer[x];
    if (p < 0 || readers[x] != 1) continue;
    Node& linear = graph.nodes[p];
    const bool conv = linear.op_type == "Conv";
    if (!conv && linear.op_type != "Gemm") continue;
    if (!graph.IsConstant(linear.inputs[1]) ||
        (graph.Input(linear, 2) != kNoValue && !graph.IsConstant(linear.inputs[2]))) {
      continue;
    }
    bool stats_constant = true;
    for (size_t i = 1; i < 5; ++i)
      stats_constant = stats_constant && graph.IsConstant(bn.inputs[i]);
    if (!stats_constant) continue;
    // Copies: AddValue below may move graph.values.
    const Tensor gamma = *graph.value(bn.inputs[1]).constant;
    const Tensor beta = *graph.value(bn.inputs[2]).constant;
    const Tensor mean = *graph.value(bn.inputs[3]).constant;
    const Tensor var = *graph.value(bn.inputs[4]).constant;
    const int64_t channels = gamma.size();

    // y = (z - mean)·s + beta with s = gamma / sqrt(var + eps), z = W·x (·alpha) + bias (·beta).
    Tensor w = *graph.value(linear.inputs[1]).constant;
    const bool trans_b = !conv && linear.Int("transB", 0) != 0;
    const double alpha = conv ? 1.0 : linear.Float("alpha", 1.0);
    const double bias_scale = conv ? 1.0 : linear.Float("beta", 1.0);
    const std::vector<double> s = BatchNormAffine(bn, gamma, beta, mean, var).scale;
    const int64_t n_w = w.size();
    for (int64_t i = 0; i < n_w; ++i) {
      // The output channel of weight i: axis 0 for Conv and transB Gemm, axis 1 otherwise.
      const int64_t c = conv || trans_b ? i / (n_w / channels) : i % channels;
      w.values[i] = static_cast<float>(w.values[i] * alpha * s[c]);
    }
    std::vector<double> old_bias(channels, 0.0);
    if (graph.Input(linear, 2) != kNoValue) {
      const Tensor& bias = *graph.value(linear.inputs[2]).constant;
      const std::vector<int64_t> index = BroadcastIndices(bias.shape, {channels});
      for (int64_t c = 0; c < channels; ++c) old_bias[c] = bias.values[index[c]] * bias_scale;
    }
    Tensor bias = Tensor::Zeros(DataType::kFloat, {channels});
    for (int64_t c = 0; c < channels; ++c) {
      bias.values[c] = static_cast<float>((old_bias[c] - mean.values[c]) * s[c] + beta.values[c]);
    }
    const std::string name = linear.name;
    linear.inputs.resize(3);
    linear.inputs[1] = graph.AddValue({name + ".folded_weight", w.type, w.shape, w});
    linear.inputs[2] = graph.AddValue({name + ".folded_bias", bias.type, bias.shape, bias});
    if (!conv) {
      linear.attributes.erase("alpha");
      linear.attributes.erase("beta");
    }
    ReplaceUses(graph, bn.outputs[0], linear.outputs[0]);
    removed[b] = true;
  }
  std::vector<Node> kept;
  for (size_t i = 0; i < graph.nodes.size(); ++i) {
    if (!removed[i]) kept.push_back(std::move(graph.nodes[i]));
  }
  graph.nodes = std::move(kept);
}

void RemoveDeadNodes(Graph& graph) {
  for (bool changed = true; changed;) {
    changed = false;
    const std::vector<int> readers = graph.Readers();
    std::vector<Node> kept;
    for (Node& node : graph.nodes) {
      bool read = false;
      for (ValueId id : node.outputs) read = read || readers[id] > 0;
      if (read) {
        kept.push_back(std::move(node));
      } else {
        changed = true;
      }
    }
    graph.nodes = std::move(kept);
  }
}

void SimplifyGraph(Graph& graph) {
  RemoveIdentities(graph);
  FoldBatchNormalization(graph);
  RemoveDeadNodes(graph);
}

}  // namespace tensorstark::frontend
