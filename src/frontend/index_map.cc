#include "frontend/index_map.h"

#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <set>

#include "frontend/frontend_error.h"

namespace tensorstark::frontend {
namespace {

using Coord = std::vector<int64_t>;

// Calls f(coord, flat) for every element of `shape` in row-major order.
void ForEachCoord(const Shape& shape, const std::function<void(const Coord&, int64_t)>& f) {
  const int64_t n = NumElements(shape);
  Coord coord(shape.size(), 0);
  for (int64_t flat = 0; flat < n; ++flat) {
    f(coord, flat);
    for (size_t d = shape.size(); d-- > 0;) {
      if (++coord[d] < shape[d]) break;
      coord[d] = 0;
    }
  }
}

int64_t FlatIndex(const Coord& coord, const Shape& shape) {
  int64_t flat = 0;
  for (size_t d = 0; d < shape.size(); ++d) flat = flat * shape[d] + coord[d];
  return flat;
}

// The same elements in the same order under a new shape.
IndexMap Reshaped(const Operand& data, Shape shape) {
  IndexMap map{data.type, std::move(shape), {}, 0};
  map.sources.resize(NumElements(map.shape));
  for (size_t i = 0; i < map.sources.size(); ++i) map.sources[i] = {0, static_cast<int64_t>(i)};
  return map;
}

// The axes of a Squeeze/Unsqueeze: attribute before opset 13, optional operand 1 from 13.
std::vector<int64_t> AxesOf(const Node& node, std::span<const Operand> inputs) {
  if (inputs.size() > 1 && inputs[1].present()) return ConstantInts(node, inputs, 1);
  return node.Ints("axes", {});
}

IndexMap Reshape(const Node& node, std::span<const Operand> inputs) {
  node.CheckAttributes({"allowzero"});
  CheckOperandCount(node, inputs, 2, 2);
  const Shape& in = *inputs[0].shape;
  Shape shape = ConstantInts(node, inputs, 1);
  const bool allow_zero = node.Int("allowzero", 0) != 0;
  int64_t known = 1, infer_at = -1;
  for (size_t d = 0; d < shape.size(); ++d) {
    if (shape[d] == 0 && !allow_zero) {
      if (d >= in.size()) {
        throw FrontendError(
            fmt::format("{}: dimension {} copies a missing input dimension", node.Describe(), d));
      }
      shape[d] = in[d];
    }
    if (shape[d] == -1) {
      if (infer_at >= 0) {
        throw FrontendError(fmt::format("{}: more than one -1 in the shape", node.Describe()));
      }
      infer_at = static_cast<int64_t>(d);
    } else if (shape[d] < 0) {
      throw FrontendError(fmt::format("{}: negative dimension in the shape", node.Describe()));
    } else {
      known *= shape[d];
    }
  }
  if (infer_at >= 0) shape[infer_at] = known == 0 ? 0 : NumElements(in) / known;
  if (NumElements(shape) != NumElements(in)) {
    throw FrontendError(fmt::format("{}: cannot reshape {} to {}", node.Describe(),
                                    ShapeToString(in), ShapeToString(shape)));
  }
  return Reshaped(inputs[0], shape);
}

IndexMap Flatten(const Node& node, std::span<const Operand> inputs) {
  node.CheckAttributes({"axis"});
  CheckOperandCount(node, inputs, 1, 1);
  const Shape& in = *inputs[0].shape;
  const int64_t rank = static_cast<int64_t>(in.size());
  const int64_t axis = node.Int("axis", 1);
  if (axis < -rank || axis > rank) {
    throw FrontendError(fmt::format("{}: axis {} is out of range", node.Describe(), axis));
  }
  const int64_t split = axis < 0 ? axis + rank : axis;
  const int64_t outer = NumElements(Shape(in.begin(), in.begin() + split));
  return Reshaped(inputs[0], {outer, NumElements(in) / std::max<int64_t>(outer, 1)});
}

IndexMap Squeeze(const Node& node, std::span<const Operand> inputs) {
  node.CheckAttributes({"axes"});
  CheckOperandCount(node, inputs, 1, 2);
  const Shape& in = *inputs[0].shape;
  std::set<int64_t> axes;
  for (int64_t axis : AxesOf(node, inputs)) {
    const int64_t a = NormalizeAxis(axis, static_cast<int64_t>(in.size()), node.Describe());
    if (in[a] != 1) {
      throw FrontendError(
          fmt::format("{}: axis {} has size {}, not 1", node.Describe(), axis, in[a]));
    }
    axes.insert(a);
  }
  Shape shape;
  for (size_t d = 0; d < in.size(); ++d) {
    const bool squeezed = axes.empty() ? in[d] == 1 : axes.count(static_cast<int64_t>(d)) != 0;
    if (!squeezed) shape.push_back(in[d]);
  }
  return Reshaped(inputs[0], shape);
}

IndexMap Unsqueeze(const Node& node, std::span<const Operand> inputs) {
  node.CheckAttributes({"axes"});
  CheckOperandCount(node, inputs, 1, 2);
  const Shape& in = *inputs[0].shape;
  const std::vector<int64_t> axes_in = AxesOf(node, inputs);
  const int64_t rank = static_cast<int64_t>(in.size() + axes_in.size());
  std::set<int64_t> axes;
  for (int64_t axis : axes_in) {
    if (!axes.insert(NormalizeAxis(axis, rank, node.Describe())).second) {
      throw FrontendError(fmt::format("{}: axis {} appears twice", node.Describe(), axis));
    }
  }
  Shape shape;
  size_t next = 0;
  for (int64_t d = 0; d < rank; ++d) shape.push_back(axes.count(d) ? 1 : in[next++]);
  return Reshaped(inputs[0], shape);
}

IndexMap Transpose(const Node& node, std::span<const Operand> inputs) {
  node.CheckAttributes({"perm"});
  CheckOperandCount(node, inputs, 1, 1);
  const Shape& in = *inputs[0].shape;
  std::vector<int64_t> reversed(in.size());
  for (size_t d = 0; d < in.size(); ++d) reversed[d] = static_cast<int64_t>(in.size() - 1 - d);
  const std::vector<int64_t> perm = node.Ints("perm", reversed);
  std::vector<int64_t> sorted = perm;
  std::sort(sorted.begin(), sorted.end());
  std::vector<int64_t> identity(in.size());
  for (size_t d = 0; d < in.size(); ++d) identity[d] = static_cast<int64_t>(d);
  if (sorted != identity) {
    throw FrontendError(fmt::format("{}: perm is not a permutation of the axes", node.Describe()));
  }
  IndexMap map{inputs[0].type, {}, {}, 0};
  for (int64_t p : perm) map.shape.push_back(in[p]);
  map.sources.resize(NumElements(map.shape));
  const std::vector<int64_t> in_strides = Strides(in);
  ForEachCoord(map.shape, [&](const Coord& c, int64_t flat) {
    int64_t src = 0;
    for (size_t d = 0; d < perm.size(); ++d) src += c[d] * in_strides[perm[d]];
    map.sources[flat] = {0, src};
  });
  return map;
}

IndexMap Concat(const Node& node, std::span<const Operand> inputs) {
  node.CheckAttributes({"axis"});
  CheckOperandCount(node, inputs, 1, 1 << 20);
  const Shape& first = *inputs[0].shape;
  const int64_t axis =
      NormalizeAxis(node.Int("axis", 0), static_cast<int64_t>(first.size()), node.Describe());
  Shape shape = first;
  shape[axis] = 0;
  std::vector<int64_t> offsets;  // where each operand starts along the axis
  for (const Operand& input : inputs) {
    Shape expect = first;
    expect[axis] = (*input.shape).size() == first.size() ? (*input.shape)[axis] : -1;
    if (*input.shape != expect || input.type != inputs[0].type) {
      throw FrontendError(fmt::format("{}: operand shapes {} and {} do not concatenate",
                                      node.Describe(), ShapeToString(first),
                                      ShapeToString(*input.shape)));
    }
    offsets.push_back(shape[axis]);
    shape[axis] += (*input.shape)[axis];
  }
  IndexMap map{inputs[0].type, shape, std::vector<ElementSource>(NumElements(shape)), 0};
  ForEachCoord(shape, [&](const Coord& c, int64_t flat) {
    size_t k = offsets.size() - 1;
    while (c[axis] < offsets[k]) --k;
    Coord src = c;
    src[axis] -= offsets[k];
    map.sources[flat] = {static_cast<int32_t>(k), FlatIndex(src, *inputs[k].shape)};
  });
  return map;
}

IndexMap Slice(const Node& node, std::span<const Operand> inputs) {
  const Shape& in = *inputs[0].shape;
  const int64_t rank = static_cast<int64_t>(in.size());
  std::vector<int64_t> starts, ends, axes, steps;
  if (node.opset < 10) {
    node.CheckAttributes({"starts", "ends", "axes"});
    CheckOperandCount(node, inputs, 1, 1);
    starts = node.Ints("starts", {});
    ends = node.Ints("ends", {});
    axes = node.Ints("axes", {});
  } else {
    node.CheckAttributes({});
    CheckOperandCount(node, inputs, 3, 5);
    starts = ConstantInts(node, inputs, 1);
    ends = ConstantInts(node, inputs, 2);
    if (inputs.size() > 3 && inputs[3].present()) axes = ConstantInts(node, inputs, 3);
    if (inputs.size() > 4 && inputs[4].present()) steps = ConstantInts(node, inputs, 4);
  }
  if (axes.empty()) {
    for (size_t d = 0; d < starts.size(); ++d) axes.push_back(static_cast<int64_t>(d));
  }
  if (steps.empty()) steps.assign(starts.size(), 1);
  if (ends.size() != starts.size() || axes.size() != starts.size() ||
      steps.size() != starts.size()) {
    throw FrontendError(
        fmt::format("{}: starts, ends, axes and steps differ in length", node.Describe()));
  }
  std::vector<int64_t> begin(rank, 0), step(rank, 1);
  Shape shape = in;
  for (size_t i = 0; i < axes.size(); ++i) {
    const int64_t a = NormalizeAxis(axes[i], rank, node.Describe());
    const int64_t dim = in[a];
    if (steps[i] == 0) throw FrontendError(fmt::format("{}: step 0", node.Describe()));
    if (dim == 0) continue;  // stays empty
    // A step longer than the dimension takes one element, as one of dim + 1 does (torch
    // exports open bounds as INT64_MAX and INT64_MIN: nothing below may overflow).
    const int64_t s = std::clamp<int64_t>(steps[i], -(dim + 1), dim + 1);
    // Clamp as ONNX does: going forward start and end to [0, dim]; going backward start to
    // [0, dim - 1] and end to [-1, dim - 1]. Adding dim to a negative bound cannot overflow.
    auto clamp = [dim](int64_t v, int64_t lo, int64_t hi) {
      return std::clamp<int64_t>(v < 0 ? v + dim : v, lo, hi);
    };
    const int64_t b = s > 0 ? clamp(starts[i], 0, dim) : clamp(starts[i], 0, dim - 1);
    const int64_t e = s > 0 ? clamp(ends[i], 0, dim) : clamp(ends[i], -1, dim - 1);
    begin[a] = b;
    step[a] = s;
    shape[a] = s > 0 ? std::max<int64_t>(0, (e - b + s - 1) / s)
                     : std::max<int64_t>(0, (b - e - s - 1) / -s);
  }
  IndexMap map{inputs[0].type, shape, std::vector<ElementSource>(NumElements(shape)), 0};
  ForEachCoord(shape, [&](const Coord& c, int64_t flat) {
    Coord src(rank);
    for (int64_t d = 0; d < rank; ++d) src[d] = begin[d] + c[d] * step[d];
    map.sources[flat] = {0, FlatIndex(src, in)};
  });
  return map;
}

// The data's shape with the axis replaced by the indices' shape.
Shape GatherShape(const Node& node, std::span<const Operand> inputs) {
  node.CheckAttributes({"axis"});
  CheckOperandCount(node, inputs, 2, 2);
  const Shape& in = *inputs[0].shape;
  const int64_t axis =
      NormalizeAxis(node.Int("axis", 0), static_cast<int64_t>(in.size()), node.Describe());
  const Shape& index_shape = *inputs[1].shape;
  Shape shape(in.begin(), in.begin() + axis);
  shape.insert(shape.end(), index_shape.begin(), index_shape.end());
  shape.insert(shape.end(), in.begin() + axis + 1, in.end());
  return shape;
}

IndexMap Gather(const Node& node, std::span<const Operand> inputs) {
  const Shape shape = GatherShape(node, inputs);
  const Shape& in = *inputs[0].shape;
  const int64_t axis =
      NormalizeAxis(node.Int("axis", 0), static_cast<int64_t>(in.size()), node.Describe());
  const std::vector<int64_t> indices = ConstantInts(node, inputs, 1);
  const Shape& index_shape = *inputs[1].shape;
  IndexMap map{inputs[0].type, shape, std::vector<ElementSource>(NumElements(shape)), 0};
  const int64_t index_rank = static_cast<int64_t>(index_shape.size());
  ForEachCoord(shape, [&](const Coord& c, int64_t flat) {
    const Coord index_coord(c.begin() + axis, c.begin() + axis + index_rank);
    int64_t i = indices[FlatIndex(index_coord, index_shape)];
    if (i < -in[axis] || i >= in[axis]) {
      throw FrontendError(fmt::format("{}: index {} is out of range for dimension {}",
                                      node.Describe(), i, in[axis]));
    }
    if (i < 0) i += in[axis];
    Coord src(c.begin(), c.begin() + axis);
    src.push_back(i);
    src.insert(src.end(), c.begin() + axis + index_rank, c.end());
    map.sources[flat] = {0, FlatIndex(src, in)};
  });
  return map;
}

IndexMap Pad(const Node& node, std::span<const Operand> inputs) {
  const Shape& in = *inputs[0].shape;
  const int64_t rank = static_cast<int64_t>(in.size());
  std::vector<int64_t> pads;
  double fill = 0;
  if (node.opset < 11) {
    node.CheckAttributes({"mode", "pads", "value"});
    CheckOperandCount(node, inputs, 1, 1);
    pads = node.Ints("pads", {});
    fill = node.Float("value", 0.0);
  } else {
    node.CheckAttributes({"mode"});
    CheckOperandCount(node, inputs, 2, 3);
    pads = ConstantInts(node, inputs, 1);
    if (inputs.size() > 2 && inputs[2].present()) {
      if (!inputs[2].constant) {
        throw FrontendError(fmt::format("{}: operand 2 must be a constant", node.Describe()));
      }
      const Tensor& value = *inputs[2].constant;
      if (value.type != inputs[0].type || value.size() != 1) {
        throw FrontendError(fmt::format("{}: the pad value must be one {}", node.Describe(),
                                        ToString(inputs[0].type)));
      }
      if (!value.is_float() && std::abs(value.ints[0]) > kExactIntegerDoubles) {
        throw FrontendError(fmt::format("{}: pad value {} is too large (above 2^53)",
                                        node.Describe(), value.ints[0]));
      }
      fill = value.AsDoubles()[0];
    }
  }
  const std::string mode = node.String("mode", "constant");
  if (pads.size() != static_cast<size_t>(2 * rank)) {
    throw FrontendError(fmt::format("{}: pads must have {} entries", node.Describe(), 2 * rank));
  }
  if (mode != "constant" && mode != "reflect" && mode != "edge") {
    throw FrontendError(fmt::format("{}: mode '{}' is not supported", node.Describe(), mode));
  }
  Shape shape(rank);
  for (int64_t d = 0; d < rank; ++d) {
    shape[d] = in[d] + pads[d] + pads[d + rank];
    if (shape[d] < 0 || (mode == "reflect" && (pads[d] >= in[d] || pads[d + rank] >= in[d]))) {
      throw FrontendError(fmt::format("{}: pads do not fit dimension {}", node.Describe(), d));
    }
  }
  IndexMap map{inputs[0].type, shape, std::vector<ElementSource>(NumElements(shape)), fill};
  ForEachCoord(shape, [&](const Coord& c, int64_t flat) {
    Coord src(rank);
    for (int64_t d = 0; d < rank; ++d) {
      int64_t i = c[d] - pads[d];
      if (i < 0 || i >= in[d]) {
        if (mode == "constant") return;  // stays kFill
        if (mode == "edge") {
          i = std::clamp<int64_t>(i, 0, in[d] - 1);
        } else {
          i = i < 0 ? -i : 2 * (in[d] - 1) - i;
        }
      }
      src[d] = i;
    }
    map.sources[flat] = {0, FlatIndex(src, in)};
  });
  return map;
}

IndexMap Expand(const Node& node, std::span<const Operand> inputs) {
  node.CheckAttributes({});
  CheckOperandCount(node, inputs, 2, 2);
  const Shape shape =
      BroadcastShapes(*inputs[0].shape, ConstantInts(node, inputs, 1), node.Describe());
  IndexMap map{inputs[0].type, shape, {}, 0};
  for (int64_t i : BroadcastIndices(*inputs[0].shape, shape)) map.sources.push_back({0, i});
  return map;
}

// out[c] = data[c with its axis coordinate replaced by indices[c]]: the output has the indices'
// shape, which matches the data's except along the axis.
IndexMap GatherElements(const Node& node, std::span<const Operand> inputs) {
  node.CheckAttributes({"axis"});
  CheckOperandCount(node, inputs, 2, 2);
  const Shape& in = *inputs[0].shape;
  const Shape& shape = *inputs[1].shape;
  const int64_t axis =
      NormalizeAxis(node.Int("axis", 0), static_cast<int64_t>(in.size()), node.Describe());
  if (shape.size() != in.size()) {
    throw FrontendError(fmt::format("{}: indices of rank {} for data of rank {}", node.Describe(),
                                    shape.size(), in.size()));
  }
  const std::vector<int64_t> indices = ConstantInts(node, inputs, 1);
  IndexMap map{inputs[0].type, shape, std::vector<ElementSource>(NumElements(shape)), 0};
  ForEachCoord(shape, [&](const Coord& c, int64_t flat) {
    Coord src = c;
    int64_t i = indices[flat];
    if (i < -in[axis] || i >= in[axis]) {
      throw FrontendError(fmt::format("{}: index {} is out of range for dimension {}",
                                      node.Describe(), i, in[axis]));
    }
    src[axis] = i < 0 ? i + in[axis] : i;
    for (size_t d = 0; d < in.size(); ++d) {
      if (src[d] >= in[d]) {
        throw FrontendError(fmt::format("{}: indices of shape {} exceed the data's {}",
                                        node.Describe(), ShapeToString(shape), ShapeToString(in)));
      }
    }
    map.sources[flat] = {0, FlatIndex(src, in)};
  });
  return map;
}

IndexMap Tile(const Node& node, std::span<const Operand> inputs) {
  node.CheckAttributes({});
  CheckOperandCount(node, inputs, 2, 2);
  const Shape& in = *inputs[0].shape;
  const std::vector<int64_t> repeats = ConstantInts(node, inputs, 1);
  if (repeats.size() != in.size()) {
    throw FrontendError(
        fmt::format("{}: repeats must have {} entries", node.Describe(), in.size()));
  }
  Shape shape(in.size());
  for (size_t d = 0; d < in.size(); ++d) shape[d] = in[d] * repeats[d];
  IndexMap map{inputs[0].type, shape, std::vector<ElementSource>(NumElements(shape)), 0};
  ForEachCoord(shape, [&](const Coord& c, int64_t flat) {
    Coord src(c.size());
    for (size_t d = 0; d < c.size(); ++d) src[d] = c[d] % in[d];
    map.sources[flat] = {0, FlatIndex(src, in)};
  });
  return map;
}

// Split: the operand cut along an axis into consecutive parts, an output each. The parts' sizes
// come from the `split` operand (opset 13 on) or attribute (before), else the parts are equal:
// before opset 18 they must divide the axis; from 18 (num_outputs) the last may be smaller.
std::vector<IndexMap> Split(const Node& node, std::span<const Operand> inputs) {
  node.CheckAttributes({"axis", "split", "num_outputs"});
  CheckOperandCount(node, inputs, 1, 2);
  const Shape& in = *inputs[0].shape;
  const int64_t axis =
      NormalizeAxis(node.Int("axis", 0), static_cast<int64_t>(in.size()), node.Describe());
  const int64_t dim = in[axis];
  const auto n_outputs = static_cast<int64_t>(node.outputs.size());
  std::vector<int64_t> sizes;
  if (inputs.size() > 1 && inputs[1].present()) {
    sizes = ConstantInts(node, inputs, 1);
  } else if (node.Has("split")) {
    sizes = node.Ints("split", {});
  } else {
    if (node.Int("num_outputs", n_outputs) != n_outputs) {
      throw FrontendError(fmt::format("{}: num_outputs is {} but the node has {} outputs",
                                      node.Describe(), node.Int("num_outputs", 0), n_outputs));
    }
    if (node.opset < 18 && dim % n_outputs != 0) {
      throw FrontendError(fmt::format("{}: an axis of {} does not split into {} equal parts",
                                      node.Describe(), dim, n_outputs));
    }
    const int64_t part = (dim + n_outputs - 1) / n_outputs;
    for (int64_t k = 0; k < n_outputs; ++k) {
      sizes.push_back(std::clamp<int64_t>(dim - k * part, 0, part));
    }
  }
  int64_t total = 0;
  for (int64_t size : sizes) {
    if (size < 0) throw FrontendError(fmt::format("{}: a negative part", node.Describe()));
    total += size;
  }
  if (static_cast<int64_t>(sizes.size()) != n_outputs || total != dim) {
    throw FrontendError(fmt::format("{}: {} parts summing to {} for {} outputs along an axis of {}",
                                    node.Describe(), sizes.size(), total, n_outputs, dim));
  }
  std::vector<IndexMap> maps;
  int64_t offset = 0;
  for (int64_t size : sizes) {
    Shape shape = in;
    shape[axis] = size;
    IndexMap map{inputs[0].type, shape, std::vector<ElementSource>(NumElements(shape)), 0};
    ForEachCoord(shape, [&](const Coord& c, int64_t flat) {
      Coord src = c;
      src[axis] += offset;
      map.sources[flat] = {0, FlatIndex(src, in)};
    });
    maps.push_back(std::move(map));
    offset += size;
  }
  return maps;
}

// Every index-map op gives a map per output; the single-output ones through SingleMap.
using MapsFunction = std::vector<IndexMap> (*)(const Node&, std::span<const Operand>);

template <IndexMap (*kMap)(const Node&, std::span<const Operand>)>
std::vector<IndexMap> SingleMap(const Node& node, std::span<const Operand> inputs) {
  return {kMap(node, inputs)};
}

const std::map<std::string, MapsFunction>& MapOps() {
  static const std::map<std::string, MapsFunction> ops = {
      {"Reshape", SingleMap<Reshape>},
      {"Flatten", SingleMap<Flatten>},
      {"Squeeze", SingleMap<Squeeze>},
      {"Unsqueeze", SingleMap<Unsqueeze>},
      {"Transpose", SingleMap<Transpose>},
      {"Concat", SingleMap<Concat>},
      {"Slice", SingleMap<Slice>},
      {"Split", Split},
      {"Gather", SingleMap<Gather>},
      {"GatherElements", SingleMap<GatherElements>},
      {"Pad", SingleMap<Pad>},
      {"Expand", SingleMap<Expand>},
      {"Tile", SingleMap<Tile>},
  };
  return ops;
}

std::vector<OutputInfo> InferIndexMaps(const Node& node, std::span<const Operand> inputs) {
  // Gather by computed indices (token ids): no map, a lowering of its own in the quantizer.
  if (node.op_type == "Gather" && inputs.size() == 2 && !inputs[1].constant) {
    if (inputs[1].type == DataType::kFloat) {
      throw FrontendError(fmt::format("{}: the indices are float", node.Describe()));
    }
    return {{inputs[0].type, GatherShape(node, inputs)}};
  }
  std::vector<OutputInfo> outputs;
  for (const IndexMap& map : ComputeIndexMaps(node, inputs)) {
    outputs.push_back({map.type, map.shape});
  }
  return outputs;
}

std::vector<Tensor> EvaluateIndexMaps(const Node& node, std::span<const Tensor* const> inputs) {
  const std::vector<Operand> operands = OperandsOf(inputs);
  std::vector<Tensor> outputs;
  for (const IndexMap& map : ComputeIndexMaps(node, operands)) {
    Tensor out = Tensor::Zeros(map.type, map.shape);
    for (size_t i = 0; i < map.sources.size(); ++i) {
      const ElementSource& s = map.sources[i];
      const bool fill = s.operand == ElementSource::kFill;
      if (out.is_float()) {
        out.values[i] = fill ? map.fill : inputs[s.operand]->values[s.index];
      } else {
        out.ints[i] = fill ? static_cast<int64_t>(map.fill) : inputs[s.operand]->ints[s.index];
      }
    }
    outputs.push_back(std::move(out));
  }
  return outputs;
}

}  // namespace

bool IsIndexMapOp(const std::string& op_type) { return MapOps().count(op_type) != 0; }

IndexMap WhereMap(const Node& node, std::span<const Operand> inputs) {
  CheckOperandCount(node, inputs, 3, 3);
  if (!inputs[0].constant) {
    throw FrontendError(fmt::format("{}: the condition must be a constant", node.Describe()));
  }
  const Shape shape =
      BroadcastShapes(BroadcastShapes(*inputs[0].shape, *inputs[1].shape, node.Describe()),
                      *inputs[2].shape, node.Describe());
  const std::vector<int64_t> ic = BroadcastIndices(*inputs[0].shape, shape);
  const std::vector<int64_t> ix = BroadcastIndices(*inputs[1].shape, shape);
  const std::vector<int64_t> iy = BroadcastIndices(*inputs[2].shape, shape);
  IndexMap map{inputs[1].type, shape, {}, 0};
  for (size_t i = 0; i < ic.size(); ++i) {
    map.sources.push_back(inputs[0].constant->ints[ic[i]] ? ElementSource{1, ix[i]}
                                                          : ElementSource{2, iy[i]});
  }
  return map;
}

std::vector<IndexMap> ComputeIndexMaps(const Node& node, std::span<const Operand> inputs) {
  return MapOps().at(node.op_type)(node, inputs);
}

void RegisterIndexMapOps() {
  for (const auto& [type, f] : MapOps()) RegisterOp(type, {InferIndexMaps, EvaluateIndexMaps});
}

}  // namespace tensorstark::frontend
