"""scikit-learn estimators written as ONNX graphs in skl2onnx's layout (Debian has no skl2onnx):
the 'ai.onnx.ml' nodes and the default-domain tails skl2onnx 1.x emits for these estimators at its
defaults, for the credit examples (scripts/train_credit.py) and the frontend's classical-ML test
(tests/frontend/classical_ml_test.py). Needs python3-onnx and python3-numpy.

Classifiers end as skl2onnx's do: `output_label` (int64 [N]) and `output_probability` (a ZipMap,
a sequence of {label: probability} maps in ONNX, the [N, classes] probabilities in tensorstark).
"""
import numpy as np
import onnx
from onnx import TensorProto, helper

MAIN_OPSET, ML_OPSET = 15, 1


def float32_threshold(t):
    """skl2onnx's threshold: the float32 at or below t, so that float32 x <= t keeps its answer."""
    t32 = np.float32(t)
    return float(np.nextafter(t32, np.float32(-np.inf)) if t32 > t else t32)


def ml_node(op_type, inputs, outputs, **attributes):
    return helper.make_node(op_type, inputs, outputs, domain="ai.onnx.ml", **attributes)


def model(name, nodes, features, classifier=True, targets=1, initializers=(), ml_opset=ML_OPSET):
    """The model of `nodes` reading input [N, features]."""
    inputs = [helper.make_tensor_value_info("input", TensorProto.FLOAT, [None, features])]
    if classifier:
        map_type = onnx.TypeProto()  # map(int64, tensor(float)); onnx 1.12's helper has no maker
        map_type.map_type.key_type = TensorProto.INT64
        map_type.map_type.value_type.CopyFrom(helper.make_tensor_type_proto(TensorProto.FLOAT, []))
        outputs = [helper.make_tensor_value_info("output_label", TensorProto.INT64, [None]),
                   helper.make_value_info("output_probability",
                                          helper.make_sequence_type_proto(map_type))]
    else:
        outputs = [helper.make_tensor_value_info("variable", TensorProto.FLOAT, [None, targets])]
    graph = helper.make_graph(nodes, name, inputs, outputs, initializer=list(initializers))
    proto = helper.make_model(graph, producer_name="skl2onnx layout (scripts/sklearn_onnx.py)",
                              opset_imports=[helper.make_opsetid("", MAIN_OPSET),
                                             helper.make_opsetid("ai.onnx.ml", ml_opset)])
    proto.ir_version = 8
    onnx.checker.check_model(proto)
    return proto


def classifier_tail(classes):
    """The label cast to int64 and the probabilities zipped with the class labels."""
    return [helper.make_node("Cast", ["label"], ["output_label"], to=TensorProto.INT64),
            ml_node("ZipMap", ["probabilities"], ["output_probability"],
                    classlabels_int64s=[int(c) for c in classes])]


def tree_attributes(trees, prefix, weights_of, tree_ids=None):
    """nodes_* and <prefix>_* attributes of sklearn trees: BRANCH_LEQ splits, the true branch
    the left child; weights_of(i, tree, node) lists (column, weight) pairs of tree i's leaf."""
    a = {k: [] for k in ["nodes_treeids", "nodes_nodeids", "nodes_featureids", "nodes_modes",
                         "nodes_values", "nodes_truenodeids", "nodes_falsenodeids",
                         "nodes_missing_value_tracks_true", "nodes_hitrates"]}
    for k in ["treeids", "nodeids", "ids", "weights"]:
        a[f"{prefix}_{k}"] = []
    for i, tree in enumerate(trees):
        tree_id = i if tree_ids is None else tree_ids[i]
        t = tree.tree_
        for n in range(t.node_count):
            leaf = t.children_left[n] == -1
            a["nodes_treeids"].append(tree_id)
            a["nodes_nodeids"].append(n)
            a["nodes_featureids"].append(0 if leaf else int(t.feature[n]))
            a["nodes_modes"].append("LEAF" if leaf else "BRANCH_LEQ")
            a["nodes_values"].append(0.0 if leaf else float32_threshold(t.threshold[n]))
            a["nodes_truenodeids"].append(0 if leaf else int(t.children_left[n]))
            a["nodes_falsenodeids"].append(0 if leaf else int(t.children_right[n]))
            a["nodes_missing_value_tracks_true"].append(0)
            a["nodes_hitrates"].append(1.0)
            if leaf:
                for column, weight in weights_of(i, t, n):
                    a[f"{prefix}_treeids"].append(tree_id)
                    a[f"{prefix}_nodeids"].append(n)
                    a[f"{prefix}_ids"].append(int(column))
                    a[f"{prefix}_weights"].append(float(weight))
    return a


