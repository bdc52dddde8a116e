// Compiled models, their inputs and their runs, as the `run` command and the Python module use
// them: model files read and written, inputs read or checked against what the model declares,
// the model run quantized beside its float reference, and the visibility words both front ends
// parse. Errors are frontend::FrontendError with a one-line message.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "field/m31.h"
#include "frontend/graph.h"
#include "frontend/quantized_model.h"
#include "frontend/tensor.h"

namespace tensorstark::api {

// A compiled model file (compile's MODEL.tsm or its verifying model), read or written.
frontend::QuantizedModel LoadModel(const std::string& path);
frontend::QuantizedModel ParseModel(std::string_view bytes, const std::string& name);
std::string SerializeModel(const frontend::QuantizedModel& model);
void SaveModel(const frontend::QuantizedModel& model, const std::string& path);

// The inputs the model's ONNX graph declares (name, type, shape), in order: what an input must
// match. Throws for a verifying model, which carries no graph.
std::vector<frontend::Value> ModelInputs(const frontend::QuantizedModel& model);

// The model's input from an EZKL-style input file ({"input_data": [[...]]}).
std::vector<frontend::Tensor> ReadModelInput(const frontend::QuantizedModel& model,
                                             const std::string& path);

// A committed tensor's Poseidon2 digest, as a proof of the run states it.
struct CommittedTensor {
  std::string kind;  // "input" or "output"
  std::string name;
  std::array<field::M31, 8> digest;
};

// The model run on an input: its quantized outputs (dequantized), the float graph's outputs for
// reference, warnings about inputs too fine for their scale, and the digests of its committed
// tensors.
struct ModelRun {
  std::vector<frontend::Tensor> outputs;
  std::vector<frontend::Tensor> reference;
  std::vector<std::string> warnings;
  std::vector<CommittedTensor> committed;
};
// `reference` false leaves ModelRun::reference empty (no float run, and the ONNX graph is not
// imported).
ModelRun RunModel(const frontend::QuantizedModel& model,
                  const std::vector<frontend::Tensor>& input, bool reference);
// The same with the reference, on the input of an input file, the graph imported once.
ModelRun RunModelOnInputFile(const frontend::QuantizedModel& model, const std::string& path);

// The visibility of a group ("input", "output" or "weights") from its word, or a one-line error
// naming the words the group takes ("weights must be public or private, not 'committed'").
std::variant<frontend::Visibility, std::string> ParseGroupVisibility(std::string_view group,
                                                                     std::string_view word);

}  // namespace tensorstark::api
