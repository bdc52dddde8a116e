// Quantization of the example models: the integer interpreter agrees with float inference (argmax
// on 200 Fashion-MNIST test images, the PINN's value), the compiled model file round-trips, and
// inputs outside the compiled range are refused.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>

#include "fashion_mnist.h"
#include "frontend/compile.h"
#include "frontend/float_eval.h"
#include "frontend/frontend_error.h"
#include "frontend/input_file.h"
#include "frontend/quantized_eval.h"

namespace tensorstark::frontend {
namespace {

std::string ExampleDir(const std::string& name) {
  return std::string(TENSORSTARK_EXAMPLES) + "/" + name;
}

QuantizedModel CompileExample(const std::string& name) {
  const std::string dir = ExampleDir(name);
  return CompileOnnxModel(dir + "/model.onnx", dir + "/calibration.json");
}

int64_t ArgMax(const std::vector<double>& v) {
  return std::max_element(v.begin(), v.end()) - v.begin();
}

TEST_CASE("quantized Fashion-MNIST models agree with float on 200 test images") {
  for (const std::string name : {"fashion_mlp", "fashion_lenet"}) {
    CAPTURE(name);
    const QuantizedModel model = CompileExample(name);
    const Graph graph = FloatGraphOf(model);
    const Shape& shape = graph.value(graph.inputs[0]).shape;
    int agree = 0;
    double abs_error = 0;
    int64_t logits = 0;
    const auto images = FashionMnistTestImages(200);
    for (const std::vector<double>& image : images) {
      const std::vector<Tensor> input = {{DataType::kFloat, shape, image}};
      const Tensor want = RunFloat(graph, input)[0];
      const Tensor got = RunQuantized(model, input).outputs[0];
      agree += ArgMax(want.values) == ArgMax(got.values);
      for (int64_t i = 0; i < want.size(); ++i) {
        abs_error += std::fabs(want.values[i] - got.values[i]);
        ++logits;
      }
    }
    MESSAGE(fmt::format("{}: argmax agreement {}/200, mean |logit error| {:.4f}", name, agree,
                        abs_error / static_cast<double>(logits)));
    CHECK(agree >= 198);
  }
}

TEST_CASE("quantized PINN stays close to float over its calibration set") {
  const QuantizedModel model = CompileExample("pinn");
  const Graph graph = FloatGraphOf(model);
  double max_error = 0;
  for (const std::vector<Tensor>& sample :
       ReadInputSamples(ExampleDir("pinn") + "/calibration.json", graph)) {
    const double want = RunFloat(graph, sample)[0].values[0];
    const double got = RunQuantized(model, sample).outputs[0].values[0];
    max_error = std::max(max_error, std::fabs(want - got));
  }
  MESSAGE(fmt::format("pinn: max |error| {:.5f}", max_error));
  CHECK(max_error < 0.01);
}

TEST_CASE("a compiled model file round-trips") {
  const QuantizedModel model = CompileExample("fashion_lenet");
  const std::string path = "quantize_test_model.tsm";
  SaveQuantizedModel(model, path);
  const QuantizedModel loaded = LoadQuantizedModel(path);
  const std::vector<Tensor> input =
      ReadInput(ExampleDir("fashion_lenet") + "/input.json", FloatGraphOf(loaded));
  CHECK(RunQuantized(loaded, input).values == RunQuantized(model, input).values);
  CHECK(loaded.trace_shape == model.trace_shape);
  QuantizedModel wide = model;
  wide.trace_shape = TraceShape::kWide;
  SaveQuantizedModel(wide, path);
  CHECK(LoadQuantizedModel(path).trace_shape == TraceShape::kWide);

  // A truncated file and a foreign one are refused with one-line errors.
  std::string bytes;
  {
    std::ifstream in(path, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  std::ofstream(path, std::ios::binary) << bytes.substr(0, bytes.size() / 2);
  CHECK_THROWS_WITH_AS(LoadQuantizedModel(path), doctest::Contains("is corrupt"), FrontendError);
  std::ofstream(path, std::ios::binary) << "{\"input_data\": []}";
  CHECK_THROWS_WITH_AS(LoadQuantizedModel(path),
                       doctest::Contains("not a compiled tensorstark model"), FrontendError);
  std::remove(path.c_str());
}

TEST_CASE("inputs outside the compiled range are refused") {
  const QuantizedModel model = CompileExample("fashion_mlp");
  Tensor input{DataType::kFloat, {1, 784}, std::vector<double>(784, 0.5)};
  CHECK_NOTHROW(RunQuantized(model, std::vector<Tensor>{input}));
  input.values[17] = 1e6;
  CHECK_THROWS_WITH_AS(RunQuantized(model, std::vector<Tensor>{input}),
                       doctest::Contains("element 17 is 1000000, outside the range [-8, 8)"),
                       FrontendError);
}

}  // namespace
}  // namespace tensorstark::frontend
