#include "frontend/linear_scale.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <optional>

#include "air/model_relations.h"
#include "frontend/frontend_error.h"
#include "frontend/quantized_model.h"

namespace tensorstark::frontend {
namespace {

// The lowest weight bits (sign included) a scale chosen from the weights may come down to.
constexpr int kMinWeightBits = 4;

// The layer's integers at weight scale 2^-fw, or why that scale fails the checks.
struct Attempt {
  LinearIntegers integers;
  std::string failure;  // empty when the checks pass
};

Attempt AtScale(const LinearLayerValues& layer, int fw) {
  Attempt attempt;
  LinearIntegers& q = attempt.integers;
  const int acc_frac = layer.x_frac_bits + fw;
  q.out_frac_bits = std::min(layer.out_frac_bits, acc_frac);
  q.shift = acc_frac - q.out_frac_bits;
  if (q.shift > air::kMaxRescaleShift) {
    attempt.failure = fmt::format("need a rescale by 2^{}, more than the 2^{} a proof can have",
                                  q.shift, air::kMaxRescaleShift);
    return attempt;
  }
  // The bound is taken in doubles, exact here, before any value is rounded to an integer that
  // might not fit.
  const auto rounded = [](double v, int frac) { return std::round(std::ldexp(v, frac)); };
  const auto offset = static_cast<double>(RoundingOffset(q.shift));
  double max_column = 0, max_bias = layer.bias.empty() ? offset : 0;
  for (int64_t c = 0; c < layer.cols; ++c) {
    double column = 0;
    for (int64_t k = 0; k < layer.depth; ++k) {
      column += std::fabs(rounded(layer.weights[k * layer.cols + c], fw));
    }
    max_column = std::max(max_column, column);
  }
  for (double b : layer.bias) {
    max_bias = std::max(max_bias, std::fabs(rounded(b, acc_frac) + offset));
  }
  if (max_column * std::ldexp(1.0, layer.x_bound_bits) + max_bias >=
      std::ldexp(1.0, air::kAccumulatorBits)) {
    attempt.failure = fmt::format("could overflow the field in the accumulator (input bound 2^{})",
                                  layer.x_bound_bits);
    return attempt;
  }
  for (double w : layer.weights) q.weights.push_back(RoundToInt(std::ldexp(w, fw)));
  q.bias.assign(layer.outputs, RoundingOffset(q.shift));
  for (size_t i = 0; i < layer.bias.size(); ++i) {
    q.bias[i] += RoundToInt(std::ldexp(layer.bias[i], acc_frac));
  }
  return attempt;
}

}  // namespace

LinearIntegers QuantizeLinearLayer(const LinearLayerValues& layer, const QuantizeOptions& options,
                                   const std::string& what) {
  for (const std::vector<double>* values : {&layer.weights, &layer.bias}) {
    if (!std::ranges::all_of(*values, [](double v) { return std::isfinite(v); })) {
      throw FrontendError(fmt::format("{}: a weight or bias is not a finite number", what));
    }
  }
  if (const std::optional<int> fixed = options.weight_frac_bits) {
    Attempt attempt = AtScale(layer, *fixed);
    if (attempt.failure.empty()) return std::move(attempt.integers);
    std::string remedy = "no --weight-frac-bits of 0 or more passes";
    for (int fw = *fixed - 1; fw >= 0; --fw) {
      if (AtScale(layer, fw).failure.empty()) {
        remedy = fmt::format("--weight-frac-bits {} passes", fw);
        break;
      }
    }
    throw FrontendError(fmt::format(
        "{}: weights at scale 2^-{} {}; {}, or --weight-frac-bits auto chooses each layer's "
        "scale from its largest weight (which the verifying model then reveals)",
        what, *fixed, attempt.failure, remedy));
  }
  double max_w = 0;
  for (double w : layer.weights) max_w = std::max(max_w, std::fabs(w));
  const int fw = options.weight_bits - 1 - CeilLog2(max_w);
  std::string failure;
  for (int fewer = 0; options.weight_bits - fewer >= kMinWeightBits; ++fewer) {
    Attempt attempt = AtScale(layer, fw - fewer);
    if (attempt.failure.empty()) return std::move(attempt.integers);
    failure = std::move(attempt.failure);
  }
  throw FrontendError(
      fmt::format("{}: the weights at {} bits {}", what, kMinWeightBits, failure));
}

}  // namespace tensorstark::frontend
