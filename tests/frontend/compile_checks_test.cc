// What the frontend refuses rather than prove a model other than the one the ONNX file describes,
// or one that lost its precision: a value whose inferred shape is not the declared one, an output
// whose scale a calibration outlier made too coarse (the outlier named) or that is far from float
// on the calibration set, and a maximum wider than the prover takes (refused when the AIR is
// built, which compile does before writing anything; the quantizer splits wide maxima and
// argmaxes into chunks, and their chunks' results again past 4,096 elements, which an argmax and
// a softmax over 4,200 check); and that such refusals name what a user knows: ONNX element types
// by their names, the steps of a decomposed operator by what they compute. And that a comparison
// with a constant threshold keeps every calibration decision float's when a value sits within a
// step of the threshold.
#include <doctest/doctest.h>
#include <onnx/onnx_pb.h>

#include <algorithm>
#include <cmath>
#include <initializer_list>
#include <iterator>
#include <string>
#include <tuple>
#include <utility>

#include "frontend/accuracy.h"
#include "frontend/calibration.h"
#include "frontend/frontend_error.h"
#include "frontend/input_file.h"
#include "frontend/model_air.h"
#include "frontend/onnx_import.h"
#include "frontend/quantize.h"
#include "frontend/quantized_eval.h"
#include "frontend/quantized_model.h"

