#include "frontend/onnx_ml.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <numeric>
#include <utility>

#include "frontend/frontend_error.h"
#include "frontend/node_emitter.h"

namespace tensorstark::frontend {
namespace {

// post_transform on scores [N, C] with C > 1, written to the node's output `output_index`.
void PostTransform(NodeEmitter& l, ValueId scores, size_t output_index) {
  const std::string transform = l.node().String("post_transform", "NONE");
  if (transform == "NONE") {
    l.Final("Identity", {scores}, output_index);
  } else if (transform == "LOGISTIC") {
    l.Final("Sigmoid", {scores}, output_index);
  } else if (transform == "SOFTMAX") {
    l.Final("Softmax", {scores}, output_index, {{"axis", int64_t{-1}}});
  } else {
    l.Refuse(fmt::format("post_transform '{}' is not supported (NONE, LOGISTIC, SOFTMAX are)",
                         transform));
  }
}

// A classifier's class labels, which must be integers (the quantizer computes numbers), two or
// more (onnxruntime labels a one-class model by its own rule).
std::vector<int64_t> ClassLabels(const NodeEmitter& l) {
  if (l.node().Has("classlabels_strings")) {
    l.Refuse("string class labels are not supported; train with integer labels (0, 1, ...)");
  }
  // LinearClassifier names them classlabels_ints, the tree ensembles classlabels_int64s.
  const std::vector<int64_t> labels = l.node().Has("classlabels_ints")
                                          ? l.node().Ints("classlabels_ints", {})
                                          : l.node().Ints("classlabels_int64s", {});
  if (labels.size() < 2)
    l.Refuse(fmt::format("{} class label(s): two or more are supported", labels.size()));
  return labels;
}

// The label output: the class whose score in `decided` [N, C] is largest, the first on a tie.
void LabelOutput(NodeEmitter& l, ValueId decided) {
  if (l.output(0) == kNoValue) return;
  const std::vector<int64_t> labels = ClassLabels(l);
  std::vector<int64_t> iota(labels.size());
  std::iota(iota.begin(), iota.end(), 0);
  const std::map<std::string, Attribute> argmax = {{"axis", int64_t{1}}, {"keepdims", int64_t{0}}};
  if (labels == iota) {
    l.Final("ArgMax", {decided}, 0, argmax);
  } else {
    l.Final("Gather", {l.Int64s(labels), l.Op("ArgMax", {decided}, argmax)}, 0);
  }
}

// Outputs of a classifier with a score per class, raw [N, C]: the label of the largest raw score
// (as onnxruntime decides it: post_transform keeps each row's order) and the transformed scores.
void MulticlassOutputs(NodeEmitter& l, ValueId raw) {
  LabelOutput(l, raw);
  if (l.output(1) != kNoValue) PostTransform(l, raw, 1);
}

// onnxruntime's binary case, one score column p for two labels: with a negative weight the
// scores are the logistic of [-p, p] (LOGISTIC, what skl2onnx writes); with every weight at
// least 0 (p a probability already) [1 - p, p] and no transform (NONE). The label is the larger
// of the two. The other transforms are refused: onnxruntime's versions disagree on them.
void BinaryOutputs(NodeEmitter& l, ValueId p, bool positive_weights) {
  const std::string transform = l.node().String("post_transform", "NONE");
  if (transform != (positive_weights ? "NONE" : "LOGISTIC")) {
    l.Refuse(
        fmt::format("binary scores {} and post_transform '{}': onnxruntime's versions "
                    "disagree on what that computes ({} is supported)",
                    positive_weights ? "with no negative weight" : "with negative weights",
                    transform, positive_weights ? "NONE" : "LOGISTIC"));
  }
  const ValueId other = positive_weights ? l.Op("Sub", {l.Floats({1.0}, {}), p}) : l.Op("Neg", {p});
  const ValueId both = l.Op("Concat", {other, p}, {{"axis", int64_t{1}}});
  LabelOutput(l, both);
  if (l.output(1) == kNoValue) return;
  l.Final(positive_weights ? "Identity" : "Sigmoid", {both}, 1);
}

// Scaler: (x - offset) · scale, each a single value or one per feature.
void LowerScaler(NodeEmitter& l) {
  l.node().CheckAttributes({"offset", "scale"});
  const std::vector<double> offset = l.node().Floats("offset");
  std::vector<double> scale = l.node().Floats("scale");
  if (scale.empty()) scale = {1.0};
  ValueId x = l.input();
  if (!offset.empty()) {
    x = l.Op("Sub", {x, l.Floats(offset, {static_cast<int64_t>(offset.size())})});
  }
  const auto size = static_cast<int64_t>(scale.size());
  l.Final("Mul", {x, l.Floats(std::move(scale), {size})}, 0);
}

// Normalizer: each row divided by its largest value (MAX), its sum of magnitudes (L1) or its
// Euclidean length (L2).
void LowerNormalizer(NodeEmitter& l) {
  l.node().CheckAttributes({"norm"});
  const std::string norm = l.node().String("norm", "MAX");
  const std::map<std::string, Attribute> last_axis = {{"axes", std::vector<int64_t>{-1}},
                                                      {"keepdims", int64_t{1}}};
  ValueId divisor;
  if (norm == "MAX") {
    divisor = l.Op("ReduceMax", {l.input()}, last_axis);
  } else if (norm == "L1") {
    divisor = l.Op("ReduceSum", {l.Op("Abs", {l.input()})}, last_axis);
  } else if (norm == "L2") {
    divisor = l.Op("Sqrt", {l.Op("ReduceSum", {l.Op("Mul", {l.input(), l.input()})}, last_axis)});
  } else {
    l.Refuse(fmt::format("norm '{}' is not MAX, L1 or L2", norm));
  }
  l.Final("Div", {l.input(), divisor}, 0);
}

// LinearClassifier and LinearRegressor: x · coefficientsᵀ + intercepts, one row of coefficients
// per class or target.
ValueId LinearScores(NodeEmitter& l, int64_t rows) {
  const std::vector<double> coefficients = l.node().Floats("coefficients");
  std::vector<double> intercepts = l.node().Floats("intercepts");
  if (rows <= 0 || coefficients.empty() || coefficients.size() % rows != 0) {
    l.Refuse(fmt::format("{} coefficients for {} rows", coefficients.size(), rows));
  }
  if (intercepts.empty()) intercepts.assign(rows, 0.0);
  if (static_cast<int64_t>(intercepts.size()) != rows) {
    l.Refuse(fmt::format("{} intercepts for {} rows", intercepts.size(), rows));
  }
  const int64_t features = static_cast<int64_t>(coefficients.size()) / rows;
  return l.Op("Gemm",
              {l.input(), l.Floats(coefficients, {rows, features}), l.Floats(intercepts, {rows})},
              {{"transB", int64_t{1}}});
}

// One row of coefficients for two labels is onnxruntime's binary case, where the scores are
// [1 - s, s] under NONE, LOGISTIC or SOFTMAX (it drops them; PROBIT is refused) and the label is
// 1 when s > 0.
void LowerLinearClassifier(NodeEmitter& l) {
  l.node().CheckAttributes({"coefficients", "intercepts", "classlabels_ints", "classlabels_strings",
                            "multi_class", "post_transform"});
  const auto classes = static_cast<int64_t>(ClassLabels(l).size());
  const auto rows = static_cast<int64_t>(l.node().Floats("intercepts").size());
  if (rows == 1 && classes == 2) {
    const std::string transform = l.node().String("post_transform", "NONE");
    if (transform == "PROBIT" || transform == "SOFTMAX_ZERO") {
      l.Refuse(fmt::format("post_transform '{}' is not supported", transform));
    }
    const ValueId s = LinearScores(l, 1);
    LabelOutput(l, l.Op("Concat", {l.Op("Neg", {s}), s}, {{"axis", int64_t{1}}}));
    if (l.output(1) != kNoValue) {
      l.Final("Concat", {l.Op("Sub", {l.Floats({1.0}, {}), s}), s}, 1, {{"axis", int64_t{1}}});
    }
    return;
  }
  if (rows != classes) l.Refuse(fmt::format("{} intercepts for {} class labels", rows, classes));
  MulticlassOutputs(l, LinearScores(l, rows));
}

// One target gets no post_transform in onnxruntime but PROBIT (an open issue there), so a
// transform is refused rather than guessed.
void LowerLinearRegressor(NodeEmitter& l) {
  l.node().CheckAttributes({"coefficients", "intercepts", "targets", "post_transform"});
  const int64_t targets = l.node().Int("targets", 1);
  if (targets == 1 && l.node().String("post_transform", "NONE") != "NONE") {
    l.Refuse("post_transform on one target: onnxruntime ignores it, other runtimes do not");
  }
  PostTransform(l, LinearScores(l, targets), 0);
}

// The attribute `name`, or its '_as_tensor' form (ai.onnx.ml 3), as doubles.
std::vector<double> FloatsOrTensor(const Node& node, const std::string& name) {
  const std::string tensor = name + "_as_tensor";
  return node.Has(tensor) ? node.TensorAttribute(tensor).AsDoubles() : node.Floats(name);
}

// The comparison each branch mode makes (true goes to the true child); BRANCH_NEQ is BRANCH_EQ
// with its children swapped.
const char* ComparisonOf(const std::string& mode) {
  if (mode == "BRANCH_LEQ") return "LessOrEqual";
  if (mode == "BRANCH_LT") return "Less";
  if (mode == "BRANCH_GTE") return "GreaterOrEqual";
  if (mode == "BRANCH_GT") return "Greater";
  if (mode == "BRANCH_EQ" || mode == "BRANCH_NEQ") return "Equal";
  return nullptr;
}

void LowerTreeEnsemble(NodeEmitter& l) {
  const Node& node = l.node();
  const bool classifier = node.op_type == "TreeEnsembleClassifier";
  const std::string prefix = classifier ? "class" : "target";
  std::vector<const char*> attributes = {"nodes_treeids",
                                         "nodes_nodeids",
                                         "nodes_featureids",
                                         "nodes_modes",
                                         "nodes_values",
                                         "nodes_values_as_tensor",
                                         "nodes_truenodeids",
                                         "nodes_falsenodeids",
                                         "nodes_missing_value_tracks_true",
                                         "nodes_hitrates",
                                         "nodes_hitrates_as_tensor",
                                         "base_values",
                                         "base_values_as_tensor",
                                         "post_transform"};
  const std::vector<const char*> own =
      classifier
          ? std::vector<const char*>{"classlabels_int64s",
                                     "classlabels_strings",
                                     "class_treeids",
                                     "class_nodeids",
                                     "class_ids",
                                     "class_weights",
                                     "class_weights_as_tensor"}
          : std::vector<const char*>{"target_treeids",    "target_nodeids",           "target_ids",
                                     "target_weights",    "target_weights_as_tensor", "n_targets",
                                     "aggregate_function"};
  attributes.insert(attributes.end(), own.begin(), own.end());
  node.CheckAttributes(attributes);
  for (int64_t tracks : node.Ints("nodes_missing_value_tracks_true", {})) {
    // Only a missing (NaN) value follows it, and quantized inputs are never NaN; refused so
    // that the float semantics stay onnxruntime's.
    if (tracks != 0) l.Refuse("nodes_missing_value_tracks_true is not supported");
  }
  const std::vector<int64_t> tree_ids = node.Ints("nodes_treeids", {});
  const std::vector<int64_t> node_ids = node.Ints("nodes_nodeids", {});
  const std::vector<int64_t> features = node.Ints("nodes_featureids", {});
  const std::vector<std::string> modes = node.Strings("nodes_modes");
  const std::vector<double> thresholds = FloatsOrTensor(node, "nodes_values");
  const std::vector<int64_t> true_ids = node.Ints("nodes_truenodeids", {});
  const std::vector<int64_t> false_ids = node.Ints("nodes_falsenodeids", {});
  const size_t n = tree_ids.size();
  if (n == 0) l.Refuse("has no tree nodes");
  for (size_t size : {node_ids.size(), features.size(), modes.size(), thresholds.size(),
                      true_ids.size(), false_ids.size()}) {
    if (size != n) l.Refuse("the nodes_* attributes have different lengths");
  }
  const std::string aggregate = node.String("aggregate_function", "SUM");
  if (aggregate != "SUM" && aggregate != "AVERAGE") {
    l.Refuse(fmt::format("aggregate_function '{}' is not supported (SUM, AVERAGE are)", aggregate));
  }

  // The nodes by (tree, id); a tree's root is its node no other node points to.
  std::map<std::pair<int64_t, int64_t>, size_t> index;
  std::map<int64_t, std::vector<size_t>> trees;
  for (size_t i = 0; i < n; ++i) {
    if (!index.emplace(std::pair{tree_ids[i], node_ids[i]}, i).second) {
      l.Refuse(fmt::format("tree {} has two nodes {}", tree_ids[i], node_ids[i]));
    }
    trees[tree_ids[i]].push_back(i);
  }
  const auto child = [&](size_t i, int64_t id) {
    auto it = index.find({tree_ids[i], id});
    if (it == index.end()) {
      l.Refuse(
          fmt::format("tree {} node {} points to a missing node {}", tree_ids[i], node_ids[i], id));
    }
    return it->second;
  };

  // Each branch node's decision, grouped by comparison: group g compares the gathered features
  // with their thresholds; `column[i]` is branch i's column among all decisions.
  std::map<std::string, std::vector<size_t>> groups;
  std::vector<int64_t> column(n, -1);
  for (size_t i = 0; i < n; ++i) {
    if (modes[i] == "LEAF") continue;
    const char* comparison = ComparisonOf(modes[i]);
    if (!comparison) l.Refuse(fmt::format("node mode '{}' is not supported", modes[i]));
    groups[comparison].push_back(i);
  }
  std::vector<ValueId> decisions;
  int64_t branches = 0;
  for (const auto& [comparison, members] : groups) {
    std::vector<int64_t> gathered;
    std::vector<double> values;
    for (size_t i : members) {
      column[i] = branches++;
      gathered.push_back(features[i]);
      values.push_back(thresholds[i]);
    }
    const ValueId x = l.Op("Gather", {l.input(), l.Int64s(gathered)}, {{"axis", int64_t{1}}});
    const ValueId decided =
        l.Op(comparison, {x, l.Floats(values, {static_cast<int64_t>(values.size())})});
    decisions.push_back(l.Op("Cast", {decided}, {{"to", int64_t{1}}}));  // to FLOAT
  }

  // Leaf weights: one column per class or target.
  const std::vector<int64_t> weight_trees = node.Ints(prefix + "_treeids", {});
  const std::vector<int64_t> weight_nodes = node.Ints(prefix + "_nodeids", {});
  const std::vector<int64_t> weight_columns = node.Ints(prefix + "_ids", {});
  const std::vector<double> weights = FloatsOrTensor(node, prefix + "_weights");
  if (weight_nodes.size() != weight_trees.size() || weight_columns.size() != weight_trees.size() ||
      weights.size() != weight_trees.size()) {
    l.Refuse(fmt::format("the {}_* attributes have different lengths", prefix));
  }
  int64_t columns = classifier ? 1 : node.Int("n_targets", 1);
  for (int64_t c : weight_columns) {
    if (c < 0) l.Refuse(fmt::format("{} id {} is negative", prefix, c));
    if (classifier) columns = std::max(columns, c + 1);
    if (c >= columns) l.Refuse(fmt::format("target id {} is not below n_targets {}", c, columns));
  }
  const double tree_weight = aggregate == "AVERAGE" ? 1.0 / static_cast<double>(trees.size()) : 1.0;
  std::map<size_t, std::vector<double>> leaf_weights;  // by node index
  std::map<size_t, std::vector<bool>> leaf_scores;     // the columns each leaf has a weight for
  bool positive_weights = true;
  for (size_t k = 0; k < weight_trees.size(); ++k) {
    const auto it = index.find({weight_trees[k], weight_nodes[k]});
    if (it == index.end() || modes[it->second] != "LEAF") {
      l.Refuse(fmt::format("a weight names tree {} node {}, not a leaf", weight_trees[k],
                           weight_nodes[k]));
    }
    auto& w = leaf_weights[it->second];
    w.resize(columns, 0.0);
    w[weight_columns[k]] += weights[k] * tree_weight;
    auto& scored = leaf_scores[it->second];
    scored.resize(columns, false);
    scored[weight_columns[k]] = true;
    positive_weights = positive_weights && weights[k] >= 0;
  }
  std::vector<double> base = FloatsOrTensor(node, "base_values");
  if (base.empty()) base.assign(columns, 0.0);
  if (static_cast<int64_t>(base.size()) != columns) {
    l.Refuse(fmt::format("{} base values for {} score columns", base.size(), columns));
  }
  if (classifier && columns > 1 && !node.Has("base_values") && !node.Has("base_values_as_tensor")) {
    // onnxruntime's argmax skips a class no reached leaf scored: refused rather than guessed.
    for (size_t i = 0; i < n; ++i) {
      const std::vector<bool>& scored = leaf_scores[i];
      if (modes[i] == "LEAF" &&
          std::count(scored.begin(), scored.end(), true) != static_cast<std::ptrdiff_t>(columns)) {
        l.Refuse(
            fmt::format("tree {} leaf {} has no weight for some class, and there are no "
                        "base values: onnxruntime then skips the class",
                        tree_ids[i], node_ids[i]));
      }
    }
  }

  // Every leaf's path from its tree's root: for each branch on it, the column of its decision
  // (taken) or of its complement (branches + column, not taken). A tree that is one leaf adds
  // its weights to the base.
  std::vector<std::vector<int64_t>> paths;
  std::vector<double> leaf_matrix;  // [leaves, columns]
  for (const auto& [tree, members] : trees) {
    std::vector<bool> pointed(n, false);
    for (size_t i : members) {
      if (modes[i] == "LEAF") continue;
      pointed[child(i, true_ids[i])] = pointed[child(i, false_ids[i])] = true;
    }
    std::vector<size_t> roots;
    for (size_t i : members) {
      if (!pointed[i]) roots.push_back(i);
    }
    if (roots.size() != 1) l.Refuse(fmt::format("tree {} has {} roots", tree, roots.size()));
    std::vector<std::pair<size_t, std::vector<int64_t>>> stack = {{roots[0], {}}};
    while (!stack.empty()) {
      auto [i, path] = std::move(stack.back());
      stack.pop_back();
      if (path.size() > members.size()) l.Refuse(fmt::format("tree {} has a cycle", tree));
      if (modes[i] == "LEAF") {
        std::vector<double> w = leaf_weights.count(i) ? leaf_weights[i] : std::vector<double>();
        w.resize(columns, 0.0);
        if (path.empty()) {
          for (int64_t c = 0; c < columns; ++c) base[c] += w[c];
          continue;
        }
        paths.push_back(path);
        leaf_matrix.insert(leaf_matrix.end(), w.begin(), w.end());
        continue;
      }
      const bool swapped = modes[i] == "BRANCH_NEQ";  // decided by Equal
      std::vector<int64_t> taken = path, not_taken = path;
      taken.push_back(column[i]);
      not_taken.push_back(branches + column[i]);
      stack.push_back({child(i, swapped ? true_ids[i] : false_ids[i]), std::move(not_taken)});
      stack.push_back({child(i, swapped ? false_ids[i] : true_ids[i]), std::move(taken)});
    }
  }
  if (paths.empty()) l.Refuse("every tree is a single leaf: the scores do not depend on the input");

  // Decisions and their complements, [N, 2·branches]; a leaf's indicator sums `depth` of them,
  // a shorter path repeating its last one (which keeps the sum below depth unless all match).
  ValueId taken =
      decisions.size() == 1 ? decisions[0] : l.Op("Concat", decisions, {{"axis", int64_t{1}}});
  const ValueId complement = l.Op("Sub", {l.Floats({1.0}, {}), taken});
  const ValueId both = l.Op("Concat", {taken, complement}, {{"axis", int64_t{1}}});
  size_t depth = 0;
  for (const auto& path : paths) depth = std::max(depth, path.size());
  std::vector<ValueId> levels;
  for (size_t d = 0; d < depth; ++d) {
    std::vector<int64_t> chosen;
    for (const auto& path : paths) chosen.push_back(path[std::min(d, path.size() - 1)]);
    levels.push_back(l.Op("Gather", {both, l.Int64s(chosen)}, {{"axis", int64_t{1}}}));
  }
  ValueId reached = levels[0];
  if (depth > 1) {
    reached =
        l.Op("Relu",
             {l.Op("Sub", {l.Op("Sum", levels), l.Floats({static_cast<double>(depth - 1)}, {})})});
  }
  const auto leaves = static_cast<int64_t>(paths.size());
  ValueId raw = l.Op("MatMul", {reached, l.Floats(leaf_matrix, {leaves, columns})});
  if (std::any_of(base.begin(), base.end(), [](double b) { return b != 0; })) {
    raw = l.Op("Add", {raw, l.Floats(base, {columns})});
  }
  if (!classifier) {
    if (columns == 1 && node.String("post_transform", "NONE") != "NONE") {
      l.Refuse("post_transform on one target: onnxruntime ignores it, other runtimes do not");
    }
    PostTransform(l, raw, 0);
  } else if (const auto labels = static_cast<int64_t>(ClassLabels(l).size());
             columns == 1 && labels == 2) {
    BinaryOutputs(l, raw, positive_weights);
  } else if (columns == labels && labels > 2) {
    MulticlassOutputs(l, raw);
  } else {
    l.Refuse(
        fmt::format("class ids up to {} for {} class labels (supported: two labels with "
                    "class id 0 alone, onnxruntime's binary case, or a weight column per "
                    "label for more)",
                    columns - 1, labels));
  }
}

// ArrayFeatureExtractor(x, indices): the elements of x's last axis that the indices name, all of
// them flattened (a 1-D x gives [1, n]), as skl2onnx reads a class label by its index. The rank
// of x must be known at import: a constant's or a model input's.
void LowerArrayFeatureExtractor(NodeEmitter& l) {
  const Graph& graph = l.graph();
  const ValueId x = l.input();
  const size_t rank = graph.value(x).shape.size();  // (adding values moves them)
  const bool known = graph.IsConstant(x) || std::count(graph.inputs.begin(), graph.inputs.end(), x);
  if (!known || rank == 0) {
    l.Refuse("reads a computed tensor (supported: from a constant or a model input)");
  }
  if (l.input(1) == kNoValue) l.Refuse("needs its indices, operand 1");
  const ValueId indices = l.Op("Reshape", {l.input(1), l.Int64s({-1})});
  if (rank > 1) {
    l.Final("Gather", {x, indices}, 0, {{"axis", int64_t{-1}}});
  } else {
    l.Final("Reshape", {l.Op("Gather", {x, indices}), l.Int64s({1, -1})}, 0);
  }
}

}  // namespace

namespace {

// The lowering of each supported op type.
const std::map<std::string, void (*)(NodeEmitter&)>& Lowerings() {
  static const std::map<std::string, void (*)(NodeEmitter&)> lowerings = {
      {"ArrayFeatureExtractor", LowerArrayFeatureExtractor},
      {"LinearClassifier", LowerLinearClassifier},
      {"LinearRegressor", LowerLinearRegressor},
      {"Normalizer", LowerNormalizer},
      {"Scaler", LowerScaler},
      {"TreeEnsembleClassifier", LowerTreeEnsemble},
      {"TreeEnsembleRegressor", LowerTreeEnsemble},
      // A sequence of {label: probability} maps in ONNX; here the probabilities as a tensor.
      {"ZipMap", [](NodeEmitter& l) { l.Final("Identity", {l.input()}, 0); }},
  };
  return lowerings;
}

}  // namespace

std::vector<std::string> OnnxMlOpTypes() {
  std::vector<std::string> types;
  for (const auto& [type, lower] : Lowerings()) types.push_back(type);
  return types;
}

void LowerOnnxMlNode(const Node& node, Graph& graph) {
  NodeEmitter l(node, graph, graph.nodes);
  const auto it = Lowerings().find(node.op_type);
  if (it == Lowerings().end()) {
    std::string supported;
    for (const std::string& type : OnnxMlOpTypes()) {
      supported += (supported.empty() ? "" : ", ") + type;
    }
    l.Refuse(fmt::format("is not supported in domain 'ai.onnx.ml' (supported: {})", supported));
  }
  if (node.inputs.empty()) l.Refuse("has no input");
  it->second(l);
}

}  // namespace tensorstark::frontend
