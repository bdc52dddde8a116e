// Tensors of the frontend's graph IR: a shape, an element type and the values. Float values are
// kept as doubles (each one a float32, as ONNX computes); int64 and bool values as int64_t,
// exactly: torch exports open slice bounds as INT64_MAX, which no double holds.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace tensorstark::frontend {

using Shape = std::vector<int64_t>;

// Integers up to this magnitude are exact as doubles.
inline constexpr int64_t kExactIntegerDoubles = int64_t{1} << 53;

enum class DataType : uint8_t { kFloat, kInt64, kBool };

std::string ToString(DataType type);
std::string ShapeToString(const Shape& shape);  // "[1, 784]"

// Of a shape known to be valid (CheckedProduct for one read from a file).
int64_t NumElements(const Shape& shape);
// The product of non-negative factors, or nothing if one is negative or it exceeds `limit`
// (computed without overflow).
std::optional<int64_t> CheckedProduct(std::span<const int64_t> factors, int64_t limit);
// Row-major strides, in elements.
std::vector<int64_t> Strides(const Shape& shape);

// Row-major values, NumElements(shape) of them, in `values` for kFloat and in `ints` for kInt64
// and kBool (0 or 1); the other vector is empty.
struct Tensor {
  DataType type = DataType::kFloat;
  Shape shape;
  std::vector<double> values;
  std::vector<int64_t> ints = {};  // may be left out when initializing a float tensor

  static Tensor Zeros(DataType type, Shape shape);
  static Tensor Scalar(double value) { return {DataType::kFloat, {}, {value}, {}}; }
  // A 1-D int64 tensor, the form of ONNX's shape and axes operands.
  static Tensor Int64s(const std::vector<int64_t>& values);

  bool is_float() const { return type == DataType::kFloat; }
  int64_t size() const { return static_cast<int64_t>(is_float() ? values.size() : ints.size()); }
  int64_t rank() const { return static_cast<int64_t>(shape.size()); }
  // The values as doubles whatever the type, for reports and comparisons with float references
  // (an integer above 2^53 is rounded).
  std::vector<double> AsDoubles() const;
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
