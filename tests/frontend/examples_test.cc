// The example models (examples/<name>/model.onnx, exported by scripts/train_examples.py and
// scripts/train_nanogpt.py) through
// the frontend: each imports, its float inference reproduces torch's outputs, and calibration
// covers the sample input.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "frontend/calibration.h"
#include "frontend/float_eval.h"
#include "frontend/frontend_error.h"
#include "frontend/input_file.h"
#include "frontend/onnx_import.h"

namespace tensorstark::frontend {
namespace {

std::string ExampleDir(const std::string& name) {
  return std::string(TENSORSTARK_EXAMPLES) + "/" + name;
}

TEST_CASE("example models reproduce torch's float outputs") {
  for (const char* name :
       {"fashion_mlp", "fashion_lenet", "pinn", "tiny_mlp", "cifar_cnn", "nanogpt"}) {
    CAPTURE(name);
    const std::string dir = ExampleDir(name);
    const Graph graph = ImportOnnxFile(dir + "/model.onnx");
    const std::vector<Tensor> outputs = RunFloat(graph, ReadInput(dir + "/input.json", graph));
    std::ifstream in(dir + "/float_outputs.json");
    const nlohmann::json want = nlohmann::json::parse(in)["output_data"][0];
    REQUIRE(outputs.size() == 1);
    REQUIRE(static_cast<size_t>(outputs[0].size()) == want.size());
    for (size_t i = 0; i < want.size(); ++i) {
      // The file rounds to 6 decimals.
      CHECK(outputs[0].values[i] == doctest::Approx(want[i].get<double>()).epsilon(1e-4));
    }
  }
}

TEST_CASE("calibration ranges cover every value of every sample") {
  const std::string dir = ExampleDir("fashion_mlp");
  const Graph graph = ImportOnnxFile(dir + "/model.onnx");
  const std::vector<std::vector<Tensor>> samples =
      ReadInputSamples(dir + "/calibration.json", graph);
  CHECK(samples.size() == 100);
  const std::vector<ValueRange> ranges = Calibrate(graph, samples).ranges;
  const std::vector<Tensor> values = EvaluateGraph(graph, samples[7]);
  for (size_t id = 0; id < values.size(); ++id) {
    for (double x : values[id].values) {
      CHECK(ranges[id].min <= x);
      CHECK(x <= ranges[id].max);
    }
  }
  // Pixels are in [0, 1].
  CHECK(ranges[graph.inputs[0]].min >= 0);
  CHECK(ranges[graph.inputs[0]].max <= 1);
}

// Writes `text` to a temporary file and returns what ReadInput says about it.
std::string InputError(const std::string& text) {
  const Graph graph = ImportOnnxFile(ExampleDir("pinn") + "/model.onnx");  // input [1, 2]
  const std::string path = "/tmp/tensorstark_input_test.json";
  std::ofstream(path) << text;
  try {
    ReadInput(path, graph);
  } catch (const FrontendError& e) {
    return e.what();
  }
  return "";
}

TEST_CASE("bad input files get a one-line error naming the problem") {
  CHECK(InputError(R"({"input_data": [[0.5, 0.25]]})").empty());
  CHECK(InputError("{").find("not valid JSON") != std::string::npos);
  CHECK(InputError(R"({"data": [[1, 2]]})").find("expected {\"input_data\"") != std::string::npos);
  CHECK(InputError(R"({"input_data": [[1, 2, 3]]})").find("not a multiple of 2") !=
        std::string::npos);
  CHECK(InputError(R"({"input_data": [[1, 2], [3, 4]]})").find("the model has 1 inputs") !=
        std::string::npos);
  CHECK(InputError(R"({"input_data": [[1, "x"]]})").find("value 1 is not a finite number") !=
        std::string::npos);
  CHECK(InputError(R"({"input_data": [[1, 2, 3, 4]]})").find("holds 2 samples") !=
        std::string::npos);
  CHECK(InputError(R"({"input_data": [[1, 1e999]]})").find("not valid JSON") != std::string::npos);
  for (const std::string& e : {InputError("{"), InputError(R"({"input_data": [[1]]})")}) {
    CHECK(e.find('\n') == std::string::npos);
  }
}

TEST_CASE("a missing or corrupt model is a one-line error") {
  CHECK_THROWS_WITH_AS(ImportOnnxFile("/nonexistent.onnx"),
                       "cannot open '/nonexistent.onnx': No such file or directory", FrontendError);
  const std::string path = "/tmp/tensorstark_bad_model.onnx";
  std::ofstream(path) << "not a model";
  CHECK_THROWS_AS(ImportOnnxFile(path), FrontendError);
}

}  // namespace
}  // namespace tensorstark::frontend
