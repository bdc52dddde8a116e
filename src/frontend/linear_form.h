// MatMul (with a constant right operand), Gemm and Conv as one contraction, the form the quantizer
// and the fused linear component work with:
//
//   out[out_index[r·cols + c]] = alpha · Σ_k x[x_index[(r·groups + c / (cols / groups))·depth + k]]
//                                          · w[w_index[k·cols + c]]
//                                + beta · bias[bias_index[r·cols + c]]
//
// A convolution's rows are its output positions, its depth a channel group's kernel window, its
// columns the output channels; an x_index of -1 reads zero (padding).
#pragma once

#include <cstdint>
#include <vector>

#include "frontend/graph.h"
#include "frontend/tensor.h"

namespace tensorstark::frontend {

struct LinearForm {
  int64_t rows = 0, depth = 0, cols = 0, groups = 1;
  std::vector<int64_t> x_index;     // rows × groups × depth
  std::vector<int64_t> w_index;     // depth × cols
  std::vector<int64_t> out_index;   // rows × cols
  std::vector<int64_t> bias_index;  // rows × cols, empty without a bias
  double alpha = 1, beta = 1;

  int64_t group_cols() const { return cols / groups; }
  int64_t XIndex(int64_t row, int64_t col, int64_t k) const {
    return x_index[(row * groups + col / group_cols()) * depth + k];
  }
};

// The form of a MatMul, Gemm or Conv node whose operand 1 (the weights) is constant, given the
// shapes of operand 0, operand 1 and the bias (null when absent). Throws FrontendError naming the
// node for a MatMul whose constant operand has batch dimensions.
LinearForm LinearFormOf(const Node& node, const Shape& x, const Shape& w, const Shape* bias);

// A MatMul or Gemm whose operands are both computed, as one dot product per output element (in
// row-major output order): out[i] = alpha · Σ_k a[a_index[i·depth + k]] · b[b_index[i·depth + k]]
// + beta · bias[bias_index[i]].
struct DotForm {
  int64_t depth = 0;
  std::vector<int64_t> a_index, b_index;
  std::vector<int64_t> bias_index;  // empty without a bias
  double alpha = 1, beta = 1;
};

DotForm DotFormOf(const Node& node, const Shape& a, const Shape& b, const Shape* bias);

}  // namespace tensorstark::frontend
