// The model commands: `compile` (ONNX + calibration set → compiled model) and `run` (quantized
// inference, compared with float inference of the ONNX model).
#pragma once

#include <span>

namespace tensorstark::cli {

int RunCompileCommand(std::span<char* const> args);
int RunRunCommand(std::span<char* const> args);

}  // namespace tensorstark::cli
