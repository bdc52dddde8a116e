#include "frontend/quantized_eval.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "air/model_relations.h"
#include "frontend/frontend_error.h"

namespace tensorstark::frontend {
namespace {

// floor(v / 2^shift), rounding to nearest when `round` (the offset a LinearOp keeps in its bias).
int64_t ShiftRight(int64_t v, int shift, bool round) {
  if (round) v += RoundingOffset(shift);
  return v >> shift;  // arithmetic: a floor for negative v too
}

class Interpreter {
 public:
  explicit Interpreter(const QuantizedModel& model) : model_(model) {
    run_.values.resize(model.tensors.size());
    for (size_t t = 0; t < model.tensors.size(); ++t) {
      if (model.tensors[t].kind == QTensor::Kind::kConstant) {
        run_.values[t] = model.tensors[t].values;
      } else {
        run_.values[t].resize(model.tensors[t].size());
      }
    }
  }

  QuantizedRun Run(std::span<const Tensor> inputs) {
    if (inputs.size() != model_.inputs.size()) {
      throw FrontendError(
          fmt::format("the model takes {} inputs, {} given", model_.inputs.size(), inputs.size()));
    }
    for (size_t i = 0; i < inputs.size(); ++i) SetInput(model_.inputs[i], inputs[i]);
    for (const QOp& op : model_.ops) std::visit([this](const auto& o) { Apply(o); }, op);
    for (TensorId id : model_.outputs) {
      run_.outputs.push_back(model_.tensor(id).Dequantize(run_.values[id]));
    }
    return std::move(run_);
  }

 private:
  void SetInput(TensorId id, const Tensor& input) {
    const QTensor& t = model_.tensor(id);
    if (input.shape != t.shape) {
      throw FrontendError(fmt::format("input '{}' has shape {}, the model expects {}", t.name,
                                      ShapeToString(input.shape), ShapeToString(t.shape)));
    }
    if (input.is_float() != (t.type == DataType::kFloat)) {
      throw FrontendError(fmt::format("input '{}' holds {} values, the model expects {}", t.name,
                                      ToString(input.type), ToString(t.type)));
    }
    const double limit = std::ldexp(1.0, t.bound_bits - t.frac_bits);
    const std::vector<double> values = input.AsDoubles();
    for (int64_t i = 0; i < t.size(); ++i) {
      const double x = values[i];
      const double q = std::round(std::ldexp(x, t.frac_bits));
      if (!(q >= -std::ldexp(1.0, t.bound_bits) && q < std::ldexp(1.0, t.bound_bits))) {
        throw FrontendError(fmt::format(
            "input '{}' element {} is {}, outside the range [-{}, {}) the model was compiled "
            "for (calibrate with data that covers it)",
            t.name, i, x, limit, limit));
      }
      run_.values[id][i] = static_cast<int64_t>(q);
    }
  }

  int64_t Read(const ElementRef& ref) const {
    return ref.tensor == ElementRef::kLiteral ? ref.index : run_.values[ref.tensor][ref.index];
  }

  // Every computed value must lie where the AIR proves it: [-2^15, 2^15). (A tensor's own
  // bound_bits may be tighter, as a consequence of how it is computed, never looser.)
  void Write(TensorId id, int64_t index, int64_t q) {
    const QTensor& t = model_.tensor(id);
    const int64_t bound = int64_t{1} << air::kValueBoundBits;
    if (q < -bound || q >= bound) {
      const double limit = std::ldexp(1.0, static_cast<int>(air::kValueBoundBits) - t.frac_bits);
      throw FrontendError(fmt::format(
          "{} element {} is {}, outside the range [-{}, {}) it was calibrated for (the input is "
          "far from the calibration set)",
          DescribeTensor(model_, id), index, std::ldexp(static_cast<double>(q), -t.frac_bits),
          limit, limit));
    }
    run_.values[id][index] = q;
  }

  // The AIR proves a clamp by range-checking the distance it moved the value: at most 2^16.
  int64_t Clamped(const Clamp& clamp, int64_t q, TensorId out, int64_t index) const {
    constexpr int64_t kReach = int64_t{1} << air::kRangeCheckBits;
    if ((clamp.lo && *clamp.lo - q >= kReach) || (clamp.hi && q - *clamp.hi >= kReach)) {
      const QTensor& t = model_.tensor(out);
      throw FrontendError(fmt::format(
          "the value before the activation of {} element {} is {}, too far outside the range "
          "it was calibrated for (the input is far from the calibration set)",
          DescribeTensor(model_, out), index, std::ldexp(static_cast<double>(q), -t.frac_bits)));
    }
    return clamp.Apply(q);
  }

