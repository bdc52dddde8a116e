// ONNX's backend node tests as Debian's libonnx-testdata ships them: one directory per test with
// model.onnx and test_data_set_N/{input,output}_M.pb. Shared by the float-semantics suite
// (tests/frontend) and the proving conformance suite (tests/onnx_conformance).
#pragma once

#include <doctest/doctest.h>
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "frontend/frontend_error.h"
#include "frontend/onnx_import.h"

namespace tensorstark::frontend {

inline const char* kOnnxNodeTests = "/usr/share/libonnx-testdata/data/node";

// "" when `got` has want's type and shape and every element agrees with want's: integers (ArgMax's
// indices) exactly, floats when close(got, want); otherwise the first difference.
inline std::string CompareOutput(const Tensor& got, const Tensor& want,
                                 const std::function<bool(double, double)>& close) {
  if (got.shape != want.shape || got.type != want.type) {
    return fmt::format("{} {} instead of {} {}", ToString(got.type), ShapeToString(got.shape),
                       ToString(want.type), ShapeToString(want.shape));
  }
  for (int64_t i = 0; i < got.size(); ++i) {
    if (got.is_float() ? !close(got.values[i], want.values[i]) : got.ints[i] != want.ints[i]) {
      return fmt::format("element {} is {} instead of {}", i, got.AsDoubles()[i],
                         want.AsDoubles()[i]);
    }
  }
  return "";
}

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
// model has them; with `bind_operands`, every input after the first (BatchNormalization's
// statistics, an operator's weights), as a model's initializers would be.
inline NodeTestData LoadNodeTestData(const std::filesystem::path& data_set,
                                     bool bind_scalars = false, bool bind_operands = false) {
  NodeTestData data;
  for (const auto& path : SortedEntries(data_set, "input_")) {
    NamedTensor input = LoadTensorProtoFile(path.string());
    const bool operand = bind_operands && path.filename() != "input_0.pb";
    if (input.tensor.type == DataType::kInt64 || (bind_scalars && input.tensor.shape.empty()) ||
        operand) {
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

// Whether an import or quantization error asks for an operand the test feeds as an input to be a
// constant (BatchNormalization's statistics, a slope, a recurrent net's weights): it is one in a
// model, so both suites run such a test again with its operands bound.
inline bool AsksForConstantOperands(const std::string& reason) {
  return reason.find("must be a constant") != std::string::npos ||
         reason.find("must be a single constant") != std::string::npos ||
         reason.find("must be constants") != std::string::npos;
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

// Runs `run` on every node test ("" passed, "failed: ...", "unsupported: ..."), writes the report
// to /tmp/<report_name>, and fails the suite for a baseline test that no longer passes and, with
// `failures_fail`, for any failed test.
inline void RunNodeSuite(const std::function<std::string(const std::filesystem::path&)>& run,
                         const std::string& baseline_path, const std::string& report_name,
                         bool failures_fail) {
  if (!std::filesystem::exists(kOnnxNodeTests)) {
    FAIL("libonnx-testdata is not installed (scripts/setup.sh installs it)");
  }
  const std::vector<std::string> baseline_names = ReadBaseline(baseline_path);
  const std::set<std::string> baseline(baseline_names.begin(), baseline_names.end());
  std::map<std::string, std::string> results;
  for (const auto& dir : SortedEntries(kOnnxNodeTests, "test_")) {
    results[dir.filename().string()] = run(dir);
  }
  const auto report = std::filesystem::temp_directory_path() / report_name;
  std::ofstream out(report);
  size_t passed = 0, failed = 0, unsupported = 0;
  for (const auto& [name, result] : results) {
    out << name << ": " << (result.empty() ? "passed" : result) << "\n";
    if (result.empty()) {
      ++passed;
      continue;
    }
    const bool is_failure = result.rfind("failed", 0) == 0;
    (is_failure ? failed : unsupported)++;
    if (is_failure && failures_fail) {
      FAIL_CHECK(fmt::format("{}: {}", name, result));
    } else if (baseline.count(name)) {
      FAIL_CHECK(fmt::format("{} passed before: {}", name, result));
    }
  }
  MESSAGE(fmt::format("{} node tests: {} passed, {} failed, {} unsupported (report: {})",
                      results.size(), passed, failed, unsupported, report.string()));
  CHECK(passed >= baseline.size());
}

}  // namespace tensorstark::frontend
