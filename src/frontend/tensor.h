// Tensors of the frontend's graph IR: a shape, an element type and the values. Values are kept as
// doubles whatever the ONNX type, which holds every float32 and every integer below 2^53 exactly;
// the type still matters for the semantics (integer division, casts, comparisons' outputs).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace tensorstark::frontend {

using Shape = std::vector<int64_t>;

enum class DataType : uint8_t { kFloat, kInt64, kBool };

std::string ToString(DataType type);
std::string ShapeToString(const Shape& shape);  // "[1, 784]"

int64_t NumElements(const Shape& shape);
// Row-major strides, in elements.
std::vector<int64_t> Strides(const Shape& shape);

struct Tensor {
  DataType type = DataType::kFloat;
  Shape shape;
  std::vector<double> values;  // row-major, NumElements(shape) of them

  static Tensor Zeros(DataType type, Shape shape);
  static Tensor Scalar(DataType type, double value) { return {type, {}, {value}}; }
  // A 1-D int64 tensor, the form of ONNX's shape and axes operands.
  static Tensor Int64s(const std::vector<int64_t>& values);

  int64_t size() const { return static_cast<int64_t>(values.size()); }
  int64_t rank() const { return static_cast<int64_t>(shape.size()); }
  std::vector<int64_t> AsInt64s() const;
};

// The broadcast shape of two shapes under ONNX's multidirectional (numpy) rules; throws
// FrontendError naming `what` if they do not broadcast.
Shape BroadcastShapes(const Shape& a, const Shape& b, const std::string& what);

// For each element of `out_shape`, the flat index of the element of `in_shape` it reads when
// in_shape is broadcast to out_shape.
std::vector<int64_t> BroadcastIndices(const Shape& in_shape, const Shape& out_shape);

// An axis in [-rank, rank) as an index in [0, rank); throws FrontendError naming `what`.
int64_t NormalizeAxis(int64_t axis, int64_t rank, const std::string& what);

}  // namespace tensorstark::frontend
