// Normalization at inference: BatchNormalization (running statistics) and LayerNormalization.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "frontend/frontend_error.h"
#include "frontend/ops.h"

namespace tensorstark::frontend {
namespace {

std::vector<OutputInfo> InferBatchNorm(const Node& node, std::span<const Operand> inputs) {
  node.CheckAttributes({"epsilon", "momentum", "spatial", "training_mode", "is_test"});
  CheckOperandCount(node, inputs, 5, 5);
  if (node.Int("training_mode", 0) != 0 || node.outputs.size() > 1) {
    throw FrontendError(fmt::format("{}: training mode is not supported", node.Describe()));
  }
  const Shape& x = *inputs[0].shape;
  if (x.size() < 2) {
    throw FrontendError(fmt::format("{}: input must be N×C×...", node.Describe()));
  }
  for (size_t i = 1; i < 5; ++i) {
    if (*inputs[i].shape != Shape{x[1]}) {
      throw FrontendError(
          fmt::format("{}: operand {} must have shape [{}]", node.Describe(), i, x[1]));
    }
  }
  return {{inputs[0].type, x}};
}

std::vector<Tensor> EvaluateBatchNorm(const Node& node, std::span<const Tensor* const> inputs) {
  const Tensor& x = *inputs[0];
  const double epsilon = node.Float("epsilon", 1e-5);
  const int64_t channels = x.shape[1],
                inner = NumElements(Shape(x.shape.begin() + 2, x.shape.end()));
  Tensor out = x;
  for (int64_t i = 0; i < x.size(); ++i) {
    const int64_t c = i / inner % channels;
    const double scale = inputs[1]->values[c], bias = inputs[2]->values[c];
    const double mean = inputs[3]->values[c], var = inputs[4]->values[c];
    out.values[i] =
        static_cast<float>((x.values[i] - mean) / std::sqrt(var + epsilon) * scale + bias);
  }
  return {out};
}

std::vector<OutputInfo> InferLayerNorm(const Node& node, std::span<const Operand> inputs) {
  node.CheckAttributes({"axis", "epsilon", "stash_type"});
  CheckOperandCount(node, inputs, 2, 3);
  if (node.outputs.size() > 1) {
    throw FrontendError(
        fmt::format("{}: the Mean and InvStdDev outputs are not supported", node.Describe()));
  }
  const Shape& x = *inputs[0].shape;
  const int64_t axis =
      NormalizeAxis(node.Int("axis", -1), static_cast<int64_t>(x.size()), node.Describe());
  const Shape normalized(x.begin() + axis, x.end());
  for (size_t i = 1; i < inputs.size(); ++i) {
    if (inputs[i].present()) BroadcastShapes(*inputs[i].shape, normalized, node.Describe());
  }
  return {{inputs[0].type, x}};
}

std::vector<Tensor> EvaluateLayerNorm(const Node& node, std::span<const Tensor* const> inputs) {
  const Tensor& x = *inputs[0];
  const int64_t axis = NormalizeAxis(node.Int("axis", -1), x.rank(), node.Describe());
  const double epsilon = node.Float("epsilon", 1e-5);
  const Shape normalized(x.shape.begin() + axis, x.shape.end());
  const int64_t n = NumElements(normalized);
  const std::vector<int64_t> scale_index = BroadcastIndices(inputs[1]->shape, normalized);
  const Tensor* bias = inputs.size() > 2 ? inputs[2] : nullptr;
  const std::vector<int64_t> bias_index =
      bias ? BroadcastIndices(bias->shape, normalized) : std::vector<int64_t>();
  Tensor out = x;
  for (int64_t row = 0; row < x.size() / std::max<int64_t>(n, 1); ++row) {
    const double* in = x.values.data() + row * n;
    double mean = 0, var = 0;
    for (int64_t i = 0; i < n; ++i) mean += in[i];
    mean /= n;
    for (int64_t i = 0; i < n; ++i) var += (in[i] - mean) * (in[i] - mean);
    var /= n;
    const double inv_std = 1.0 / std::sqrt(var + epsilon);
    for (int64_t i = 0; i < n; ++i) {
      double y = (in[i] - mean) * inv_std * inputs[1]->values[scale_index[i]];
      if (bias) y += bias->values[bias_index[i]];
      out.values[row * n + i] = static_cast<float>(y);
    }
  }
  return {out};
}

}  // namespace

ChannelAffine BatchNormAffine(const Node& node, const Tensor& gamma, const Tensor& beta,
                              const Tensor& mean, const Tensor& var) {
  const double epsilon = node.Float("epsilon", 1e-5);
  ChannelAffine affine;
  for (int64_t c = 0; c < gamma.size(); ++c) {
    affine.scale.push_back(gamma.values[c] / std::sqrt(var.values[c] + epsilon));
    affine.shift.push_back(beta.values[c] - mean.values[c] * affine.scale.back());
  }
  return affine;
}

void RegisterNormalizationOps() {
  RegisterOp("BatchNormalization", {InferBatchNorm, EvaluateBatchNorm, kAllOperands});
  RegisterOp("LayerNormalization", {InferLayerNorm, EvaluateLayerNorm, kAllOperands});
}

}  // namespace tensorstark::frontend
