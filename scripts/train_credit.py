#!/usr/bin/python3
"""Trains the credit-scoring examples on scikit-learn's breast-cancer set and exports them to ONNX
as skl2onnx does at its defaults.

A lender's models on a public tabular dataset Debian ships (sklearn's bundled breast-cancer
table: 569 rows, 30 features, 2 classes), standardized with the training rows' mean and
deviation: a gradient-boosted tree ensemble (GradientBoostingClassifier at its defaults: 100
trees of depth 3) and an MLP (MLPClassifier, one hidden layer of 100 ReLUs). Debian has no
skl2onnx, so the graphs are written here node for node as skl2onnx 1.x writes them for these
estimators (TreeEnsembleClassifier + ZipMap in domain ai.onnx.ml; MatMul/Add/Relu/Sigmoid and
ArrayFeatureExtractor for the MLP); the frontend imports them as they are.

Run with Debian's Python (python3-sklearn, python3-onnx, python3-numpy):

    /usr/bin/python3 scripts/train_credit.py

Writes examples/credit/<gbt|mlp>/: model.onnx, calibration.json (the 469 training rows, what the
scales and the tree thresholds are chosen from), input.json (the first held-out row) and
float_outputs.json (sklearn's label and probabilities for it); and examples/credit/heldout.json:
the 100 held-out rows with each model's label and probabilities, which the CTest compares with.
Seeds are fixed.
"""
import json
import os

import numpy as np
import onnx
from onnx import TensorProto, helper
from sklearn.datasets import load_breast_cancer
from sklearn.ensemble import GradientBoostingClassifier
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import StandardScaler

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "examples", "credit")
HELD_OUT = 100
MAIN_OPSET, ML_OPSET = 15, 1


def float32_threshold(t):
    """skl2onnx's threshold: the float32 at or below t, so that float32 x <= t keeps its answer."""
    t32 = np.float32(t)
    return float(np.nextafter(t32, np.float32(-np.inf)) if t32 > t else t32)


def io(features):
    map_type = onnx.TypeProto()  # map(int64, tensor(float)); onnx 1.12's helper has no maker
    map_type.map_type.key_type = TensorProto.INT64
    map_type.map_type.value_type.CopyFrom(helper.make_tensor_type_proto(TensorProto.FLOAT, []))
    inputs = [helper.make_tensor_value_info("input", TensorProto.FLOAT, [None, features])]
    outputs = [
        helper.make_tensor_value_info("output_label", TensorProto.INT64, [None]),
        helper.make_value_info("output_probability", helper.make_sequence_type_proto(map_type)),
    ]
    return inputs, outputs


def zipmap_and_label(classes):
    """skl2onnx's tail of a classifier: the label cast to int64 and the probabilities zipped."""
    return [
        helper.make_node("Cast", ["label"], ["output_label"], to=TensorProto.INT64),
        helper.make_node("ZipMap", ["probabilities"], ["output_probability"],
                         domain="ai.onnx.ml", classlabels_int64s=[int(c) for c in classes]),
    ]


