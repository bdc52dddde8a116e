#include "frontend/split_operators.h"

#include <fmt/format.h>

#include <algorithm>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "frontend/frontend_error.h"

namespace tensorstark::frontend {
namespace {

// [first, end) of each of `parts` near-equal ranges of [0, n), none empty.
std::vector<std::pair<int64_t, int64_t>> Ranges(int64_t n, size_t parts) {
  const auto count = static_cast<int64_t>(std::min<size_t>(parts, static_cast<size_t>(n)));
  std::vector<std::pair<int64_t, int64_t>> ranges;
  for (int64_t k = 0; k < count; ++k) ranges.emplace_back(n * k / count, n * (k + 1) / count);
  return ranges;
}

template <class T>
std::vector<T> Range(const std::vector<T>& v, int64_t first, int64_t end) {
  return std::vector<T>(v.begin() + first, v.begin() + end);
}

// The split in progress: the parts' operators, and where each element of the split tensor went.
struct Split {
  QuantizedModel& model;
  TensorId out;
  std::vector<QOp> parts;
  std::vector<ElementRef> moved;  // per element of the split tensor: its part's tensor and index

  // The tensor of part k, of `size` elements: the split tensor itself for the first.
  TensorId PartTensor(size_t k, int64_t size) {
    QTensor& t = model.tensors[out];
    if (k == 0) {
      moved.assign(t.size(), ElementRef{});
      t.shape = {size};
      return out;
    }
    // Named by the tensor split first and the part's id, unique when a part is split again.
    QTensor part = t;
    part.name =
        fmt::format("{}/part{}", t.name.substr(0, t.name.find("/part")), model.tensors.size());
    part.shape = {size};
    model.tensors.push_back(std::move(part));
    return static_cast<TensorId>(model.tensors.size() - 1);
  }
};

void SplitLinear(const LinearOp& op, size_t parts, Split& split) {
  // By columns when the weights outnumber the inputs: each part holds its columns' weights.
  const bool by_columns = op.groups == 1 && op.cols > 1 && op.cols >= op.rows;
  const int64_t n = by_columns ? op.cols : op.rows;
  const auto ranges = Ranges(n, parts);
  for (size_t k = 0; k < ranges.size(); ++k) {
    const auto [first, end] = ranges[k];
    LinearOp part = op;
    // Fresh vectors, not cleared ones: a part must not keep the whole operator's capacity.
    part.bias = std::vector<int64_t>();
    part.out_index = std::vector<int64_t>();
    if (by_columns) {
      part.cols = end - first;
      part.weights = std::vector<int64_t>();
      for (int64_t d = 0; d < op.depth; ++d) {
        for (int64_t c = first; c < end; ++c) part.weights.push_back(op.weights[d * op.cols + c]);
      }
    } else {
      part.rows = end - first;
      part.x = Range(op.x, first * op.groups * op.depth, end * op.groups * op.depth);
    }
    const int64_t r0 = by_columns ? 0 : first, r1 = by_columns ? op.rows : end;
    const int64_t c0 = by_columns ? first : 0, c1 = by_columns ? end : op.cols;
    part.out = split.PartTensor(k, (r1 - r0) * (c1 - c0));
    for (int64_t r = r0; r < r1; ++r) {
      for (int64_t c = c0; c < c1; ++c) {
        const auto j = static_cast<int64_t>(part.out_index.size());
        part.bias.push_back(op.bias[r * op.cols + c]);
        part.out_index.push_back(j);
        split.moved[op.out_index[r * op.cols + c]] = {part.out, j};
      }
    }
    split.parts.emplace_back(std::move(part));
  }
}

// An operator of one output element per index i, whose operands hold `per_output` elements per
// output: split by outputs.
template <class Op>
void SplitByOutputs(const Op& op, int64_t n_outputs, size_t parts, Split& split) {
  for (const auto& [first, end] : Ranges(n_outputs, parts)) {
    Op part = op;
    part.out = split.PartTensor(split.parts.size(), end - first);
    if constexpr (std::is_same_v<Op, ElementwiseOp>) {
      part.a = Range(op.a, first, end);
      part.b = Range(op.b, first, end);
    } else if constexpr (std::is_same_v<Op, LookupOp>) {
      part.in = Range(op.in, first, end);
    } else if constexpr (std::is_same_v<Op, ReduceOp>) {
      part.in = Range(op.in, first * op.window, end * op.window);
      if (!op.multiplier.empty()) part.multiplier = Range(op.multiplier, first, end);
    } else {
      static_assert(std::is_same_v<Op, DotOp>);
      part.a = Range(op.a, first * op.depth, end * op.depth);
      part.b = Range(op.b, first * op.depth, end * op.depth);
      part.bias = Range(op.bias, first, end);
    }
    for (int64_t i = first; i < end; ++i) split.moved[i] = {part.out, i - first};
    split.parts.emplace_back(std::move(part));
  }
}

}  // namespace

QuantizedModel SplitOperator(QuantizedModel model, size_t op, size_t parts) {
  const TensorId out = OutputOf(model.ops.at(op));
  if (std::find(model.outputs.begin(), model.outputs.end(), out) != model.outputs.end()) {
    throw FrontendError(fmt::format(
        "'{}' is a model output: its operator cannot be split into parts", model.tensor(out).name));
  }
  const int64_t n_outputs = model.tensor(out).size();
  Split split{model, out, {}, {}};
  std::visit(
      [&](const auto& o) {
        using Op = std::decay_t<decltype(o)>;
        if constexpr (std::is_same_v<Op, LinearOp>) {
          SplitLinear(o, parts, split);
        } else {
          SplitByOutputs(o, n_outputs, parts, split);
        }
      },
      std::as_const(model.ops[op]));
  // Every read of the split tensor now reads the part that computes the element.
  for (QOp& other : model.ops) {
    ForEachOperand(other, [&](std::vector<ElementRef>& refs) {
      for (ElementRef& ref : refs) {
        if (ref.tensor == out) ref = split.moved[ref.index];
      }
    });
  }
  model.ops.erase(model.ops.begin() + static_cast<std::ptrdiff_t>(op));
  model.ops.insert(model.ops.begin() + static_cast<std::ptrdiff_t>(op), split.parts.begin(),
                   split.parts.end());
  return model;
}

}  // namespace tensorstark::frontend
