// Compiling a model, as a function of values in memory: the `compile` command and the Python
// module are its front ends. An ONNX model and its calibration samples become a compiled model
// whose quantization keeps every output's precision (or is refused), which every production
// profile can prove, with its commitment and, for private weights, the verifying model.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "air/profiles.h"
#include "air/proof_io.h"
#include "field/m31.h"
#include "frontend/accuracy.h"
#include "frontend/compile.h"
#include "frontend/model_air.h"
#include "frontend/quantize.h"
#include "frontend/quantized_model.h"

namespace tensorstark::api {

struct CompileOptions {
  frontend::QuantizeOptions quantize;  // weight_frac_bits: see DefaultCompileOptions
  // compile's defaults (as EZKL's): nothing about the inputs or the weights is public.
  frontend::Visibility input = frontend::Visibility::kPrivate;
  frontend::Visibility output = frontend::Visibility::kPublic;
  frontend::Visibility weights = frontend::Visibility::kPrivate;
  frontend::TraceShape layout = frontend::TraceShape::kNarrow;
  uint32_t context_felts = 0;  // at most frontend::kMaxContextFelts
  // The commitment computed is the one proofs with this profile and hash state.
  air::Profile profile = air::Profile::kFast;
  air::HashId hash = air::HashId::kBlake2s;
  bool force = false;  // compile a model whose quantization loses an output's precision
  // The most memory one proof's prover may take with the fast or the recursive profile, by
  // prove's estimate (ProofMemory::prover; the model and its run come on top): a model whose
  // proof would take more is cut into slices that each fit (pipeline/slice_plan.h).
  uint64_t proof_memory_bytes = kDefaultProofMemoryBytes;
  static constexpr uint64_t kDefaultProofMemoryBytes = uint64_t{8} << 30;
};

// The calibration samples of an input file (frontend/input_file.h) for the model's float graph: a
// SampleReader's work, for a front end that reads them from a file.
std::vector<std::vector<frontend::Tensor>> ReadCalibrationSamples(const std::string& path,
                                                                  const frontend::Graph& graph);

// The options with the weight scale the weights' visibility implies (frontend::
// DefaultWeightFracBits: a fixed 2^-8 for private weights, which their scale would reveal).
CompileOptions DefaultCompileOptions(frontend::Visibility weights = frontend::Visibility::kPrivate);

// The AIR's size: the main trace a proof commits, and the preprocessed columns (weights,
// addresses, tables) committed once into the model commitment.
struct AirSize {
  size_t components = 0;
  uint32_t max_log_size = 0;
  size_t trace_cells = 0;
  size_t preprocessed_cells = 0;
  size_t preprocessed_columns = 0;
};

struct CompiledModel {
  frontend::QuantizedModel model;
  frontend::AccuracyReport accuracy;  // on the calibration samples, against float inference
  AirSize air_size;
  frontend::ModelCommitment commitment;  // under the options' profile and hash
  size_t n_slices = 1;                   // the slices it is proved in (frontend/slices.h)
  // With private weights: the model without them, which verifiers hold, and their digest, one
  // per slice.
  std::optional<frontend::QuantizedModel> verifying_model;
  std::vector<std::array<field::M31, 8>> weights_digests;
};

struct CompileCallbacks {
  frontend::StepCallback on_step;  // each step as it begins
  // The model quantized and its accuracy measured, before the precision is judged.
  std::function<void(const frontend::QuantizedModel&, const frontend::AccuracyReport&)>
      on_quantized;
};

// Throws FrontendError with a one-line message: an ONNX model or samples that do not read, an
// operator not supported, a quantization that loses an output's precision (unless force), a model
// that a production profile cannot prove, an operator whose proof alone exceeds the memory
// budget.
CompiledModel CompileModel(const std::string& onnx, const std::string& source,
                           const frontend::SampleReader& read_samples,
                           const CompileOptions& options, const CompileCallbacks& callbacks = {});

}  // namespace tensorstark::api