namespace tensorstark::frontend {
namespace {

std::string TestModel(const std::string& name) {
  return std::string(TENSORSTARK_FRONTEND_TESTS) + "/data/" + name;
}

// An ONNX model of IR version 8 and opset 13, its graph empty.
onnx::ModelProto EmptyModel() {
  onnx::ModelProto model;
  model.set_ir_version(8);
  model.add_opset_import()->set_version(13);
  return model;
}

// Declares a graph input or output: a tensor of ONNX element type `type` and shape `dims`.
void Declare(onnx::ValueInfoProto* value, const std::string& name, int type,
             std::initializer_list<int64_t> dims) {
  value->set_name(name);
  auto* tensor_type = value->mutable_type()->mutable_tensor_type();
  tensor_type->set_elem_type(type);
  for (int64_t dim : dims) tensor_type->mutable_shape()->add_dim()->set_dim_value(dim);
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

// Softmax of logits near 10^4: their scale is 2^2, where the differences of 1 that set the
// weights vanish. The scale of the output is fine; its values are not, and compile says so.
TEST_CASE("an output far from float on the calibration set is refused") {
  onnx::ModelProto model = EmptyModel();
  onnx::GraphProto* graph = model.mutable_graph();
  const std::string x = "x", y = "y";
  onnx::NodeProto* softmax = graph->add_node();
  softmax->set_op_type("Softmax");
  softmax->add_input(x);
  softmax->add_output(y);
  Declare(graph->add_input(), x, onnx::TensorProto::FLOAT, {4});
  Declare(graph->add_output(), y, onnx::TensorProto::FLOAT, {4});
  const Graph g = ImportOnnxBytes(model.SerializeAsString(), "large_logits.onnx");
  const auto refusal = [&](double offset) {
    const std::vector<std::vector<Tensor>> samples = {
        {{DataType::kFloat, {4}, {offset, offset + 1, offset + 2, offset + 3}}}};
    const Calibration calibration = Calibrate(g, samples);
    return MeasureAccuracy(Quantize(g, calibration), samples, calibration.outputs)
        .PrecisionProblem();
  };
  CHECK_FALSE(refusal(0));
  const std::optional<std::string> problem = refusal(10000);
  REQUIRE(problem);
  CHECK(problem->find("output 'y' would lose its precision: on the calibration set it is up to") !=
        std::string::npos);
}

TEST_CASE("a maximum over more elements than the prover's window is proved in chunks") {
  const std::string dir = TestModel("wide_max");
  const Graph graph = ImportOnnxFile(dir + "/model.onnx");
  const QuantizedModel model =
      Quantize(graph, Calibrate(graph, ReadInputSamples(dir + "/calibration.json", graph)));
  int64_t maxima = 0;
  for (const QOp& op : model.ops) {
    const auto* reduce = std::get_if<ReduceOp>(&op);
    REQUIRE(reduce);
    CHECK(reduce->window <= kMaxReduceWindow);
    ++maxima;
  }
  CHECK(maxima == 2);  // two chunks of 40, then the maximum of the two
  const std::vector<Tensor> input = ReadInput(dir + "/input.json", graph);
  const double want = *std::max_element(input[0].values.begin(), input[0].values.end());
  const Tensor got = RunQuantized(model, input).outputs[0];
  CHECK(std::fabs(got.values[0] - want) <=
        std::ldexp(1.0, -model.tensor(model.outputs[0]).frac_bits));
  CHECK_NOTHROW(ModelAir{model});
}

// Row 0 of wide_argmax's input has its maximum at 10 and at 140, in chunks 0 and 2 of 64.
TEST_CASE("an argmax over more elements than the prover's window is proved in chunks") {
  const std::string dir = TestModel("wide_argmax");
  const Graph graph = ImportOnnxFile(dir + "/model.onnx");
  const QuantizedModel model =
      Quantize(graph, Calibrate(graph, ReadInputSamples(dir + "/calibration.json", graph)));
  for (const QOp& op : model.ops) {
    if (const auto* reduce = std::get_if<ReduceOp>(&op)) {
      CHECK(reduce->window <= kMaxReduceWindow);
    }
  }
  const std::vector<Tensor> input = ReadInput(dir + "/input.json", graph);
  const std::vector<double>& x = input[0].values;
  const int64_t n = 150;
  std::vector<int64_t> want;  // per row: the first, then the last index of the maximum
  for (int64_t first_of_row : {int64_t{0}, n}) {
    const auto row = x.begin() + first_of_row;
    const auto max = std::max_element(row, row + n);
    const auto last =
        std::find(std::make_reverse_iterator(row + n), std::make_reverse_iterator(row), *max);
    want.push_back(max - row);
    want.push_back(std::distance(last, std::make_reverse_iterator(row)) - 1);
  }
  REQUIRE(want[0] == 10);
  REQUIRE(want[1] == 140);
  CHECK(RunQuantized(model, input).outputs[0].ints == want);
  CHECK_NOTHROW(ModelAir{model});
}

// Past 64 chunks of 64 (4,096 elements) an argmax and a softmax reduce their chunks' results in
// chunks again: rows of 4,200 (ties across chunks, on a grid of 1/4) against a plain argmax and
// float's softmax.
TEST_CASE("an argmax and a softmax over more than 4,096 elements chunk their chunks") {
  constexpr int64_t n = 4200;
  onnx::ModelProto model = EmptyModel();
  onnx::GraphProto* graph = model.mutable_graph();
  const std::string x = "x", first = "first", last = "last", p = "p", axis = "axis",
                    select_last = "select_last_index";
  for (const auto& [op, out, last_index] :
       {std::tuple{"ArgMax", first, 0}, std::tuple{"ArgMax", last, 1},
        std::tuple{"Softmax", p, -1}}) {
    onnx::NodeProto* node = graph->add_node();
    node->set_op_type(op);
    node->add_input(x);
    node->add_output(out);
    if (last_index < 0) continue;
    for (const auto& [attribute_name, value] :
         {std::pair{axis, int64_t{1}}, std::pair{select_last, int64_t{last_index}}}) {
      onnx::AttributeProto* attribute = node->add_attribute();
      attribute->set_name(attribute_name);
      attribute->set_type(onnx::AttributeProto::INT);
      attribute->set_i(value);
    }
  }
  Declare(graph->add_input(), x, onnx::TensorProto::FLOAT, {1, n});
  Declare(graph->add_output(), first, onnx::TensorProto::INT64, {1, 1});
  Declare(graph->add_output(), last, onnx::TensorProto::INT64, {1, 1});
  Declare(graph->add_output(), p, onnx::TensorProto::FLOAT, {1, n});
  const Graph g = ImportOnnxBytes(model.SerializeAsString(), "wide_rows.onnx");
  std::vector<std::vector<Tensor>> samples;
  for (int s = 0; s < 4; ++s) {
    Tensor sample{DataType::kFloat, {1, n}, {}};
    for (int64_t i = 0; i < n; ++i) sample.values.push_back(0.25 * ((i * 37 + s * 11) % 29) - 3);
    sample.values[100 + s] = sample.values[4100 - s] = 5;  // the maximum, in chunks 1 and 64
    samples.push_back({sample});
  }
  const Calibration calibration = Calibrate(g, samples);
  const QuantizedModel q = Quantize(g, calibration);
  bool argmax_levels = false, softmax_levels = false;
  for (const QTensor& t : q.tensors) {
    argmax_levels = argmax_levels || t.name == "first/winning_chunk1";
    softmax_levels = softmax_levels || t.name == "p/lse_value2";
  }
  CHECK(argmax_levels);
  CHECK(softmax_levels);
  for (size_t s = 0; s < samples.size(); ++s) {
    INFO("sample ", s);
    const std::vector<Tensor> got = RunQuantized(q, samples[s]).outputs;
    CHECK(got[0].ints == std::vector<int64_t>{static_cast<int64_t>(100 + s)});
    CHECK(got[1].ints == std::vector<int64_t>{static_cast<int64_t>(4100 - s)});
    const std::vector<double>& want = calibration.outputs[s][2].values;
    const double largest = *std::max_element(want.begin(), want.end());
    for (int64_t i = 0; i < n; ++i) {
      REQUIRE(std::fabs(got[2].values[i] - want[i]) <= 0.01 * largest);
    }
  }
  CHECK_NOTHROW(ModelAir{q});
}

// The quantizer splits every maximum; the AIR refuses one it did not, rather than prove a
// component wider than its constraints take.
TEST_CASE("a maximum wider than the prover's window is refused when the AIR is built") {
  const std::string dir = TestModel("wide_max");
  const Graph graph = ImportOnnxFile(dir + "/model.onnx");
  QuantizedModel model =
      Quantize(graph, Calibrate(graph, ReadInputSamples(dir + "/calibration.json", graph)));
  ReduceOp whole;
  whole.kind = ReduceOp::Kind::kMax;
  whole.window = 80;
  for (int64_t i = 0; i < whole.window; ++i) whole.in.push_back({model.inputs[0], i});
  whole.out = model.outputs[0];
  model.ops = {whole};
  CHECK_THROWS_WITH_AS(ModelAir{model},
                       doctest::Contains("does not support a maximum over more than 64 elements"),
                       FrontendError);
}

TEST_CASE("an unsupported element type is named as ONNX names it") {
  onnx::ModelProto model = EmptyModel();
  onnx::GraphProto* graph = model.mutable_graph();
  onnx::NodeProto* node = graph->add_node();
  node->set_op_type("Identity");
  const std::string x = "x", y = "y";
  node->add_input(x);
  node->add_output(y);
  Declare(graph->add_input(), x, onnx::TensorProto::UINT64, {4});
  Declare(graph->add_output(), y, onnx::TensorProto::UINT64, {4});
  CHECK_THROWS_WITH_AS(ImportOnnxBytes(model.SerializeAsString(), "u64.onnx"),
                       doctest::Contains("model input 'x': element type UINT64 is not supported"),
                       FrontendError);
}

// y = Cast(Greater(x, t)) for one float x read only by the comparison (so its scale is 2^-14 for
// |x| <= 1). t sits at 100.3 steps and a calibration value at 100.4 rounds to step 100: compared
// with floor(t) = 100 it would be decided "not greater"; the threshold moves to 99, between
// that value and the one at step 99, so every calibration decision is float's.
TEST_CASE("a threshold is placed between the calibration values around it") {
  onnx::ModelProto model = EmptyModel();
  onnx::GraphProto* graph = model.mutable_graph();
  // std::string names: GCC 12 misreads protobuf's const char* setters (-Wrestrict).
  const std::string x = "x", t_name = "t", decided = "decided", y = "y", to_name = "to";
  const double step = std::ldexp(1.0, -14);
  onnx::TensorProto* t = graph->add_initializer();
  t->set_name(t_name);
  t->set_data_type(onnx::TensorProto::FLOAT);
  t->add_float_data(static_cast<float>(100.3 * step));
  onnx::NodeProto* greater = graph->add_node();
  greater->set_op_type("Greater");
  greater->add_input(x);
  greater->add_input(t_name);
  greater->add_output(decided);
  onnx::NodeProto* cast = graph->add_node();
  cast->set_op_type("Cast");
  cast->add_input(decided);
  cast->add_output(y);
  onnx::AttributeProto* to = cast->add_attribute();
  to->set_name(to_name);
  to->set_type(onnx::AttributeProto::INT);
  to->set_i(onnx::TensorProto::FLOAT);
  Declare(graph->add_input(), x, onnx::TensorProto::FLOAT, {1});
  Declare(graph->add_output(), y, onnx::TensorProto::FLOAT, {1});
  const Graph g = ImportOnnxBytes(model.SerializeAsString(), "threshold.onnx");
  std::vector<std::vector<Tensor>> samples;
  for (double v : {0.9, 99 * step, 100.4 * step, -0.5}) {
    samples.push_back({{DataType::kFloat, {1}, {static_cast<double>(static_cast<float>(v))}}});
  }
  const Calibration calibration = Calibrate(g, samples);
  const QuantizedModel q = Quantize(g, calibration);
  REQUIRE(q.tensor(q.inputs[0]).frac_bits == 14);
  for (size_t s = 0; s < samples.size(); ++s) {
    INFO("calibration sample ", s);
    CHECK(RunQuantized(q, samples[s]).outputs[0].AsDoubles() ==
          calibration.outputs[s][0].AsDoubles());
  }
}

TEST_CASE("a step of a decomposed operator is described by what it computes") {
  QuantizedModel model;
  for (std::string name : {"probs", "probs/max", "probs/variance", "a/max", "/fc1/Relu_output_0"}) {
    model.tensors.emplace_back().name = std::move(name);
  }
  CHECK(DescribeTensor(model, 0) == "'probs'");
  CHECK(DescribeTensor(model, 1) == "the row maxima in the softmax computing 'probs'");
  CHECK(DescribeTensor(model, 2) == "the row variances in the normalization computing 'probs'");
  // An ONNX value whose name only looks like a step: there is no tensor 'a'.
  CHECK(DescribeTensor(model, 3) == "'a/max'");
  CHECK(DescribeTensor(model, 4) == "'/fc1/Relu_output_0'");
}

// Every tensor quantize.cc adds for a step of a softmax or a log-softmax (over short and long
// rows, masked too), of an argmax over chunks or of a normalization gets a description: a new
// step without one would show its internal name in errors.
TEST_CASE("every step of the decomposed operators is described") {
  onnx::ModelProto softmaxes = EmptyModel();
  onnx::GraphProto* graph = softmaxes.mutable_graph();
  const std::string x = "x", p = "p", l = "l", long_x = "long_x", long_p = "long_p",
                    long_l = "long_l";
  for (const auto& [op, in, out] :
       {std::tuple{"Softmax", x, p}, std::tuple{"LogSoftmax", x, l},
        std::tuple{"Softmax", long_x, long_p}, std::tuple{"LogSoftmax", long_x, long_l}}) {
    onnx::NodeProto* node = graph->add_node();
    node->set_op_type(op);
    node->add_input(in);
    node->add_output(out);
  }
  constexpr int kLong = 300;
  const auto f = onnx::TensorProto::FLOAT;
  Declare(graph->add_input(), x, f, {1, 8});
  Declare(graph->add_input(), long_x, f, {1, kLong});
  Declare(graph->add_output(), p, f, {1, 8});
  Declare(graph->add_output(), l, f, {1, 8});
  Declare(graph->add_output(), long_p, f, {1, kLong});
  Declare(graph->add_output(), long_l, f, {1, kLong});
  const Graph softmax_graph = ImportOnnxBytes(softmaxes.SerializeAsString(), "softmaxes");
  std::vector<std::vector<Tensor>> samples;
  for (int s = 0; s < 4; ++s) {
    std::vector<Tensor> sample{{DataType::kFloat, {1, 8}, {}}, {DataType::kFloat, {1, kLong}, {}}};
    for (Tensor& t : sample) {
      for (int i = 0; i < t.shape[1]; ++i) t.values.push_back(0.37 * ((s * 8 + i) % 11) - 1.5);
    }
    samples.push_back(sample);
  }
  const std::string layer_norm = TestModel("layer_norm");
  const Graph layer_norm_graph = ImportOnnxFile(layer_norm + "/model.onnx");
  const std::string masked = TestModel("long_softmax"), argmax = TestModel("wide_argmax");
  const Graph masked_graph = ImportOnnxFile(masked + "/model.onnx");
  const Graph argmax_graph = ImportOnnxFile(argmax + "/model.onnx");
  const std::pair<const Graph*, std::vector<std::vector<Tensor>>> cases[] = {
      {&softmax_graph, samples},
      {&layer_norm_graph, ReadInputSamples(layer_norm + "/calibration.json", layer_norm_graph)},
      {&masked_graph, ReadInputSamples(masked + "/calibration.json", masked_graph)},
      {&argmax_graph, ReadInputSamples(argmax + "/calibration.json", argmax_graph)}};
  for (const auto& [graph_of_case, case_samples] : cases) {
    const QuantizedModel model = Quantize(*graph_of_case, Calibrate(*graph_of_case, case_samples));
    size_t steps = 0;
    for (TensorId id = 0; id < static_cast<TensorId>(model.tensors.size()); ++id) {
      const std::string& name = model.tensor(id).name;
      const bool is_value = std::any_of(graph_of_case->values.begin(), graph_of_case->values.end(),
                                        [&](const Value& v) { return v.name == name; });
      if (is_value) continue;
      ++steps;
      CHECK_MESSAGE(DescribeTensor(model, id) != "'" + name + "'", name);
    }
    CHECK(steps >= 5);
  }
}

}  // namespace
}  // namespace tensorstark::frontend
