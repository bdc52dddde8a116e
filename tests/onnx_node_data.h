// ONNX's backend node tests as Debian's libonnx-testdata ships them: one directory per test with
// model.onnx and test_data_set_N/{input,output}_M.pb. Shared by the float-semantics suite
// (tests/frontend) and the proving conformance suite (tests/onnx_conformance).
#pragma once

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "frontend/frontend_error.h"
#include "frontend/onnx_import.h"

namespace tensorstark::frontend {

inline const char* kOnnxNodeTests = "/usr/share/libonnx-testdata/data/node";

// The entries of `dir` whose names start with `prefix`, input_10 after input_9.
inline std::vector<std::filesystem::path> SortedEntries(const std::filesystem::path& dir,
                                                        const std::string& prefix) {
  std::vector<std::filesystem::path> paths;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().filename().string().rfind(prefix, 0) == 0) paths.push_back(entry.path());
  }
  std::sort(paths.begin(), paths.end(), [](const auto& a, const auto& b) {
    const std::string sa = a.filename().string(), sb = b.filename().string();
    return sa.size() != sb.size() ? sa.size() < sb.size() : sa < sb;
  });
  return paths;
}

// One data set: integer inputs (shapes, axes, indices, pads) bound as constants, as a compiled
// model would have them, the other inputs given at run time, and the expected outputs.
struct NodeTestData {
  std::map<std::string, Tensor> constants;
  std::vector<Tensor> inputs;
  std::vector<Tensor> outputs;
};

// Throws FrontendError for data that are not tensors (sequences, optionals, maps). With
// `bind_scalars`, scalar float inputs (Clip's bounds) are bound as constants too, as a compiled
// model has them.
inline NodeTestData LoadNodeTestData(const std::filesystem::path& data_set,
                                     bool bind_scalars = false) {
  NodeTestData data;
  for (const auto& path : SortedEntries(data_set, "input_")) {
    NamedTensor input = LoadTensorProtoFile(path.string());
    if (input.tensor.type == DataType::kInt64 || (bind_scalars && input.tensor.shape.empty())) {
      data.constants[input.name] = std::move(input.tensor);
    } else {
      data.inputs.push_back(std::move(input.tensor));
    }
  }
  for (const auto& path : SortedEntries(data_set, "output_")) {
    data.outputs.push_back(LoadTensorProtoFile(path.string()).tensor);
  }
  return data;
}

// The report and baseline format of both suites: "name: passed" or "name: <reason>" per line, a
// baseline lists one passing test per line ('#' starts a comment).
inline std::vector<std::string> ReadBaseline(const std::string& path) {
  std::vector<std::string> names;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line[0] != '#') names.push_back(line);
  }
  return names;
}

}  // namespace tensorstark::frontend
