#include "frontend/accuracy.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "frontend/frontend_error.h"
#include "frontend/quantized_eval.h"

namespace tensorstark::frontend {
namespace {

// The bits of resolution an output keeps over its typical range, at least.
constexpr int kMinOutputBits = 8;
// How far beyond the inputs' typical magnitude a calibration value counts as an outlier.
constexpr double kOutlierFactor = 16;

double MaxAbs(const std::vector<double>& values) {
  double max = 0;
  for (double v : values) max = std::max(max, std::fabs(v));
  return max;
}

double Median(std::vector<double> values) {
  if (values.empty()) return 0;
  const auto middle = values.begin() + static_cast<std::ptrdiff_t>(values.size() / 2);
  std::nth_element(values.begin(), middle, values.end());
  return *middle;
}

int64_t ArgMax(const std::vector<double>& values) {
  return std::max_element(values.begin(), values.end()) - values.begin();
}

// The input element furthest beyond its input's typical magnitude (by the ratio to it), in one
// line, or "".
std::string FindOutlier(const QuantizedModel& model, std::span<const std::vector<Tensor>> samples) {
  std::string outlier;
  double worst_ratio = kOutlierFactor;
  for (size_t i = 0; i < model.inputs.size(); ++i) {
    std::vector<double> sample_max;
    for (const std::vector<Tensor>& sample : samples) sample_max.push_back(MaxAbs(sample[i].values));
    const double typical = Median(sample_max);
    const auto worst = std::max_element(sample_max.begin(), sample_max.end()) - sample_max.begin();
    if (!(sample_max[worst] > worst_ratio * typical)) continue;
    worst_ratio = sample_max[worst] / typical;
    const std::vector<double>& values = samples[worst][i].values;
    const auto element = std::max_element(values.begin(), values.end(), [](double a, double b) {
                           return std::fabs(a) < std::fabs(b);
                         }) - values.begin();
    outlier = fmt::format(
        "calibration sample {} has input '{}' element {} = {:.4g}, where the samples' largest "
        "|value| is typically {:.4g}",
        worst, model.tensor(model.inputs[i]).name, element, values[element], typical);
  }
  return outlier;
}

}  // namespace

double MaxAbsDifference(std::span<const double> a, std::span<const double> b) {
  double max = 0;
  for (size_t i = 0; i < a.size(); ++i) max = std::max(max, std::fabs(a[i] - b[i]));
  return max;
}

bool OutputAccuracy::LosesPrecision() const {
  return !integer && typical_range > 0 &&
         std::ldexp(1.0, -frac_bits) > std::ldexp(typical_range, -kMinOutputBits);
}

bool OutputAccuracy::Inaccurate() const {
  return !integer && typical_range > 0 && max_abs_error > kMaxErrorShare * typical_range;
}

AccuracyReport MeasureAccuracy(const QuantizedModel& model,
                               std::span<const std::vector<Tensor>> samples,
                               std::span<const std::vector<Tensor>> float_outputs) {
  AccuracyReport report;
  report.samples = samples.size();
  const size_t n_outputs = model.outputs.size();
  std::vector<std::vector<double>> sample_max(n_outputs);
  report.outputs.resize(n_outputs);
  for (size_t o = 0; o < n_outputs; ++o) {
    const QTensor& out = model.tensor(model.outputs[o]);
    report.outputs[o].name = out.name;
    report.outputs[o].frac_bits = out.frac_bits;
    report.outputs[o].integer = out.type != DataType::kFloat;
    const int64_t last = out.shape.empty() ? 1 : out.shape.back();
    if (last >= 2 && last == out.size()) report.outputs[o].argmax_agreement = 0;
    if (report.outputs[o].integer) report.outputs[o].equal_samples = 0;
  }
  for (size_t s = 0; s < samples.size(); ++s) {
    const std::vector<Tensor>& want = float_outputs[s];
    std::vector<Tensor> got;
    try {
      got = RunQuantized(model, samples[s]).outputs;
    } catch (const FrontendError& e) {
      throw FrontendError(fmt::format("calibration sample {}: {}", s, e.what()));
    }
    for (size_t o = 0; o < n_outputs; ++o) {
      OutputAccuracy& output = report.outputs[o];
      const std::vector<double> w = want[o].AsDoubles(), g = got[o].AsDoubles();
      output.max_abs_error = std::max(output.max_abs_error, MaxAbsDifference(w, g));
      sample_max[o].push_back(MaxAbs(w));
      if (output.argmax_agreement >= 0) output.argmax_agreement += ArgMax(w) == ArgMax(g);
      if (output.equal_samples >= 0) output.equal_samples += w == g;
    }
  }
  for (size_t o = 0; o < n_outputs; ++o) report.outputs[o].typical_range = Median(sample_max[o]);
  report.outlier = FindOutlier(model, samples);
  return report;
}

std::vector<std::string> AccuracyReport::Lines() const {
  std::vector<std::string> lines;
  for (const OutputAccuracy& output : outputs) {
    std::string line = fmt::format(
        "output '{}': largest |error| {:.3g} ({:.3g}% of its typical range {:.3g}), scale 2^{}",
        output.name, output.max_abs_error,
        output.typical_range > 0 ? 100 * output.max_abs_error / output.typical_range : 0.0,
        output.typical_range, -output.frac_bits);
    if (output.argmax_agreement >= 0) {
      line += fmt::format(", argmax as float's in {} of {} samples", output.argmax_agreement,
                          samples);
    }
    if (output.equal_samples >= 0) {
      line += fmt::format(", equal to float's in {} of {} samples", output.equal_samples, samples);
    }
    lines.push_back(std::move(line));
  }
  lines.insert(lines.end(), notes.begin(), notes.end());
  return lines;
}

std::optional<std::string> AccuracyReport::PrecisionProblem() const {
  for (const OutputAccuracy& output : outputs) {
    if (!output.LosesPrecision()) continue;
    return fmt::format(
        "output '{}' would lose its precision: its scale 2^{} is coarser than its typical range "
        "{:.3g} / 2^{}. {}; fix the calibration set, or pass --force to compile anyway",
        output.name, -output.frac_bits, output.typical_range, kMinOutputBits,
        outlier.empty() ? std::string("The scales of the values it is computed from are too coarse "
                                      "(--activation-bits?)")
                        : "Likely cause: " + outlier);
  }
  for (const OutputAccuracy& output : outputs) {
    if (!output.Inaccurate()) continue;
    return fmt::format(
        "output '{}' would lose its precision: on the calibration set it is up to {:.3g} from "
        "float inference, {:.3g}% of its typical range {:.3g} (more than {:.0f}%). A value it is "
        "computed from has a scale too coarse for the differences that matter (inputs far from "
        "zero, --activation-bits?); fix the calibration set, or pass --force to compile anyway",
        output.name, output.max_abs_error, 100 * output.max_abs_error / output.typical_range,
        output.typical_range, 100 * kMaxErrorShare);
  }
  return std::nullopt;
}

}  // namespace tensorstark::frontend