def gradient_boosting_classifier(gbc, features):
    """The learning rate folded into the leaves, the prior's raw scores as the base values;
    LOGISTIC for two classes (one score column: onnxruntime's binary case), SOFTMAX for more
    (tree i·K + c scores class c)."""
    k = gbc.estimators_.shape[1]
    trees = [gbc.estimators_[i, c] for i in range(gbc.estimators_.shape[0]) for c in range(k)]
    tree_ids = [i * k + c for i in range(gbc.estimators_.shape[0]) for c in range(k)]
    a = tree_attributes(trees, "class",
                        lambda i, t, n: [(i % k, gbc.learning_rate * t.value[n, 0, 0])], tree_ids)
    base = gbc._raw_predict_init(np.zeros((1, features), dtype=np.float32))[0].tolist()
    node = ml_node("TreeEnsembleClassifier", ["input"], ["label", "probabilities"],
                   post_transform="LOGISTIC" if k == 1 else "SOFTMAX", base_values=base,
                   classlabels_int64s=[int(c) for c in gbc.classes_], **a)
    return model("gradient_boosting_classifier", [node] + classifier_tail(gbc.classes_), features)


def random_forest_classifier(forest, features):
    """Each tree votes its leaf's class frequencies / the number of trees (more than two classes:
    onnxruntime reads two classes with both class ids its own way)."""
    n = len(forest.estimators_)

    def weights(i, t, node):
        v = t.value[node, 0]
        return [(c, w / v.sum() / n) for c, w in enumerate(v)]

    a = tree_attributes(forest.estimators_, "class", weights)
    node = ml_node("TreeEnsembleClassifier", ["input"], ["label", "probabilities"],
                   post_transform="NONE",
                   classlabels_int64s=[int(c) for c in forest.classes_], **a)
    return model("random_forest_classifier", [node] + classifier_tail(forest.classes_), features)


def tree_regressor(ensemble, features, aggregate):
    """GradientBoostingRegressor (SUM, the learning rate folded in, the prior as the base) or
    RandomForestRegressor (AVERAGE)."""
    boosting = hasattr(ensemble, "learning_rate")
    trees = ensemble.estimators_[:, 0] if boosting else ensemble.estimators_
    scale = ensemble.learning_rate if boosting else 1.0
    a = tree_attributes(trees, "target", lambda i, t, n: [(0, scale * t.value[n, 0, 0])])
    base = [float(ensemble.init_.constant_[0, 0])] if boosting else [0.0]
    node = ml_node("TreeEnsembleRegressor", ["input"], ["variable"], n_targets=1,
                   aggregate_function=aggregate, base_values=base, post_transform="NONE", **a)
    return model("tree_regressor", [node], features, classifier=False)


