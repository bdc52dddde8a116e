// Reads an ONNX model (libonnx's protobuf classes) into the graph IR, then infers every shape and
// folds constants. Supports the default ONNX domain only; anything the frontend cannot handle is
// a FrontendError with a one-line message naming the node, its op type and what is missing.
#pragma once

#include <map>
#include <string>

#include "frontend/graph.h"
#include "frontend/tensor.h"

namespace tensorstark::frontend {

// `constants` binds model inputs, by name, to fixed values before shape inference (for models
// whose shape or index operands are inputs, like ONNX's node tests); they stop being inputs.
Graph ImportOnnxFile(const std::string& path, const std::map<std::string, Tensor>& constants = {});
Graph ImportOnnxBytes(const std::string& bytes, const std::string& what,
                      const std::map<std::string, Tensor>& constants = {});

// A serialized onnx.TensorProto (the .pb files of ONNX's test data), with its name.
struct NamedTensor {
  std::string name;
  Tensor tensor;
};
NamedTensor LoadTensorProtoFile(const std::string& path);

}  // namespace tensorstark::frontend
