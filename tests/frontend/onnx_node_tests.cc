// ONNX's backend node tests (Debian's libonnx-testdata) through the frontend's float semantics:
// every test the frontend imports must reproduce the expected outputs. Integer inputs (shapes,
// axes, indices, pads) are bound as constants, as a compiled model would have them. The report
// lists each test as passed, failed or unsupported with the reason; a test listed in the baseline
// (onnx_node_float_baseline.txt) that no longer passes fails the suite.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <cmath>
#include <filesystem>

#include "frontend/float_eval.h"
#include "frontend/frontend_error.h"
#include "frontend/onnx_import.h"
#include "onnx_node_data.h"

namespace tensorstark::frontend {
namespace {

namespace fs = std::filesystem;

// ONNX's backend tests compare with rtol 1e-3, atol 1e-7; float32 transcendental functions
// differ from double ones by more than atol near zero, so atol is 1e-5 here.
std::string Compare(const Tensor& got, const Tensor& want) {
  return CompareOutput(got, want, [](double g, double w) {
    return (std::isnan(w) && std::isnan(g)) || (std::isinf(w) && g == w) ||
           std::fabs(g - w) <= 1e-5 + 1e-3 * std::fabs(w);
  });
}

// "" if the test passed, "unsupported: <reason>" or "failed: <reason>".
std::string RunNodeTest(const fs::path& dir) {
  for (const fs::path& data_set : SortedEntries(dir, "test_data_set_")) {
    NodeTestData data;
    try {
      data = LoadNodeTestData(data_set);
    } catch (const FrontendError& e) {
      return std::string("unsupported: test data: ") + e.what();
    }
    Graph graph;
    try {
      try {
        graph = ImportOnnxFile((dir / "model.onnx").string(), data.constants);
      } catch (const FrontendError& e) {
        if (!AsksForConstantOperands(e.what())) throw;
        data = LoadNodeTestData(data_set, /*bind_scalars=*/false, /*bind_operands=*/true);
        graph = ImportOnnxFile((dir / "model.onnx").string(), data.constants);
      }
    } catch (const FrontendError& e) {
      return std::string("unsupported: ") + e.what();
    }
    std::vector<Tensor> got;
    try {
      got = RunFloat(graph, data.inputs);
    } catch (const FrontendError& e) {
      return std::string("failed: ") + e.what();
    }
    if (got.size() != data.outputs.size()) return "failed: wrong number of outputs";
    for (size_t i = 0; i < got.size(); ++i) {
      const std::string diff = Compare(got[i], data.outputs[i]);
      if (!diff.empty()) return fmt::format("failed: output {}: {}", i, diff);
    }
  }
  return "";
}

TEST_CASE("ONNX backend node tests: float semantics") {
  RunNodeSuite(RunNodeTest, TENSORSTARK_FRONTEND_TESTS "/onnx_node_float_baseline.txt",
               "onnx_node_float_report.txt", /*failures_fail=*/true);
}

}  // namespace
}  // namespace tensorstark::frontend
