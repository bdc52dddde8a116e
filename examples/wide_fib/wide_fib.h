// Wide Fibonacci, the benchmark AIR of Stwo's examples: N columns c_0 … c_{N-1} per row with
// c_0 = a (public input 0) and c_{i+2} = c_i² + c_{i+1}², every row independent. It has one
// degree-1 and N - 2 degree-2 constraints, no preprocessed columns and no LogUp, so it measures
// the prover's raw column and constraint throughput.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "air/framework.h"
#include "field/m31.h"

namespace tensorstark::examples {

using field::M31;

class WideFib {
 public:
  // n_columns ≥ 2.
  WideFib(uint32_t log_size, uint32_t n_columns);

  std::string name() const { return "wide_fib"; }
  uint32_t log_size() const { return log_size_; }
  uint32_t n_columns() const { return n_columns_; }

  template <class E>
  void Evaluate(E& eval) const {
    using F = typename E::F;
    F a = eval.NextTraceMask();
    F b = eval.NextTraceMask();
    eval.AddConstraint(a - eval.PublicInput(0));
    for (uint32_t i = 2; i < n_columns_; ++i) {
      F c = eval.NextTraceMask();
      eval.AddConstraint(c - (a * a + b * b));
      a = b;
      b = c;
    }
  }

 private:
  uint32_t log_size_;
  uint32_t n_columns_;
};

struct WideFibInstance {
  air::FrameworkComponent<WideFib> component;
  std::vector<std::vector<M31>> trace;  // n_columns columns in storage order
  std::vector<M31> public_inputs;       // {a}
};

// The component and its trace: the row at storage position j starts (c_0, c_1) = (a, j), like
// Stwo's example. Generated 16 rows at a time, in parallel.
WideFibInstance MakeWideFib(uint32_t log_size, uint32_t n_columns, M31 a = M31::One());

}  // namespace tensorstark::examples
