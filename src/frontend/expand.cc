#include "frontend/expand.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "frontend/node_emitter.h"
#include "frontend/recurrent.h"

namespace tensorstark::frontend {
namespace {

// (x − mean) / sqrt(variance + epsilon) · scale[c] + bias[c], the mean and variance over each
// (sample, channel)'s spatial elements: what a LayerNormalization exported below opset 17 is
// made of, so the same lookups (square root, reciprocal) prove it.
void ExpandInstanceNormalization(NodeEmitter& e) {
  const Node& node = e.node();
  node.CheckAttributes({"epsilon"});
  const Shape x = e.graph().value(e.input()).shape;
  if (x.size() < 3) {
    e.Refuse(fmt::format("input of shape {}: needs [N, C, spatial...]", ShapeToString(x)));
  }
  std::vector<int64_t> spatial, channel_shape = {x[1]};
  for (int64_t axis = 2; axis < static_cast<int64_t>(x.size()); ++axis) {
    spatial.push_back(axis);
    channel_shape.push_back(1);
  }
  const std::map<std::string, Attribute> over_spatial = {{"axes", spatial},
                                                         {"keepdims", int64_t{1}}};
  const ValueId centered = e.Op("Sub", {e.input(), e.Op("ReduceMean", {e.input()}, over_spatial)});
  const ValueId variance = e.Op("ReduceMean", {e.Op("Mul", {centered, centered})}, over_spatial);
  const ValueId deviation =
      e.Op("Sqrt", {e.Op("Add", {variance, e.Floats({node.Float("epsilon", 1e-5)}, {})})});
  const ValueId normalized = e.Op("Div", {centered, deviation});
  const auto per_channel = [&](size_t operand) {
    return e.Op("Reshape", {e.input(operand), e.Int64s(channel_shape)});
  };
  e.Final("Add", {e.Op("Mul", {normalized, per_channel(1)}), per_channel(2)}, 0);
}

// GatherND with constant indices: each index tuple (after batch_dims shared leading axes) names
// one slice of the data; the data flattened over the batch and indexed axes and gathered by the
// tuples' flat positions is the same, and a Gather by constants is an index map.
void ExpandGatherND(NodeEmitter& e) {
  const Node& node = e.node();
  node.CheckAttributes({"batch_dims"});
  const ValueId indices_id = e.input(1);
  if (!e.graph().IsConstant(indices_id)) {
    e.Refuse("gathers by computed indices (constant indices are supported)");
  }
  const Tensor indices = *e.graph().value(indices_id).constant;
  const Shape data = e.graph().value(e.input()).shape;
  const int64_t b = node.Int("batch_dims", 0);
  const int64_t k = indices.shape.empty() ? 0 : indices.shape.back();
  if (indices.shape.size() < 1 || b < 0 || b + k > static_cast<int64_t>(data.size()) ||
      b >= static_cast<int64_t>(indices.shape.size())) {
    e.Refuse(fmt::format("indices of shape {} for data of shape {} and batch_dims {}",
                         ShapeToString(indices.shape), ShapeToString(data), b));
  }
  for (int64_t d = 0; d < b; ++d) {
    if (indices.shape[d] != data[d]) {
      e.Refuse(
          fmt::format("indices of shape {} and data of shape {} differ in the first "
                      "batch_dims ({}) axes",
                      ShapeToString(indices.shape), ShapeToString(data), b));
    }
  }
  int64_t batch = 1, indexed = 1;
  for (int64_t d = 0; d < b; ++d) batch *= data[d];
  for (int64_t d = b; d < b + k; ++d) indexed *= data[d];
  Shape flat = {batch * indexed};
  flat.insert(flat.end(), data.begin() + b + k, data.end());
  Shape positions_shape(indices.shape.begin(), indices.shape.end() - 1);
  const int64_t tuples = NumElements(positions_shape), per_batch = tuples / batch;
  std::vector<int64_t> positions;
  for (int64_t t = 0; t < tuples; ++t) {
    int64_t position = 0;
    for (int64_t j = 0; j < k; ++j) {
      const int64_t size = data[b + j];
      int64_t i = indices.ints[t * k + j];
      if (i < -size || i >= size) {
        e.Refuse(fmt::format("index {} is out of range for an axis of {}", i, size));
      }
      position = position * size + (i < 0 ? i + size : i);
    }
    positions.push_back(t / per_batch * indexed + position);
  }
  const ValueId flattened = e.Op("Reshape", {e.input(), e.Int64s(flat)});
  Tensor gathered{DataType::kInt64, positions_shape, {}, positions};
  e.Final("Gather", {flattened, e.Constant(std::move(gathered))}, 0, {{"axis", int64_t{0}}});
}

// Pad with constant zeros, `pads` as ONNX orders them (all begins, then all ends; a negative one
// crops), in the form the node's opset reads.
ValueId PadWithZeros(NodeEmitter& e, ValueId x, const std::vector<int64_t>& pads) {
  if (e.node().opset < 11) return e.Op("Pad", {x}, {{"pads", pads}});
  return e.Op("Pad", {x, e.Int64s(pads)});
}

// ConvTranspose as the Conv it is the transpose of: the input with stride − 1 zeros between its
// elements, padded by (kernel extent − 1 − pad) on each side (a negative amount crops), convolved
// at stride 1 with the kernel flipped and its channel axes swapped per group. Zeros and crops
// are index maps, so what is proved is one linear operator.
void ExpandConvTranspose(NodeEmitter& e) {
  const Node& node = e.node();
  node.CheckAttributes({"auto_pad", "dilations", "group", "kernel_shape", "output_padding",
                        "output_shape", "pads", "strides"});
  if (!e.graph().IsConstant(e.input(1))) e.Refuse("operand 1 must be a constant (the weights)");
  const Tensor w = *e.graph().value(e.input(1)).constant;
  const Shape x = e.graph().value(e.input()).shape;
  const int64_t rank = static_cast<int64_t>(x.size()), dims = rank - 2;
  if (dims < 1 || static_cast<int64_t>(w.shape.size()) != rank) {
    e.Refuse(fmt::format("input {} and weights {}", ShapeToString(x), ShapeToString(w.shape)));
  }
  const int64_t group = node.Int("group", 1);
  const int64_t in_channels = w.shape[0], out_per_group = w.shape[1];
  if (group < 1 || in_channels != x[1] || in_channels % group != 0) {
    e.Refuse(fmt::format("{} input channels, weights {} and group {}", x[1], ShapeToString(w.shape),
                         group));
  }
  const Shape kernel(w.shape.begin() + 2, w.shape.end());
  if (node.Has("kernel_shape") && node.Ints("kernel_shape", {}) != kernel) {
    e.Refuse("kernel_shape differs from the weights' shape");
  }
  const std::vector<int64_t> strides = node.Ints("strides", Shape(dims, 1));
  const std::vector<int64_t> dilations = node.Ints("dilations", Shape(dims, 1));
  const std::vector<int64_t> output_padding = node.Ints("output_padding", Shape(dims, 0));
  std::vector<int64_t> pads = node.Ints("pads", Shape(2 * dims, 0));
  if (static_cast<int64_t>(strides.size()) != dims ||
      static_cast<int64_t>(dilations.size()) != dims ||
      static_cast<int64_t>(output_padding.size()) != dims ||
      static_cast<int64_t>(pads.size()) != 2 * dims) {
    e.Refuse("strides, dilations, output_padding or pads of the wrong length");
  }
  const std::string auto_pad = node.String("auto_pad", "NOTSET");
  std::vector<int64_t> extent(dims);
  for (int64_t i = 0; i < dims; ++i) extent[i] = (kernel[i] - 1) * dilations[i] + 1;
  if (node.Has("output_shape") || auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER") {
    std::vector<int64_t> wanted = node.Ints("output_shape", {});
    if (wanted.size() == static_cast<size_t>(rank))
      wanted.erase(wanted.begin(), wanted.begin() + 2);
    if (wanted.empty()) {  // auto_pad SAME alone: the input's size times the stride
      for (int64_t i = 0; i < dims; ++i) wanted.push_back(x[i + 2] * strides[i]);
    }
    if (static_cast<int64_t>(wanted.size()) != dims) e.Refuse("output_shape of the wrong length");
    for (int64_t i = 0; i < dims; ++i) {
      const int64_t total = strides[i] * (x[i + 2] - 1) + output_padding[i] + extent[i] - wanted[i];
      // Half, rounded down: a negative total (output_shape past the natural size) extends the
      // end, as ONNX's reference does.
      const int64_t half = total >= 0 ? total / 2 : -((1 - total) / 2);
      pads[i] = auto_pad == "SAME_UPPER" ? half : total - half;
      pads[i + dims] = total - pads[i];
    }
  } else if (auto_pad == "VALID") {
    pads.assign(2 * dims, 0);
  } else if (auto_pad != "NOTSET") {
    e.Refuse(fmt::format("auto_pad '{}' is not supported", auto_pad));
  }

  // Zeros between the elements, one axis at a time: [.., L, ..] → [.., L, s, ..] padded with
  // s − 1 zeros → [.., L·s, ..], the trailing zeros cropped with the border pad below.
  ValueId up = e.input();
  Shape shape = x;
  for (int64_t i = 0; i < dims; ++i) {
    const int64_t s = strides[i], a = i + 2;
    if (s == 1) continue;
    Shape split = shape;
    split.insert(split.begin() + a + 1, 1);
    std::vector<int64_t> zeros(2 * (rank + 1), 0);
    zeros[rank + 1 + a + 1] = s - 1;
    up = PadWithZeros(e, e.Op("Reshape", {up, e.Int64s(split)}), zeros);
    shape[a] *= s;
    up = e.Op("Reshape", {up, e.Int64s(shape)});
  }
  std::vector<int64_t> border(2 * rank, 0);
  for (int64_t i = 0; i < dims; ++i) {
    border[i + 2] = extent[i] - 1 - pads[i];
    border[rank + i + 2] = extent[i] - 1 - pads[i + dims] + output_padding[i] - (strides[i] - 1);
  }
  up = PadWithZeros(e, up, border);

  // w'[g·out + o, i, k] = w[g·in + i, o, flipped k], in = in_channels / group.
  const int64_t in_per_group = in_channels / group, taps = NumElements(kernel);
  Shape flipped_shape = {group * out_per_group, in_per_group};
  flipped_shape.insert(flipped_shape.end(), kernel.begin(), kernel.end());
  std::vector<double> flipped(w.values.size());
  for (int64_t g = 0; g < group; ++g) {
    for (int64_t i = 0; i < in_per_group; ++i) {
      for (int64_t o = 0; o < out_per_group; ++o) {
        for (int64_t t = 0; t < taps; ++t) {
          flipped[((g * out_per_group + o) * in_per_group + i) * taps + (taps - 1 - t)] =
              w.values[((g * in_per_group + i) * out_per_group + o) * taps + t];
        }
      }
    }
  }
  std::vector<ValueId> operands = {up, e.Floats(std::move(flipped), flipped_shape)};
  if (e.input(2) != kNoValue) operands.push_back(e.input(2));
  e.Final("Conv", operands, 0, {{"dilations", dilations}, {"group", group}});
}

using Expansion = void (*)(NodeEmitter&);

const std::map<std::string, Expansion>& Expansions() {
  static const std::map<std::string, Expansion> expansions = {
      {"ConvTranspose", ExpandConvTranspose},
      {"GatherND", ExpandGatherND},
      {"InstanceNormalization", ExpandInstanceNormalization},
  };
  return expansions;
}

}  // namespace

std::vector<std::string> ExpandedOpTypes() {
  std::vector<std::string> types = {"GRU", "LSTM", "RNN"};
  for (const auto& [type, expand] : Expansions()) types.push_back(type);
  std::sort(types.begin(), types.end());
  return types;
}

bool IsExpandedOp(const std::string& op_type) {
  return IsRecurrentOp(op_type) || Expansions().count(op_type) != 0;
}

std::vector<Node> ExpandNode(const Node& node, Graph& graph) {
  if (IsRecurrentOp(node.op_type)) return UnrollRecurrent(node, graph);
  std::vector<Node> nodes;
  NodeEmitter e(node, graph, nodes);
  Expansions().at(node.op_type)(e);
  return nodes;
}

}  // namespace tensorstark::frontend
