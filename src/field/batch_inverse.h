// Batch inversion with Montgomery's trick: n inverses for one inversion and 3(n-1)
// multiplications. Works for any field type with operator* and Inverse().
#pragma once

#include <cassert>
#include <span>
#include <vector>

namespace tensorstark::field {

// out[i] = 1 / in[i]. Every input must be non-zero.
template <typename F>
void BatchInverse(std::span<const F> in, std::span<F> out) {
  assert(in.size() == out.size());
  if (in.empty()) return;
  // out[i] holds the prefix product in[0]·…·in[i-1] until the backward pass replaces it.
  F acc = F::One();
  for (size_t i = 0; i < in.size(); ++i) {
    out[i] = acc;
    acc *= in[i];
  }
  F inv = acc.Inverse();
  for (size_t i = in.size(); i-- > 0;) {
    out[i] *= inv;
    inv *= in[i];
  }
}

template <typename F>
std::vector<F> BatchInverse(std::span<const F> in) {
  std::vector<F> out(in.size());
  BatchInverse<F>(in, out);
  return out;
}

}  // namespace tensorstark::field
