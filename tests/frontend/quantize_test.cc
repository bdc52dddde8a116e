// Quantization of the example models: the integer interpreter agrees with float inference (argmax
// on 200 Fashion-MNIST test images, 50 for the CIFAR-size CNN, the PINN's value), the compiled
// model file round-trips, and inputs outside the compiled range are refused. A fixed weight scale
// reveals nothing of the weights in the verifying model, and refuses a layer it would overflow.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <type_traits>
#include <variant>
#include <vector>

#include "fashion_mnist.h"
#include "frontend/calibration.h"
#include "frontend/compile.h"
#include "frontend/element_ref_encoding.h"
#include "frontend/file_io.h"
#include "frontend/float_eval.h"
#include "frontend/frontend_error.h"
#include "frontend/input_file.h"
#include "frontend/onnx_import.h"
#include "frontend/quantized_eval.h"

namespace tensorstark::frontend {
namespace {

std::string ExampleDir(const std::string& name) {
  return std::string(TENSORSTARK_EXAMPLES) + "/" + name;
}

QuantizedModel CompileExample(const std::string& name, const QuantizeOptions& options = {}) {
  const std::string dir = ExampleDir(name);
  return CompileOnnxModel(dir + "/model.onnx", dir + "/calibration.json", options);
}

int64_t ArgMax(const std::vector<double>& v) {
  return std::max_element(v.begin(), v.end()) - v.begin();
}

// How a quantized Fashion-MNIST model's outputs compare with float inference, and with the labels.
struct Agreement {
  int with_float = 0;         // images whose argmax is float's
  int with_labels = 0;        // images the quantized model classifies right
  int float_with_labels = 0;  // images the float model classifies right
  double mean_abs_error = 0;  // over every logit
};

Agreement CompareWithFloat(const QuantizedModel& model,
                           const std::vector<std::vector<double>>& images,
                           const std::vector<int>& labels) {
  const Graph graph = FloatGraphOf(model);
  const Shape& shape = graph.value(graph.inputs[0]).shape;
  Agreement agreement;
  int64_t logits = 0;
  for (size_t n = 0; n < images.size(); ++n) {
    const std::vector<Tensor> input = {{DataType::kFloat, shape, images[n]}};
    const Tensor want = RunFloat(graph, input)[0];
    const Tensor got = RunQuantized(model, input).outputs[0];
    agreement.with_float += ArgMax(want.values) == ArgMax(got.values);
    agreement.with_labels += ArgMax(got.values) == labels[n];
    agreement.float_with_labels += ArgMax(want.values) == labels[n];
    for (int64_t i = 0; i < want.size(); ++i) {
      agreement.mean_abs_error += std::fabs(want.values[i] - got.values[i]);
      ++logits;
    }
  }
  agreement.mean_abs_error /= static_cast<double>(logits);
  return agreement;
}

// Both weight scales: chosen per layer (public weights' default) and fixed (private weights').
TEST_CASE("quantized Fashion-MNIST models agree with float on 200 test images") {
  const auto images = FashionMnistTestImages(200);
  const auto labels = FashionMnistTestLabels(200);
  for (const std::string name : {"fashion_mlp", "fashion_lenet"}) {
    for (const Visibility weights : {Visibility::kPublic, Visibility::kPrivate}) {
      CAPTURE(name);
      CAPTURE(VisibilityName(weights));
      QuantizeOptions options;
      options.weight_frac_bits = DefaultWeightFracBits(weights);
      const Agreement agreement = CompareWithFloat(CompileExample(name, options), images, labels);
      MESSAGE(fmt::format("{} ({} weights): argmax agreement {}/200, mean |logit error| {:.4f}",
                          name, VisibilityName(weights), agreement.with_float,
                          agreement.mean_abs_error));
      CHECK(agreement.with_float >= 198);
    }
  }
}

// cifar_cnn takes Fashion-MNIST images as it was trained on them (scripts/train_examples.py
// cifar_size): padded by 2 pixels to 32x32, the one channel repeated over 3.
std::vector<double> CifarSize(const std::vector<double>& image) {
  std::vector<double> out(3 * 32 * 32, 0.0);
  for (int c = 0; c < 3; ++c) {
    for (int y = 0; y < 28; ++y) {
      for (int x = 0; x < 28; ++x) out[(c * 32 + y + 2) * 32 + x + 2] = image[y * 28 + x];
    }
  }
  return out;
}

TEST_CASE("the quantized CIFAR-size CNN agrees with float on 50 test images") {
  std::vector<std::vector<double>> images = FashionMnistTestImages(50);
  for (std::vector<double>& image : images) image = CifarSize(image);
  const auto labels = FashionMnistTestLabels(50);
  for (const Visibility weights : {Visibility::kPublic, Visibility::kPrivate}) {
    CAPTURE(VisibilityName(weights));
    QuantizeOptions options;
    options.weight_frac_bits = DefaultWeightFracBits(weights);
    const Agreement agreement =
        CompareWithFloat(CompileExample("cifar_cnn", options), images, labels);
    MESSAGE(fmt::format("cifar_cnn ({} weights): argmax agreement {}/50, mean |logit error| {:.4f}",
                        VisibilityName(weights), agreement.with_float, agreement.mean_abs_error));
    CHECK(agreement.with_float >= 49);
  }
}

// The accuracy table of docs/zero-knowledge.md, on the whole test set (two minutes, so not in CI):
//   build/tests/test_frontend --no-skip -tc="weight scales on the whole Fashion-MNIST test set"
TEST_CASE("weight scales on the whole Fashion-MNIST test set" * doctest::skip()) {
  const auto images = FashionMnistTestImages(10000);
  const auto labels = FashionMnistTestLabels(10000);
  for (const std::string name : {"fashion_mlp", "fashion_lenet"}) {
    for (const std::optional<int> frac_bits : {std::optional<int>{}, {10}, {9}, {8}, {7}}) {
      QuantizeOptions options;
      options.weight_frac_bits = frac_bits;
      const std::string scale = frac_bits ? fmt::format("2^-{}", *frac_bits) : "auto";
      try {
        const Agreement a = CompareWithFloat(CompileExample(name, options), images, labels);
        MESSAGE(
            fmt::format("{} weights {}: agrees with float {}/10000, accuracy {:.2f}% (float "
                        "{:.2f}%), mean |logit error| {:.4f}",
                        name, scale, a.with_float, a.with_labels / 100.0,
                        a.float_with_labels / 100.0, a.mean_abs_error));
      } catch (const FrontendError& e) {
        MESSAGE(fmt::format("{} weights {}: {}", name, scale, e.what()));
      }
    }
  }
}

// The verifying model of a model with private weights, at compile's fixed weight scale for them:
// the same bytes whatever the weights' magnitude, but for one bit per operator, whether its
// weights fit 10 bits (|w| ≤ 2 at the scale 2^-8), which decides whether they are packed three
// to a word of the digest (air/weight_packing.h). All are quantized with one calibration, so only
// the weights differ: tiny_mlp's first layer's weights (largest 0.97) times 2 and times 8.
TEST_CASE("a fixed weight scale keeps the weights' magnitude out of the verifying model") {
  const std::string dir = ExampleDir("tiny_mlp");
  const Graph graph = ImportOnnxFile(dir + "/model.onnx");
  const Calibration calibration =
      Calibrate(graph, ReadInputSamples(dir + "/calibration.json", graph));
  const auto scaled = [&](double factor) {
    Graph g = graph;
    for (double& w : g.value(g.nodes.at(0).inputs.at(1)).constant->values) w *= factor;
    return g;
  };
  const std::string path = "quantize_test_verifying.tsm";
  // The verifying model's bytes; with `packed`, the first operator's weights said to fit or not.
  const auto verifying_model = [&](const Graph& g, const QuantizeOptions& options,
                                   std::optional<bool> packed = std::nullopt) {
    QuantizedModel model = Quantize(g, calibration, options);
    model.weights_visibility = Visibility::kPrivate;
    auto& first = std::get<LinearOp>(model.ops.at(0));
    if (packed) first.weight_bits = *packed ? options.weight_bits : 0;
    const std::array<uint32_t, 8> no_digest{};
    SaveQuantizedModel(WithoutWeights(std::move(model), std::span(&no_digest, 1)), path);
    return ReadFileBytes(path);
  };
  QuantizeOptions fixed;
  fixed.weight_frac_bits = DefaultWeightFracBits(Visibility::kPrivate);
  CHECK(verifying_model(graph, fixed) == verifying_model(scaled(2), fixed));
  // Past 2 in magnitude the weights are not packed: that bit is all that differs.
  CHECK(verifying_model(graph, fixed) != verifying_model(scaled(8), fixed));
  CHECK(verifying_model(graph, fixed, false) == verifying_model(scaled(8), fixed));
  // A scale chosen from the weights shows their magnitude (in the first layer's rescale shift).
  CHECK(verifying_model(graph, {}) != verifying_model(scaled(2), {}));
  std::remove(path.c_str());
}

// A layer whose accumulator could overflow at a fixed weight scale is refused, naming a scale
// that passes; a scale chosen from the weights comes down by itself.
TEST_CASE("a fixed weight scale that could overflow a layer is refused") {
  const std::string dir = ExampleDir("tiny_mlp");
  Graph graph = ImportOnnxFile(dir + "/model.onnx");
  const Calibration calibration =
      Calibrate(graph, ReadInputSamples(dir + "/calibration.json", graph));
  for (double& w : graph.value(graph.nodes.at(0).inputs.at(1)).constant->values) w *= 1000;
  QuantizeOptions fixed;
  fixed.weight_frac_bits = 9;
  CHECK_THROWS_WITH_AS(Quantize(graph, calibration, fixed),
                       doctest::Contains("weights at scale 2^-9 could overflow the field"),
                       FrontendError);
  CHECK_NOTHROW(Quantize(graph, calibration, {}));
}

TEST_CASE("quantized PINN stays close to float over its calibration set") {
  for (const Visibility weights : {Visibility::kPublic, Visibility::kPrivate}) {
    CAPTURE(VisibilityName(weights));
    QuantizeOptions options;
    options.weight_frac_bits = DefaultWeightFracBits(weights);
    const QuantizedModel model = CompileExample("pinn", options);
    const Graph graph = FloatGraphOf(model);
    double max_error = 0;
    for (const std::vector<Tensor>& sample :
         ReadInputSamples(ExampleDir("pinn") + "/calibration.json", graph)) {
      const double want = RunFloat(graph, sample)[0].values[0];
      const double got = RunQuantized(model, sample).outputs[0].values[0];
      max_error = std::max(max_error, std::fabs(want - got));
    }
    MESSAGE(
        fmt::format("pinn ({} weights): max |error| {:.5f}", VisibilityName(weights), max_error));
    CHECK(max_error < 0.01);
  }
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

// Every operator's element references, in order.
std::vector<std::vector<ElementRef>> ReferencesOf(const QuantizedModel& model) {
  std::vector<std::vector<ElementRef>> refs;
  for (const QOp& qop : model.ops) {
    std::visit(
        [&](const auto& op) {
          using Op = std::decay_t<decltype(op)>;
          if constexpr (std::is_same_v<Op, LinearOp>) refs.push_back(op.x);
          if constexpr (std::is_same_v<Op, LookupOp> || std::is_same_v<Op, ReduceOp>) {
            refs.push_back(op.in);
          }
          if constexpr (std::is_same_v<Op, ElementwiseOp> || std::is_same_v<Op, DotOp>) {
            refs.push_back(op.a);
            refs.push_back(op.b);
          }
        },
        qop);
  }
  return refs;
}

// The keys of the first operator's first reference list in a model file ("varint_runs", "runs"
// or "tensor" and "index").
std::vector<std::string> FirstListKeys(const std::string& bytes) {
  const nlohmann::json j = nlohmann::json::from_cbor(bytes.substr(bytes.find('\n') + 1));
  const nlohmann::json& op = j.at("ops").at(0);
  std::vector<std::string> keys;
  for (const auto& [key, value] : op.at(op.contains("x") ? "x" : "in").items()) {
    keys.push_back(key);
  }
  return keys;
}

// Zigzag LEB128, written here apart from the encoder: the format as element_ref_encoding.h states
// it.
void AppendVarint(std::vector<uint8_t>& bytes, int64_t word) {
  uint64_t z = word < 0 ? 2 * (~static_cast<uint64_t>(word)) + 1 : 2 * static_cast<uint64_t>(word);
  do {
    bytes.push_back(static_cast<uint8_t>((z & 0x7f) | (z >= 0x80 ? 0x80 : 0)));
    z >>= 7;
  } while (z != 0);
}

// A copy of the model file at `path` whose first reference list holds `list` instead.
void ReplaceFirstList(const std::string& path, const nlohmann::json& list) {
  const std::string bytes = ReadFileBytes(path);
  const size_t header = bytes.find('\n') + 1;
  nlohmann::json j = nlohmann::json::from_cbor(bytes.substr(header));
  nlohmann::json& op = j["ops"][0];
  op[op.contains("x") ? "x" : "in"] = list;
  const std::vector<uint8_t> cbor = nlohmann::json::to_cbor(j);
  std::ofstream(path, std::ios::binary)
      << bytes.substr(0, header) << std::string(cbor.begin(), cbor.end());
}

// Element references are written as runs (tensor, first, step, count) of zigzag varints: they
// read back exactly (convolution windows with padding literals, attention's strided reads), files
// of the two earlier formats (runs of int64, two arrays) still read, and a corrupt list (a run
// claiming more references than a model can hold, 2^29, or a cut varint) is refused before memory
// is taken for it.
TEST_CASE("element references round-trip as runs") {
  const std::string path = "quantize_test_runs.tsm";
  for (const char* example : {"fashion_lenet", "cifar_cnn"}) {
    CAPTURE(example);
    const QuantizedModel model = CompileExample(example);
    SaveQuantizedModel(model, path);
    CHECK(FirstListKeys(ReadFileBytes(path)) == std::vector<std::string>{"varint_runs"});
    CHECK(ReferencesOf(LoadQuantizedModel(path)) == ReferencesOf(model));
  }

  // fashion_mlp's verifying model as stops 59-60 wrote it, and as earlier stops did.
  const std::string vectors = TENSORSTARK_TEST_VECTORS;
  const QuantizedModel int64_runs = LoadQuantizedModel(vectors + "/model_int64_runs.tsm");
  const QuantizedModel two_arrays = LoadQuantizedModel(vectors + "/model_two_arrays.tsm");
  CHECK(FirstListKeys(ReadFileBytes(vectors + "/model_int64_runs.tsm")) ==
        std::vector<std::string>{"runs"});
  CHECK(FirstListKeys(ReadFileBytes(vectors + "/model_two_arrays.tsm")) ==
        std::vector<std::string>{"index", "tensor"});
  CHECK(ReferencesOf(int64_runs) == ReferencesOf(two_arrays));
  SaveQuantizedModel(two_arrays, path);
  CHECK(ReferencesOf(LoadQuantizedModel(path)) == ReferencesOf(two_arrays));

  std::remove(path.c_str());
}

TEST_CASE("element references: the varint runs, by hand") {
  // Literals -5, -8 (a descending run), then elements 7, 8, 9 of tensor 0: two runs.
  const std::vector<ElementRef> refs = {
      {ElementRef::kLiteral, -5}, {ElementRef::kLiteral, -8}, {0, 7}, {0, 8}, {0, 9}};
  std::vector<uint8_t> runs;
  for (int64_t word : {int64_t{ElementRef::kLiteral}, int64_t{-5}, int64_t{-3}, int64_t{2},
                       int64_t{0}, int64_t{7}, int64_t{1}, int64_t{3}}) {
    AppendVarint(runs, word);
  }
  const nlohmann::json list = {{"varint_runs", nlohmann::json::binary(runs)}};
  CHECK(RefsToJson(refs) == list);
  int64_t budget = kMaxModelRefs;
  CHECK(RefsFromJson(list, budget) == refs);
  CHECK(budget == kMaxModelRefs - 5);
  // The largest index a literal can hold round-trips (zigzag of INT64_MIN and INT64_MAX).
  const std::vector<ElementRef> extremes = {{ElementRef::kLiteral, INT64_MIN},
                                            {ElementRef::kLiteral, INT64_MAX}};
  CHECK(RefsFromJson(RefsToJson(extremes), budget) == extremes);

  // Corrupt: a run of 2^40 references, refused before memory is taken; a cut varint.
  std::vector<uint8_t> too_many;
  for (int64_t word : {int64_t{0}, int64_t{0}, int64_t{1}, int64_t{1} << 40}) {
    AppendVarint(too_many, word);
  }
  CHECK_THROWS_WITH_AS(RefsFromJson({{"varint_runs", nlohmann::json::binary(too_many)}}, budget),
                       doctest::Contains("more element references than a model file of its size"),
                       FrontendError);
  std::vector<uint8_t> cut = runs;
  cut.push_back(0x80);  // a varint that goes on past the end
  CHECK_THROWS_WITH_AS(RefsFromJson({{"varint_runs", nlohmann::json::binary(cut)}}, budget),
                       doctest::Contains("element references are truncated"), FrontendError);
}

TEST_CASE("a model file claiming more element references than its size holds is refused") {
  // fashion_mlp's file (236 KB) may hold 2^22 references (ModelRefBudget: 16 a byte, 2^22 at
  // least): a run of 2^24 (268 MB of them) is refused before memory is taken for them, as is
  // 2^40.
  const std::string path = "quantize_test_corrupt_runs.tsm";
  CHECK(ModelRefBudget(0) == int64_t{1} << 22);
  CHECK(ModelRefBudget(1 << 20) == int64_t{1} << 24);
  CHECK(ModelRefBudget(size_t{1} << 40) == kMaxModelRefs);
  for (const int64_t count : {int64_t{1} << 24, int64_t{1} << 40}) {
    CAPTURE(count);
    SaveQuantizedModel(CompileExample("fashion_mlp"), path);
    std::vector<uint8_t> too_many;
    for (int64_t word : {int64_t{0}, int64_t{0}, int64_t{1}, count}) AppendVarint(too_many, word);
    ReplaceFirstList(path, {{"varint_runs", nlohmann::json::binary(too_many)}});
    CHECK_THROWS_WITH_AS(LoadQuantizedModel(path),
                         doctest::Contains("more element references than a model file of its"),
                         FrontendError);
  }
  std::remove(path.c_str());
}

TEST_CASE("a model file of absurd sizes is refused, its products computed without overflow") {
  const std::string path = "quantize_test_sizes.tsm";
  const auto refused = [&](const std::function<void(QuantizedModel&)>& change,
                           const std::string& what) {
    QuantizedModel model = CompileExample("tiny_mlp");
    change(model);
    SaveQuantizedModel(model, path);
    CHECK_THROWS_WITH_AS(LoadQuantizedModel(path),
                         doctest::Contains(("inconsistent " + what).c_str()), FrontendError);
  };
  const auto first_linear = [](QuantizedModel& model) -> LinearOp& {
    for (QOp& op : model.ops) {
      if (auto* linear = std::get_if<LinearOp>(&op)) return *linear;
    }
    FAIL("no linear operator");
    throw;
  };
  refused(
      [](QuantizedModel& m) {
        m.tensors[0].shape = {int64_t{1} << 40, int64_t{1} << 40};
      },
      "shape");
  refused([](QuantizedModel& m) { m.tensors[0].shape = {1, kMaxTensorElements + 1}; }, "shape");
  refused([](QuantizedModel& m) { m.tensors[0].shape = {-1, -4}; }, "shape");
  refused([&](QuantizedModel& m) { first_linear(m).rows = INT64_MAX / 2; }, "linear operator");
  refused([&](QuantizedModel& m) { first_linear(m).depth = int64_t{1} << 62; }, "linear operator");
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