def model_proto(name, nodes, features, initializers=()):
    inputs, outputs = io(features)
    graph = helper.make_graph(nodes, name, inputs, outputs, initializer=list(initializers))
    model = helper.make_model(graph, producer_name="skl2onnx-layout (scripts/train_credit.py)",
                              opset_imports=[helper.make_opsetid("", MAIN_OPSET),
                                             helper.make_opsetid("ai.onnx.ml", ML_OPSET)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model


def export_gbt(gbt, features):
    """GradientBoostingClassifier (binary) as one TreeEnsembleClassifier: the learning rate folded
    into the leaves, the prior's log-odds as the one base value, LOGISTIC scores."""
    a = {k: [] for k in ["nodes_treeids", "nodes_nodeids", "nodes_featureids", "nodes_modes",
                         "nodes_values", "nodes_truenodeids", "nodes_falsenodeids",
                         "nodes_missing_value_tracks_true", "nodes_hitrates", "class_treeids",
                         "class_nodeids", "class_ids", "class_weights"]}
    for i, estimator in enumerate(gbt.estimators_[:, 0]):
        tree = estimator.tree_
        for n in range(tree.node_count):
            leaf = tree.children_left[n] == -1
            a["nodes_treeids"].append(i)
            a["nodes_nodeids"].append(n)
            a["nodes_featureids"].append(0 if leaf else int(tree.feature[n]))
            a["nodes_modes"].append("LEAF" if leaf else "BRANCH_LEQ")
            a["nodes_values"].append(0.0 if leaf else float32_threshold(tree.threshold[n]))
            a["nodes_truenodeids"].append(0 if leaf else int(tree.children_left[n]))
            a["nodes_falsenodeids"].append(0 if leaf else int(tree.children_right[n]))
            a["nodes_missing_value_tracks_true"].append(0)
            a["nodes_hitrates"].append(1.0)
            if leaf:
                a["class_treeids"].append(i)
                a["class_nodeids"].append(n)
                a["class_ids"].append(0)
                a["class_weights"].append(float(gbt.learning_rate * tree.value[n, 0, 0]))
    base = float(gbt._raw_predict_init(np.zeros((1, features), dtype=np.float32))[0, 0])
    nodes = [helper.make_node(
        "TreeEnsembleClassifier", ["input"], ["label", "probabilities"], domain="ai.onnx.ml",
        post_transform="LOGISTIC", base_values=[base],
        classlabels_int64s=[int(c) for c in gbt.classes_], **a)]
    return model_proto("credit_gbt", nodes + zipmap_and_label(gbt.classes_), features)


def export_mlp(mlp, features):
    """MLPClassifier (binary): MatMul + Add per layer, ReLU between, a Sigmoid out, [1 - p, p]
    as the probabilities and the label read from the classes by ArgMax."""
    initializers, nodes, x = [], [helper.make_node("Cast", ["input"], ["cast_input"],
                                                   to=TensorProto.FLOAT)], "cast_input"
    for i, (w, b) in enumerate(zip(mlp.coefs_, mlp.intercepts_)):
        initializers += [helper.make_tensor(f"coefficient{i}", TensorProto.FLOAT, w.shape,
                                            w.astype(np.float32).ravel().tolist()),
                         helper.make_tensor(f"intercepts{i}", TensorProto.FLOAT, [1, b.size],
                                            b.astype(np.float32).tolist())]
        nodes += [helper.make_node("MatMul", [x, f"coefficient{i}"], [f"mul_result{i}"]),
                  helper.make_node("Add", [f"mul_result{i}", f"intercepts{i}"], [f"add_result{i}"])]
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
        helper.make_node("ArrayFeatureExtractor", ["classes", "argmax_output"],
                         ["array_feature_extractor_result"], domain="ai.onnx.ml"),
        helper.make_node("Reshape", ["array_feature_extractor_result", "shape_tensor"],
                         ["reshaped_result"]),
        helper.make_node("Cast", ["reshaped_result"], ["label"], to=TensorProto.INT64),
    ]
    return model_proto("credit_mlp", nodes + zipmap_and_label(mlp.classes_), features, initializers)


def write_json(path, data):
    with open(path, "w") as f:
        json.dump(data, f)
        f.write("\n")


def rows(x):
    """float32 rows, each value written in the fewest digits that read back as the same float32."""
    return [[float(str(v)) for v in np.float32(row)] for row in x]


def main():
    data = load_breast_cancer()
    x_train, x_test, y_train, y_test = train_test_split(
        data.data, data.target, test_size=HELD_OUT, random_state=0, stratify=data.target)
    scaler = StandardScaler().fit(x_train)
    # The models see float32 features, as the ONNX model will.
    x_train = scaler.transform(x_train).astype(np.float32)
    x_test = scaler.transform(x_test).astype(np.float32)
    features = x_train.shape[1]
    models = {
        "gbt": GradientBoostingClassifier(random_state=0).fit(x_train, y_train),
        "mlp": MLPClassifier(max_iter=2000, random_state=0).fit(x_train, y_train),
    }
    exports = {"gbt": export_gbt, "mlp": export_mlp}
    heldout = {"features": data.feature_names.tolist(), "mean": scaler.mean_.tolist(),
               "scale": scaler.scale_.tolist(), "inputs": rows(x_test),
               "labels": [int(y) for y in y_test]}
    for name, model in models.items():
        directory = os.path.join(OUT, name)
        os.makedirs(directory, exist_ok=True)
        onnx.save(exports[name](model, features), os.path.join(directory, "model.onnx"))
        # One list per model input, the samples concatenated.
        write_json(os.path.join(directory, "calibration.json"),
                   {"input_data": [sum(rows(x_train), [])]})
        write_json(os.path.join(directory, "input.json"), {"input_data": rows(x_test[:1])})
        probabilities = model.predict_proba(x_test)
        predicted = model.predict(x_test)
        write_json(os.path.join(directory, "float_outputs.json"),
                   {"output_data": [[int(predicted[0])], probabilities[0].tolist()]})
        heldout[name] = {"predicted": [int(p) for p in predicted],
                         "probabilities": probabilities.tolist()}
        print(f"{name}: held-out accuracy {np.mean(predicted == y_test):.3f}, "
              f"training accuracy {model.score(x_train, y_train):.3f}")
    write_json(os.path.join(OUT, "heldout.json"), heldout)


if __name__ == "__main__":
    main()
