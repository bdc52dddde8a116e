// Operators on shapes: Shape, Size and ConstantOfShape. Their outputs depend only on shapes, so
// they always fold to constants.
#include <fmt/format.h>

#include <algorithm>

#include "frontend/frontend_error.h"
#include "frontend/ops.h"

namespace tensorstark::frontend {
namespace {

// Shape's [start, end) slice of the dimensions (opset 15).
std::pair<int64_t, int64_t> ShapeRange(const Node& node, int64_t rank) {
  auto clamp = [rank](int64_t v) { return std::clamp<int64_t>(v < 0 ? v + rank : v, 0, rank); };
  return {clamp(node.Int("start", 0)), clamp(node.Int("end", rank))};
}

std::vector<OutputInfo> InferShape(const Node& node, std::span<const Operand> inputs) {
  node.CheckAttributes({"start", "end"});
  CheckOperandCount(node, inputs, 1, 1);
  const auto [start, end] = ShapeRange(node, static_cast<int64_t>(inputs[0].shape->size()));
  return {{DataType::kInt64, {std::max<int64_t>(0, end - start)}}};
}

std::vector<Tensor> EvaluateShape(const Node& node, std::span<const Tensor* const> inputs) {
  const Shape& shape = inputs[0]->shape;
  const auto [start, end] = ShapeRange(node, inputs[0]->rank());
  return {
      Tensor::Int64s(start < end ? Shape(shape.begin() + start, shape.begin() + end) : Shape{})};
}

std::vector<OutputInfo> InferSize(const Node& node, std::span<const Operand> inputs) {
  node.CheckAttributes({});
  CheckOperandCount(node, inputs, 1, 1);
  return {{DataType::kInt64, {}}};
}

std::vector<Tensor> EvaluateSize(const Node&, std::span<const Tensor* const> inputs) {
  return {Tensor{DataType::kInt64, {}, {}, {NumElements(inputs[0]->shape)}}};
}

std::vector<OutputInfo> InferConstantOfShape(const Node& node, std::span<const Operand> inputs) {
  node.CheckAttributes({"value"});
  CheckOperandCount(node, inputs, 1, 1);
  const DataType type = node.Has("value") ? node.TensorAttribute("value").type : DataType::kFloat;
  const Shape shape = ConstantInts(node, inputs, 0);
  if (std::any_of(shape.begin(), shape.end(), [](int64_t d) { return d < 0; })) {
    throw FrontendError(fmt::format("{}: shape {} has a negative dimension", node.Describe(),
                                    ShapeToString(shape)));
  }
  return {{type, shape}};
}

std::vector<Tensor> EvaluateConstantOfShape(const Node& node,
                                            std::span<const Tensor* const> inputs) {
  const Tensor value = node.Has("value") ? node.TensorAttribute("value") : Tensor::Scalar(0);
  if (value.size() != 1) {
    throw FrontendError(fmt::format("{}: value must have one element", node.Describe()));
  }
  Tensor out = Tensor::Zeros(value.type, inputs[0]->ints);
  if (value.is_float()) {
    std::fill(out.values.begin(), out.values.end(), value.values[0]);
  } else {
    std::fill(out.ints.begin(), out.ints.end(), value.ints[0]);
  }
  return {out};
}

}  // namespace

void RegisterShapeOps() {
  RegisterOp("Shape", {.infer = InferShape, .evaluate = EvaluateShape, .shape_only = true});
  RegisterOp("Size", {.infer = InferSize, .evaluate = EvaluateSize, .shape_only = true});
  RegisterOp("ConstantOfShape", {InferConstantOfShape, EvaluateConstantOfShape});
}

}  // namespace tensorstark::frontend
