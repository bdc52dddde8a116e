// What the frontend refuses rather than prove a model other than the one the ONNX file describes, or
// one that lost its precision: a value whose inferred shape is not the declared one, an output
// whose scale a calibration outlier made too coarse (the outlier named), and a maximum the prover
// does not support (refused when the AIR is built, which compile does before writing anything).
#include <doctest/doctest.h>

#include <string>

#include "frontend/accuracy.h"
#include "frontend/calibration.h"
#include "frontend/frontend_error.h"
#include "frontend/input_file.h"
#include "frontend/model_air.h"
#include "frontend/onnx_import.h"
#include "frontend/quantize.h"

namespace tensorstark::frontend {
namespace {

std::string TestModel(const std::string& name) {
  return std::string(TENSORSTARK_FRONTEND_TESTS) + "/data/" + name;
}

TEST_CASE("a value whose inferred shape is not the declared one is refused") {
  CHECK_THROWS_WITH_AS(ImportOnnxFile(TestModel("misdeclared") + "/model.onnx"),
                       "node 'Mul_0' (Mul): its output 'output' has shape [1, 4], the model "
                       "declares [1, 5]",
                       FrontendError);
}

TEST_CASE("an output a calibration outlier makes imprecise is refused, naming the outlier") {
  const std::string dir = std::string(TENSORSTARK_EXAMPLES) + "/tiny_mlp";
  const Graph graph = ImportOnnxFile(dir + "/model.onnx");
  std::vector<std::vector<Tensor>> samples = ReadInputSamples(dir + "/calibration.json", graph);
  const auto measure = [&] {
    const Calibration calibration = Calibrate(graph, samples);
    return MeasureAccuracy(Quantize(graph, calibration), samples, calibration.outputs);
  };
  const AccuracyReport honest = measure();
  CHECK_FALSE(honest.PrecisionProblem());
  CHECK(honest.outlier.empty());
  REQUIRE(honest.outputs.size() == 1);
  CHECK(honest.outputs[0].argmax_agreement == 100);
  CHECK(honest.outputs[0].max_abs_error < 0.01);

  samples[3][0].values[5] = 1e30;
  const std::optional<std::string> problem = measure().PrecisionProblem();
  REQUIRE(problem);
  CHECK(problem->find("output 'output' would lose its precision: its scale 2^86") !=
        std::string::npos);
  CHECK(problem->find("calibration sample 3 has input 'input' element 5 = 1e+30") !=
        std::string::npos);
}

TEST_CASE("a maximum over more elements than the prover supports is refused") {
  const std::string dir = TestModel("wide_max");
  const Graph graph = ImportOnnxFile(dir + "/model.onnx");
  const QuantizedModel model =
      Quantize(graph, Calibrate(graph, ReadInputSamples(dir + "/calibration.json", graph)));
  CHECK_THROWS_WITH_AS(ModelAir{model},
                       doctest::Contains("does not support a maximum over more than 64 elements"),
                       FrontendError);
}

}  // namespace
}  // namespace tensorstark::frontend
