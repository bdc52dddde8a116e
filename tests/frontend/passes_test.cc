// Graph passes, index maps and integer constant folding on graphs built by hand.
#include "frontend/passes.h"

#include <doctest/doctest.h>

#include <cmath>
#include <map>
#include <random>
#include <tuple>

#include "frontend/float_eval.h"
#include "frontend/frontend_error.h"
#include "frontend/index_map.h"
#include "frontend/ops.h"

namespace tensorstark::frontend {
namespace {

Tensor Random(Shape shape, std::mt19937& rng, double lo = -1, double hi = 1) {
  Tensor t = Tensor::Zeros(DataType::kFloat, std::move(shape));
  std::uniform_real_distribution<double> dist(lo, hi);
  for (double& v : t.values) v = static_cast<float>(dist(rng));
  return t;
}

ValueId Constant(Graph& g, const std::string& name, Tensor t) {
  return g.AddValue({name, t.type, t.shape, t});
}

// x [1, 2, 5, 5] → Conv (3 channels, 3×3, bias) → BatchNormalization → y.
Graph ConvBatchNorm(std::mt19937& rng) {
  Graph g;
  const ValueId x = g.AddValue({"x", DataType::kFloat, {1, 2, 5, 5}, {}});
  g.inputs = {x};
  const ValueId w = Constant(g, "w", Random({3, 2, 3, 3}, rng));
  const ValueId b = Constant(g, "b", Random({3}, rng));
  const ValueId z = g.AddValue({"z", DataType::kFloat, {}, {}});
  g.nodes.push_back(
      {"conv", "Conv", 13, {x, w, b}, {z}, {{"pads", std::vector<int64_t>{1, 1, 1, 1}}}});
  std::vector<ValueId> bn_inputs = {z};
  for (const char* name : {"gamma", "beta", "mean"}) {
    bn_inputs.push_back(Constant(g, name, Random({3}, rng)));
  }
  bn_inputs.push_back(Constant(g, "var", Random({3}, rng, 0.5, 2)));
  const ValueId y = g.AddValue({"y", DataType::kFloat, {}, {}});
  g.nodes.push_back({"bn", "BatchNormalization", 13, bn_inputs, {y}, {{"epsilon", 1e-3}}});
  g.outputs = {y};
  InferShapesAndFoldConstants(g);
  return g;
}

TEST_CASE("BatchNormalization folds into the preceding Conv without changing the outputs") {
  std::mt19937 rng(1);
  Graph g = ConvBatchNorm(rng);
  const std::vector<Tensor> input = {Random({1, 2, 5, 5}, rng)};
  const Tensor before = RunFloat(g, input)[0];
  SimplifyGraph(g);
  REQUIRE(g.nodes.size() == 1);
  CHECK(g.nodes[0].op_type == "Conv");
  const Tensor after = RunFloat(g, input)[0];
  REQUIRE(after.shape == before.shape);
  for (int64_t i = 0; i < after.size(); ++i) {
    CHECK(after.values[i] == doctest::Approx(before.values[i]).epsilon(1e-5));
  }
}

TEST_CASE("a Conv output read twice keeps its BatchNormalization") {
  std::mt19937 rng(2);
  Graph g = ConvBatchNorm(rng);
  g.outputs.push_back(g.nodes[0].outputs[0]);  // z is also a model output
  SimplifyGraph(g);
  CHECK(g.nodes.size() == 2);
}

// The index maps of a single-operand node on an operand of `shape`, one per output.
std::vector<IndexMap> MapsOf(Node node, const Shape& shape, std::vector<Tensor> constants = {}) {
  std::vector<Operand> operands = {{DataType::kFloat, &shape, nullptr}};
  for (const Tensor& c : constants) operands.push_back(OperandOf(&c));
  return ComputeIndexMaps(node, operands);
}

// The index map of a single-output node.
IndexMap MapOf(Node node, const Shape& shape, std::vector<Tensor> constants = {}) {
  return MapsOf(std::move(node), shape, std::move(constants)).at(0);
}

std::vector<int64_t> Sources(const IndexMap& map) {
  std::vector<int64_t> indices;
  for (const ElementSource& s : map.sources) {
    indices.push_back(s.operand == ElementSource::kFill ? -1 : s.index);
  }
  return indices;
}

TEST_CASE("index maps of shape operators") {
  Node transpose{"t", "Transpose", 13, {}, {}, {{"perm", std::vector<int64_t>{1, 0}}}};
  const IndexMap t = MapOf(transpose, {2, 3});
  CHECK(t.shape == Shape{3, 2});
  CHECK(Sources(t) == std::vector<int64_t>{0, 3, 1, 4, 2, 5});

  // Backwards with step -2 from the end: elements 4, 2, 0.
  Node slice{"s", "Slice", 13, {}, {}, {}};
  const IndexMap s = MapOf(
      slice, {5},
      {Tensor::Int64s({-1}), Tensor::Int64s({-10}), Tensor::Int64s({0}), Tensor::Int64s({-2})});
  CHECK(Sources(s) == std::vector<int64_t>{4, 2, 0});

  // Bounds and steps at int64's extremes, as torch exports open slices: no overflow, ONNX's
  // clamping (x[6:], x[-1:], x[::-1], x[::INT64_MAX], and backwards from before the start).
  constexpr int64_t kMax = INT64_MAX, kMin = INT64_MIN;
  const auto slice_of = [&](int64_t start, int64_t end, int64_t step) {
    return Sources(MapOf(slice, {8},
                         {Tensor::Int64s({start}), Tensor::Int64s({end}), Tensor::Int64s({0}),
                          Tensor::Int64s({step})}));
  };
  CHECK(slice_of(6, kMax, 1) == std::vector<int64_t>{6, 7});
  CHECK(slice_of(-1, kMax, 1) == std::vector<int64_t>{7});
  CHECK(slice_of(-1, kMin, -1) == std::vector<int64_t>{7, 6, 5, 4, 3, 2, 1, 0});
  CHECK(slice_of(0, kMax, kMax) == std::vector<int64_t>{0});
  CHECK(slice_of(kMax, kMin, kMin) == std::vector<int64_t>{7});
  CHECK(slice_of(kMin, kMin, -1) == std::vector<int64_t>{0});  // start clamps to 0 backwards
  CHECK(slice_of(kMin, kMax, 1) == std::vector<int64_t>{0, 1, 2, 3, 4, 5, 6, 7});
  CHECK(MapOf(slice, {0}, {Tensor::Int64s({0}), Tensor::Int64s({kMax})}).shape == Shape{0});

  Node pad{"p", "Pad", 13, {}, {}, {{"mode", std::string("reflect")}}};
  CHECK(Sources(MapOf(pad, {3}, {Tensor::Int64s({2, 1})})) ==
        std::vector<int64_t>{2, 1, 0, 1, 2, 1});
  Node constant_pad{"p", "Pad", 13, {}, {}, {}};
  CHECK(Sources(MapOf(constant_pad, {2}, {Tensor::Int64s({1, 0})})) ==
        std::vector<int64_t>{-1, 0, 1});

  Node gather{"g", "Gather", 13, {}, {}, {{"axis", int64_t{1}}}};
  const IndexMap g = MapOf(gather, {2, 3}, {Tensor::Int64s({2, -3})});
  CHECK(g.shape == Shape{2, 2});
  CHECK(Sources(g) == std::vector<int64_t>{2, 0, 5, 3});

  Node reshape{"r", "Reshape", 13, {}, {}, {}};
  CHECK(MapOf(reshape, {2, 3, 4}, {Tensor::Int64s({0, -1})}).shape == Shape{2, 12});
  CHECK_THROWS_AS(MapOf(reshape, {2, 3}, {Tensor::Int64s({4, -1})}), FrontendError);
}

TEST_CASE("Split cuts an axis into an index map per output") {
  // A fused QKV projection's [2, 6] split in three along its last axis: columns 0-1, 2-3, 4-5.
  const Node thirds{"s", "Split", 13, {}, {0, 1, 2}, {{"axis", int64_t{-1}}}};
  const std::vector<IndexMap> parts = MapsOf(thirds, {2, 6});
  REQUIRE(parts.size() == 3);
  CHECK(parts[1].shape == Shape{2, 2});
  CHECK(Sources(parts[0]) == std::vector<int64_t>{0, 1, 6, 7});
  CHECK(Sources(parts[2]) == std::vector<int64_t>{4, 5, 10, 11});

  // Sizes from the `split` operand (opset 13) or attribute (opset 11).
  const Node two{"s", "Split", 13, {}, {0, 1}, {}};
  const std::vector<IndexMap> sized = MapsOf(two, {5}, {Tensor::Int64s({2, 3})});
  CHECK(Sources(sized[0]) == std::vector<int64_t>{0, 1});
  CHECK(Sources(sized[1]) == std::vector<int64_t>{2, 3, 4});
  const Node attribute{"s", "Split", 11, {}, {0, 1}, {{"split", std::vector<int64_t>{4, 1}}}};
  CHECK(Sources(MapsOf(attribute, {5})[1]) == std::vector<int64_t>{4});

  // From opset 18 the last of equal parts may be smaller; before, the parts must divide the axis.
  const Node ceil{"s", "Split", 18, {}, {0, 1, 2}, {{"num_outputs", int64_t{3}}}};
  const std::vector<IndexMap> uneven = MapsOf(ceil, {7});
  CHECK(uneven[0].shape == Shape{3});
  CHECK(Sources(uneven[2]) == std::vector<int64_t>{6});
  const Node before{"s", "Split", 13, {}, {0, 1, 2}, {}};
  CHECK_THROWS_WITH_AS(MapsOf(before, {7}),
                       "node 's' (Split): an axis of 7 does not split into 3 equal parts",
                       FrontendError);
  CHECK_THROWS_WITH_AS(MapsOf(two, {5}, {Tensor::Int64s({2, 2})}),
                       "node 's' (Split): 2 parts summing to 4 for 2 outputs along an axis of 5",
                       FrontendError);
}

// One node on constant operands, evaluated as constant folding does.
using Attributes = std::map<std::string, Attribute>;

Tensor Fold(const std::string& op_type, const std::vector<Tensor>& operands,
            Attributes attributes = {}) {
  const Node node{"n", op_type, 13, {}, {0}, std::move(attributes)};
  std::vector<const Tensor*> inputs;
  for (const Tensor& t : operands) inputs.push_back(&t);
  return EvaluateNode(node, inputs).at(0);
}

TEST_CASE("integer constants fold exactly, and an integer result that does not exist is refused") {
  constexpr int64_t kMax = INT64_MAX;
  // Through a double, kMax - 1 + 1 would be 2^63, and 2^60 + 1 would lose its 1.
  CHECK(Fold("Add", {Tensor::Int64s({kMax - 1}), Tensor::Int64s({1})}).ints == std::vector{kMax});
  CHECK(Fold("Mul", {Tensor::Int64s({(int64_t{1} << 40) + 1}), Tensor::Int64s({1 << 20})}).ints ==
        std::vector<int64_t>{(int64_t{1} << 60) + (1 << 20)});
  CHECK(Fold("Div", {Tensor::Int64s({-7, 7}), Tensor::Int64s({2})}).ints ==
        std::vector<int64_t>{-3, 3});
  CHECK(Fold("Pow", {Tensor::Int64s({3, -2}), Tensor::Int64s({4, 3})}).ints ==
        std::vector<int64_t>{81, -8});
  CHECK(Fold("Less", {Tensor::Int64s({kMax - 1}), Tensor::Int64s({kMax})}).ints ==
        std::vector<int64_t>{1});
  CHECK(Fold("Neg", {Tensor::Int64s({kMax})}).ints == std::vector<int64_t>{-kMax});
  for (const auto& [op, a, b] : {std::tuple{"Add", kMax, int64_t{1}},
                                 {"Mul", kMax, int64_t{2}},
                                 {"Div", int64_t{1}, int64_t{0}},
                                 {"Pow", int64_t{2}, int64_t{63}}}) {
    CAPTURE(op);
    CHECK_THROWS_WITH_AS(Fold(op, {Tensor::Int64s({a}), Tensor::Int64s({b})}),
                         doctest::Contains("has no int64 result"), FrontendError);
  }
  CHECK_THROWS_WITH_AS(Fold("Neg", {Tensor::Int64s({INT64_MIN})}),
                       doctest::Contains("overflows int64"), FrontendError);

  // Cast truncates toward zero and refuses what int64 cannot hold.
  const Attributes to_int64 = {{"to", int64_t{7}}};
  CHECK(Fold("Cast", {Tensor{DataType::kFloat, {2}, {-2.7, 2.7}}}, to_int64).ints ==
        std::vector<int64_t>{-2, 2});
  for (double x : {std::nan(""), 0x1p63, -0x1p64}) {
    CHECK_THROWS_WITH_AS(Fold("Cast", {Tensor::Scalar(x)}, to_int64),
                         doctest::Contains("outside int64's range"), FrontendError);
  }
  CHECK(Fold("Cast", {Tensor::Int64s({kMax})}, {{"to", int64_t{1}}}).values ==
        std::vector<double>{0x1p63});  // the nearest float32, as ONNX defines it
}

TEST_CASE("an operator that computes on floats refuses an integer operand at import") {
  Graph g;
  const ValueId x = Constant(g, "x", Tensor::Int64s({1, 2}));
  const ValueId y = g.AddValue({"y", DataType::kFloat, {}, {}});
  g.nodes.push_back({"sig", "Sigmoid", 13, {x}, {y}, {}});
  g.outputs = {y};
  CHECK_THROWS_WITH_AS(InferShapesAndFoldConstants(g),
                       "node 'sig' (Sigmoid): operand 0 is int64; this operator takes float values",
                       FrontendError);
}

TEST_CASE("unsupported attributes and non-constant operands are named in the error") {
  Node node{"n", "Transpose", 13, {}, {}, {{"color", std::string("red")}}};
  CHECK_THROWS_WITH_AS(MapOf(node, {2}), "node 'n' (Transpose): attribute 'color' is not supported",
                       FrontendError);
  Node reshape{"r", "Reshape", 13, {}, {}, {}};
  const Shape shape = {2};
  const Shape target = {2};
  std::vector<Operand> operands = {{DataType::kFloat, &shape, nullptr},
                                   {DataType::kInt64, &target, nullptr}};
  CHECK_THROWS_WITH_AS(ComputeIndexMaps(reshape, operands),
                       "node 'r' (Reshape): operand 1 must be a constant (an initializer)",
                       FrontendError);
}

}  // namespace
}  // namespace tensorstark::frontend
