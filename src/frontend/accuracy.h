// What `compile` checks of a quantized model on its calibration set, against float inference of the
// ONNX model: each output's largest error, relative to its typical range, argmax agreement for
// classifier outputs, and whether an output's scale keeps its precision.
//
// An output loses its precision when its scale is coarser than its typical range / 2^8, the
// typical range being the median over the samples of each sample's largest |value| (so that one
// outlier cannot hide the problem by inflating the range it causes). The likely cause is then an
// outlier in the calibration set: the report names the sample and input element furthest beyond
// the inputs' typical magnitude. It also loses it when, on some calibration sample, it is further
// from float than a tenth of that range: a value on the way whose scale its magnitude sets is too
// coarse for the differences that matter (a softmax of logits near 10^4 at a scale of 2^2).
#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "frontend/quantized_model.h"
#include "frontend/tensor.h"

namespace tensorstark::frontend {

struct OutputAccuracy {
  std::string name;
  int frac_bits = 0;            // the output's scale is 2^-frac_bits
  double max_abs_error = 0;     // over every sample and element
  double typical_range = 0;     // median over the samples of the largest |float value|
  int argmax_agreement = -1;    // samples whose argmax is float's; -1 if not a classifier output
  bool integer = false;         // int64 or bool: exact at scale 1
  int equal_samples = -1;       // integer outputs: samples where every element is float's

  // Its scale is coarser than typical_range / 2^8 (an output zero on every sample, or an integer
  // one, has no precision to lose).
  bool LosesPrecision() const;
  // A float output further from float than kMaxErrorShare of its typical range.
  bool Inaccurate() const;
};

inline constexpr double kMaxErrorShare = 0.1;

struct AccuracyReport {
  size_t samples = 0;
  std::vector<OutputAccuracy> outputs;
  // The input element furthest beyond the inputs' typical magnitude, described in one line
  // ("sample 3, input 'x' element 17 is 1e+30, ..."); empty if none stands out.
  std::string outlier;
  // What the quantizer noted that refuses nothing (Quantize's `notes`), one line each.
  std::vector<std::string> notes;

  // One line per output, then the notes, for compile's report.
  std::vector<std::string> Lines() const;
  // The one-line refusal when an output loses its precision (LosesPrecision or Inaccurate),
  // naming it and the likely cause.
  std::optional<std::string> PrecisionProblem() const;
};

// The largest |a[i] - b[i]|.
double MaxAbsDifference(std::span<const double> a, std::span<const double> b);

// Runs the quantized model on every sample and compares its outputs with float inference's
// (float_outputs[s], Calibration::outputs). A sample the quantized model cannot run (a value
// outside its range) is a FrontendError naming the sample.
AccuracyReport MeasureAccuracy(const QuantizedModel& model,
                               std::span<const std::vector<Tensor>> samples,
                               std::span<const std::vector<Tensor>> float_outputs);

}  // namespace tensorstark::frontend
