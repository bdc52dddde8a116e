// Graph passes and index maps on graphs built by hand.
#include "frontend/passes.h"

#include <doctest/doctest.h>

#include <random>

#include "frontend/float_eval.h"
#include "frontend/frontend_error.h"
#include "frontend/index_map.h"

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

// The index map of a single-operand node on an operand of `shape`.
IndexMap MapOf(Node node, const Shape& shape, std::vector<Tensor> constants = {}) {
  std::vector<Operand> operands = {{DataType::kFloat, &shape, nullptr}};
  for (const Tensor& c : constants) operands.push_back(OperandOf(&c));
  return ComputeIndexMap(node, operands);
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

TEST_CASE("unsupported attributes and non-constant operands are named in the error") {
  Node node{"n", "Transpose", 13, {}, {}, {{"color", std::string("red")}}};
  CHECK_THROWS_WITH_AS(MapOf(node, {2}), "node 'n' (Transpose): attribute 'color' is not supported",
                       FrontendError);
  Node reshape{"r", "Reshape", 13, {}, {}, {}};
  const Shape shape = {2};
  const Shape target = {2};
  std::vector<Operand> operands = {{DataType::kFloat, &shape, nullptr},
                                   {DataType::kInt64, &target, nullptr}};
  CHECK_THROWS_WITH_AS(ComputeIndexMap(reshape, operands),
                       "node 'r' (Reshape): operand 1 must be a constant (an initializer)",
                       FrontendError);
}

}  // namespace
}  // namespace tensorstark::frontend