def logistic_regression(lr, features, preprocessing=()):
    """Two classes: two rows [-w, w] and LOGISTIC; more: SOFTMAX, then an L1 Normalizer.
    `preprocessing` (Scaler, Normalizer nodes) reads "input" and writes "features"."""
    x = "features" if preprocessing else "input"
    coefficients, intercepts = lr.coef_, lr.intercept_
    binary = len(lr.classes_) == 2
    if binary:
        coefficients = np.vstack([-coefficients, coefficients])
        intercepts = np.concatenate([-intercepts, intercepts])
    scores = "probabilities" if binary else "raw_probabilities"
    nodes = list(preprocessing) + [ml_node(
        "LinearClassifier", [x], ["label", scores], multi_class=0 if binary else 1,
        post_transform="LOGISTIC" if binary else "SOFTMAX",
        coefficients=coefficients.astype(np.float32).ravel().tolist(),
        intercepts=intercepts.astype(np.float32).tolist(),
        classlabels_ints=[int(c) for c in lr.classes_])]
    if not binary:
        nodes.append(ml_node("Normalizer", [scores], ["probabilities"], norm="L1"))
    return model("logistic_regression", nodes + classifier_tail(lr.classes_), features)


def linear_regression(lr, features, preprocessing=()):
    x = "features" if preprocessing else "input"
    node = ml_node("LinearRegressor", [x], ["variable"],
                   coefficients=np.atleast_1d(lr.coef_).astype(np.float32).ravel().tolist(),
                   intercepts=[float(np.float32(lr.intercept_))], targets=1)
    return model("linear_regression", list(preprocessing) + [node], features, classifier=False)


def standard_scaler(scaler):
    """A StandardScaler as skl2onnx writes it: offset the mean, scale 1/deviation."""
    return ml_node("Scaler", ["input"], ["features"], offset=scaler.mean_.astype(np.float32).tolist(),
                   scale=(1 / scaler.scale_).astype(np.float32).tolist())


def normalizer(norm):
    return ml_node("Normalizer", ["input"], ["features"], norm=norm.upper())


def mlp_classifier(mlp, features):
    """MatMul + Add per layer, ReLU between, a Sigmoid out, [1 - p, p] as the probabilities and
    the label read from the classes by ArgMax (binary)."""
    initializers, x = [], "cast_input"
    nodes = [helper.make_node("Cast", ["input"], [x], to=TensorProto.FLOAT)]
    for i, (w, b) in enumerate(zip(mlp.coefs_, mlp.intercepts_)):
        initializers += [helper.make_tensor(f"coefficient{i}", TensorProto.FLOAT, w.shape,
                                            w.astype(np.float32).ravel().tolist()),
                         helper.make_tensor(f"intercepts{i}", TensorProto.FLOAT, [1, b.size],
                                            b.astype(np.float32).tolist())]
        nodes += [helper.make_node("MatMul", [x, f"coefficient{i}"], [f"mul_result{i}"]),
                  helper.make_node("Add", [f"mul_result{i}", f"intercepts{i}"],
                                   [f"add_result{i}"])]
        x = f"add_result{i}"
        if i + 1 < len(mlp.coefs_):
            nodes.append(helper.make_node("Relu", [x], [f"next_activations{i}"]))
            x = f"next_activations{i}"
    initializers += [
        helper.make_tensor("unity", TensorProto.FLOAT, [], [1.0]),
        helper.make_tensor("classes", TensorProto.INT32, [len(mlp.classes_)],
                           [int(c) for c in mlp.classes_]),
        helper.make_tensor("shape_tensor", TensorProto.INT64, [1], [-1]),
    ]
    nodes += [
        helper.make_node("Sigmoid", [x], ["out_activations_result"]),
        helper.make_node("Sub", ["unity", "out_activations_result"], ["negative_class_proba"]),
        helper.make_node("Concat", ["negative_class_proba", "out_activations_result"],
                         ["probabilities"], axis=1),
        helper.make_node("ArgMax", ["probabilities"], ["argmax_output"], axis=1),
        ml_node("ArrayFeatureExtractor", ["classes", "argmax_output"],
                ["array_feature_extractor_result"]),
        helper.make_node("Reshape", ["array_feature_extractor_result", "shape_tensor"],
                         ["reshaped_result"]),
        helper.make_node("Cast", ["reshaped_result"], ["label"], to=TensorProto.INT64),
    ]
    return model("mlp_classifier", nodes + classifier_tail(mlp.classes_), features,
                 initializers=initializers)