  void Apply(const LinearOp& op) {
    const int64_t group_cols = op.cols / op.groups;
    for (int64_t r = 0; r < op.rows; ++r) {
      for (int64_t c = 0; c < op.cols; ++c) {
        const ElementRef* x = &op.x[(r * op.groups + c / group_cols) * op.depth];
        int64_t acc = op.bias[r * op.cols + c];
        for (int64_t k = 0; k < op.depth; ++k) acc += Read(x[k]) * op.weights[k * op.cols + c];
        const int64_t index = op.out_index[r * op.cols + c];
        Write(op.out, index, Clamped(op.clamp, ShiftRight(acc, op.shift, false), op.out, index));
      }
    }
  }

  void Apply(const DotOp& op) {
    for (size_t i = 0; i < op.bias.size(); ++i) {
      int64_t acc = op.bias[i];
      for (int64_t k = 0; k < op.depth; ++k) {
        acc += Read(op.a[i * op.depth + k]) * Read(op.b[i * op.depth + k]);
      }
      const auto index = static_cast<int64_t>(i);
      Write(op.out, index, Clamped(op.clamp, ShiftRight(acc, op.shift, false), op.out, index));
    }
  }

  void Apply(const ElementwiseOp& op) {
    for (size_t i = 0; i < op.a.size(); ++i) {
      const int64_t a = Read(op.a[i]) * (int64_t{1} << op.a_left);
      const int64_t b = Read(op.b[i]) * (int64_t{1} << op.b_left);
      const int64_t v = op.kind == ElementwiseOp::Kind::kAdd   ? a + b
                        : op.kind == ElementwiseOp::Kind::kSub ? a - b
                                                               : a * b;
      const auto index = static_cast<int64_t>(i);
      Write(op.out, index, Clamped(op.clamp, ShiftRight(v, op.shift, true), op.out, index));
    }
  }

  void Apply(const LookupOp& op) {
    for (size_t i = 0; i < op.in.size(); ++i) {
      const int64_t x = Read(op.in[i]);
      const int64_t position = x - op.table_lo;
      if (position < 0 || position >= static_cast<int64_t>(op.table.size())) {
        throw FrontendError(fmt::format(
            "the {} input for {} element {} is {}, outside its table (the input is far from "
            "the calibration set)",
            op.function, DescribeTensor(model_, op.out), i, x));
      }
      Write(op.out, static_cast<int64_t>(i), op.table[position]);
    }
  }

  void Apply(const ReduceOp& op) {
    const int64_t outputs = static_cast<int64_t>(op.in.size()) / op.window;
    for (int64_t o = 0; o < outputs; ++o) {
      const ElementRef* in = &op.in[o * op.window];
      int64_t result = 0;
      if (op.kind == ReduceOp::Kind::kSum) {
        for (int64_t w = 0; w < op.window; ++w) result += Read(in[w]);
        result = ShiftRight(result * op.multiplier[o], op.shift, true);
      } else {
        std::vector<int64_t> window;
        for (int64_t w = 0; w < op.window; ++w) window.push_back(Read(in[w]));
        const size_t best = MaxPosition(window, op.select_last);
        result = op.kind == ReduceOp::Kind::kMax ? window[best] : static_cast<int64_t>(best);
      }
      Write(op.out, o, result);
    }
  }

  const QuantizedModel& model_;
  QuantizedRun run_;
};

}  // namespace

size_t MaxPosition(std::span<const int64_t> window, bool select_last) {
  size_t best = 0;
  for (size_t w = 1; w < window.size(); ++w) {
    if (window[w] > window[best] || (select_last && window[w] == window[best])) best = w;
  }
  return best;
}

QuantizedRun RunQuantized(const QuantizedModel& model, std::span<const Tensor> inputs) {
  return Interpreter(model).Run(inputs);
}

std::vector<std::string> CoarseInputWarnings(const QuantizedModel& model, const QuantizedRun& run) {
  std::vector<std::string> warnings;
  for (TensorId id : model.inputs) {
    const QTensor& t = model.tensor(id);
    int64_t max_q = 0;
    for (int64_t q : run.values[id]) max_q = std::max(max_q, std::abs(q));
    if (max_q == 0 || max_q >= int64_t{1} << kMinInputBits) continue;
    warnings.push_back(fmt::format(
        "warning: input '{}' has at most {} significant bits at its scale 2^-{} (largest |value| "
        "{:.4g}): the calibration set's values were far larger, so the outputs may be imprecise; "
        "compile with calibration data like this input",
        t.name, CeilLog2(max_q + 1.0), t.frac_bits,
        std::ldexp(static_cast<double>(max_q), -t.frac_bits)));
  }
  return warnings;
}

}  // namespace tensorstark::frontend
