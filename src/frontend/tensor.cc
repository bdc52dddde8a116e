#include "frontend/tensor.h"

#include <fmt/format.h>

#include <algorithm>

#include "frontend/frontend_error.h"

namespace tensorstark::frontend {

std::string ToString(DataType type) {
  switch (type) {
    case DataType::kFloat:
      return "float";
    case DataType::kInt64:
      return "int64";
    case DataType::kBool:
      return "bool";
  }
  return "?";
}

// Written out: fmt::join over int64_t trips a false -Wstringop-overflow in GCC 12 with fmt 9.
std::string ShapeToString(const Shape& shape) {
  std::string text = "[";
  for (size_t i = 0; i < shape.size(); ++i) text += (i ? ", " : "") + std::to_string(shape[i]);
  return text + "]";
}

int64_t NumElements(const Shape& shape) {
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  return n;
}

std::optional<int64_t> CheckedProduct(std::span<const int64_t> factors, int64_t limit) {
  int64_t product = 1;
  for (const int64_t factor : factors) {
    if (factor < 0 || __builtin_mul_overflow(product, factor, &product) || product > limit) {
      return std::nullopt;
    }
  }
  return product;
}

std::vector<int64_t> Strides(const Shape& shape) {
  std::vector<int64_t> strides(shape.size(), 1);
  for (size_t i = shape.size(); i-- > 1;) strides[i - 1] = strides[i] * shape[i];
  return strides;
}

Tensor Tensor::Zeros(DataType type, Shape shape) {
  const int64_t n = NumElements(shape);
  Tensor t{type, std::move(shape), {}, {}};
  if (t.is_float()) {
    t.values.assign(n, 0.0);
  } else {
    t.ints.assign(n, 0);
  }
  return t;
}

Tensor Tensor::Int64s(const std::vector<int64_t>& values) {
  return {DataType::kInt64, {static_cast<int64_t>(values.size())}, {}, values};
}

std::vector<double> Tensor::AsDoubles() const {
  return is_float() ? values : std::vector<double>(ints.begin(), ints.end());
}

Shape BroadcastShapes(const Shape& a, const Shape& b, const std::string& what) {
  Shape out(std::max(a.size(), b.size()));
  for (size_t i = 0; i < out.size(); ++i) {
    const int64_t da = i < out.size() - a.size() ? 1 : a[i - (out.size() - a.size())];
    const int64_t db = i < out.size() - b.size() ? 1 : b[i - (out.size() - b.size())];
    if (da != db && da != 1 && db != 1) {
      throw FrontendError(fmt::format("{}: shapes {} and {} do not broadcast", what,
                                      ShapeToString(a), ShapeToString(b)));
    }
    out[i] = da == 1 ? db : da;
  }
  return out;
}

std::vector<int64_t> BroadcastIndices(const Shape& in_shape, const Shape& out_shape) {
  const size_t rank = out_shape.size(), lead = rank - in_shape.size();
  const std::vector<int64_t> in_strides = Strides(in_shape);
  std::vector<int64_t> indices(NumElements(out_shape));
  std::vector<int64_t> coord(rank, 0);
  for (int64_t& index : indices) {
    int64_t flat = 0;
    for (size_t d = lead; d < rank; ++d) {
      if (in_shape[d - lead] != 1) flat += coord[d] * in_strides[d - lead];
    }
    index = flat;
    for (size_t d = rank; d-- > 0;) {  // next coordinate, row-major
      if (++coord[d] < out_shape[d]) break;
      coord[d] = 0;
    }
  }
  return indices;
}

int64_t NormalizeAxis(int64_t axis, int64_t rank, const std::string& what) {
  if (axis < -rank || axis >= std::max<int64_t>(rank, 1)) {
    throw FrontendError(fmt::format("{}: axis {} is out of range for rank {}", what, axis, rank));
  }
  return axis < 0 ? axis + rank : axis;
}

}  // namespace tensorstark::frontend
