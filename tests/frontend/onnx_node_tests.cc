// ONNX's backend node tests (Debian's libonnx-testdata) through the frontend's float semantics:
// every test the frontend imports must reproduce the expected outputs. Integer inputs (shapes,
// axes, indices, pads) are bound as constants, as a compiled model would have them. The report
// lists each test as passed, failed or unsupported with the reason; a test listed in the baseline
// (onnx_node_float_baseline.txt) that no longer passes fails the suite.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "frontend/float_eval.h"
#include "frontend/frontend_error.h"
#include "frontend/onnx_import.h"

namespace tensorstark::frontend {
namespace {

namespace fs = std::filesystem;

const char* kNodeTests = "/usr/share/libonnx-testdata/data/node";

std::vector<fs::path> Sorted(const fs::path& dir, const std::string& prefix) {
  std::vector<fs::path> paths;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().filename().string().rfind(prefix, 0) == 0) paths.push_back(entry.path());
  }
  // input_10 after input_9.
  std::sort(paths.begin(), paths.end(), [](const fs::path& a, const fs::path& b) {
    const std::string sa = a.filename().string(), sb = b.filename().string();
    return sa.size() != sb.size() ? sa.size() < sb.size() : sa < sb;
  });
  return paths;
}

// ONNX's backend tests compare with rtol 1e-3, atol 1e-7; float32 transcendental functions
// differ from double ones by more than atol near zero, so atol is 1e-5 here.
std::string Compare(const Tensor& got, const Tensor& want) {
  if (got.shape != want.shape) {
    return fmt::format("shape {} instead of {}", ShapeToString(got.shape),
                       ShapeToString(want.shape));
  }
  for (int64_t i = 0; i < got.size(); ++i) {
    const double g = got.values[i], w = want.values[i];
    if (std::isnan(w) && std::isnan(g)) continue;
    if (std::isinf(w) && g == w) continue;
    if (!(std::fabs(g - w) <= 1e-5 + 1e-3 * std::fabs(w))) {
      return fmt::format("element {} is {} instead of {}", i, g, w);
    }
  }
  return "";
}

// "" if the test passed, "unsupported: <reason>" or "failed: <reason>".
std::string RunNodeTest(const fs::path& dir) {
  for (const fs::path& data_set : Sorted(dir, "test_data_set_")) {
    std::vector<NamedTensor> inputs, outputs;
    try {  // sequences, optionals and maps are not tensors
      for (const fs::path& p : Sorted(data_set, "input_")) inputs.push_back(LoadTensorProtoFile(p));
      for (const fs::path& p : Sorted(data_set, "output_")) {
        outputs.push_back(LoadTensorProtoFile(p));
      }
    } catch (const FrontendError& e) {
      return std::string("unsupported: test data: ") + e.what();
    }
    std::map<std::string, Tensor> constants;
    std::vector<Tensor> runtime_inputs;
    for (NamedTensor& input : inputs) {
      if (input.tensor.type == DataType::kInt64) {
        constants[input.name] = input.tensor;
      } else {
        runtime_inputs.push_back(input.tensor);
      }
    }
    Graph graph;
    try {
      graph = ImportOnnxFile((dir / "model.onnx").string(), constants);
    } catch (const FrontendError& e) {
      return std::string("unsupported: ") + e.what();
    }
    std::vector<Tensor> got;
    try {
      got = RunFloat(graph, runtime_inputs);
    } catch (const FrontendError& e) {
      return std::string("failed: ") + e.what();
    }
    if (got.size() != outputs.size()) return "failed: wrong number of outputs";
    for (size_t i = 0; i < got.size(); ++i) {
      const std::string diff = Compare(got[i], outputs[i].tensor);
      if (!diff.empty()) return fmt::format("failed: output {}: {}", i, diff);
    }
  }
  return "";
}

TEST_CASE("ONNX backend node tests: float semantics") {
  if (!fs::exists(kNodeTests)) {
    FAIL("libonnx-testdata is not installed (scripts/setup.sh installs it)");
  }
  std::set<std::string> baseline;
  {
    std::ifstream in(TENSORSTARK_FRONTEND_TESTS "/onnx_node_float_baseline.txt");
    for (std::string line; std::getline(in, line);) {
      if (!line.empty() && line[0] != '#') baseline.insert(line);
    }
  }
  std::map<std::string, std::string> results;
  for (const fs::path& dir : Sorted(kNodeTests, "test_")) {
    results[dir.filename().string()] = RunNodeTest(dir);
  }
  const fs::path report = fs::temp_directory_path() / "onnx_node_float_report.txt";
  std::ofstream out(report);
  size_t passed = 0, failed = 0, unsupported = 0;
  for (const auto& [name, result] : results) {
    out << name << ": " << (result.empty() ? "passed" : result) << "\n";
    if (result.empty()) {
      ++passed;
    } else if (result.rfind("failed", 0) == 0) {
      ++failed;
      FAIL_CHECK(fmt::format("{}: {}", name, result));
    } else {
      ++unsupported;
      if (baseline.count(name)) FAIL_CHECK(fmt::format("{} passed before: {}", name, result));
    }
  }
  MESSAGE(fmt::format("{} node tests: {} passed, {} failed, {} unsupported (report: {})",
                      results.size(), passed, failed, unsupported, report.string()));
  CHECK(passed >= baseline.size());
}

}  // namespace
}  // namespace tensorstark::frontend
