#!/usr/bin/python3
"""The classical-ML operators (ONNX domain ai.onnx.ml) end to end against scikit-learn, which
shares no code with the frontend: small estimators are trained on the datasets sklearn bundles,
written in skl2onnx's layout (scripts/sklearn_onnx.py), compiled, and run on held-out rows.

Hand-built ensembles cover what sklearn's exporter never writes (every branch mode, several
targets averaged, the '_as_tensor' attributes, onnxruntime's binary case with positive weights, a
one-row binary LinearClassifier), against an evaluator of onnxruntime's rules written here in
numpy, on inputs from a grid that thresholds sit on (so BRANCH_EQ decides something).

For every row, tensorstark's float inference of the ONNX model must match the reference's
outputs (sklearn's, or the numpy evaluator's; `run --expected`), and the quantized outputs (what a
proof proves) must give the reference's label wherever its two best probabilities are more than
MARGIN apart, with every probability
within PROBABILITY_ERROR, and regressions within REGRESSION_ERROR of the targets' range. One row of
each model is proved and verified, its stated outputs the ones `run` computed.

usage: classical_ml_test.py TENSORSTARK
Needs Debian's python3-sklearn, python3-onnx and python3-numpy (scripts/setup.sh installs them)."""
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import onnx
from sklearn import datasets
from sklearn.ensemble import (GradientBoostingClassifier, GradientBoostingRegressor,
                              RandomForestClassifier, RandomForestRegressor)
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import Normalizer, StandardScaler

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts"))
import sklearn_onnx  # noqa: E402

ROWS = 30
MARGIN = 0.02
PROBABILITY_ERROR = 0.02
REGRESSION_ERROR = 0.02


def split(x, y, standardize):
    x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=ROWS, random_state=0)
    if standardize:
        scaler = StandardScaler().fit(x_train)
        x_train, x_test = scaler.transform(x_train), scaler.transform(x_test)
    return x_train.astype(np.float32), x_test.astype(np.float32), y_train, y_test


def cases():
    """(name, ONNX model, training rows, held-out rows, sklearn's outputs per held-out row)."""
    cancer, iris, wine = (datasets.load_breast_cancer(), datasets.load_iris(),
                          datasets.load_wine())
    diabetes = datasets.load_diabetes()

    def classifier(name, estimator, export, data, standardize=True, pipeline=None):
        x_train, x_test, y_train, _ = split(data.data, data.target, standardize)
        fitted_x = pipeline.fit(x_train).transform(x_train) if pipeline else x_train
        estimator.fit(fitted_x, y_train)
        shown = pipeline.transform(x_test) if pipeline else x_test
        outputs = [[[int(label)], list(map(float, p))]
                   for label, p in zip(estimator.predict(shown), estimator.predict_proba(shown))]
        return name, export(estimator), x_train, x_test, outputs

    def regressor(name, estimator, export, data, pipeline=None):
        x_train, x_test, y_train, _ = split(data.data, data.target, False)
        fitted_x = pipeline.fit(x_train).transform(x_train) if pipeline else x_train
        estimator.fit(fitted_x, y_train)
        shown = pipeline.transform(x_test) if pipeline else x_test
        return name, export(estimator), x_train, x_test, [[[float(v)]] for v in
                                                          estimator.predict(shown)]

    f = lambda data: data.data.shape[1]  # noqa: E731
    s = sklearn_onnx
    scaler, l2, max_norm = StandardScaler(), Normalizer("l2"), Normalizer("max")
    return [
        classifier("boosted trees, 2 classes (LOGISTIC)",
                   GradientBoostingClassifier(n_estimators=20, max_depth=2, random_state=0),
                   lambda e: s.gradient_boosting_classifier(e, f(cancer)), cancer),
        classifier("boosted trees, 3 classes (SOFTMAX)",
                   GradientBoostingClassifier(n_estimators=10, random_state=0),
                   lambda e: s.gradient_boosting_classifier(e, f(iris)), iris),
        classifier("random forest, 3 classes (votes)",
                   RandomForestClassifier(n_estimators=10, max_depth=4, random_state=0),
                   lambda e: s.random_forest_classifier(e, f(wine)), wine),
        regressor("boosted regression trees (SUM)",
                  GradientBoostingRegressor(n_estimators=20, random_state=0),
                  lambda e: s.tree_regressor(e, f(diabetes), "SUM"), diabetes),
        regressor("regression forest (AVERAGE)",
                  RandomForestRegressor(n_estimators=10, max_depth=5, random_state=0),
                  lambda e: s.tree_regressor(e, f(diabetes), "AVERAGE"), diabetes),
        classifier("logistic regression, 2 classes", LogisticRegression(max_iter=1000),
                   lambda e: s.logistic_regression(e, f(cancer)), cancer),
        classifier("Scaler, logistic regression, 3 classes (SOFTMAX, Normalizer L1)",
                   LogisticRegression(max_iter=1000),
                   lambda e: s.logistic_regression(e, f(iris), [s.standard_scaler(scaler)]),
                   iris, standardize=False, pipeline=scaler),
        regressor("Normalizer L2, linear regression", LinearRegression(),
                  lambda e: s.linear_regression(e, f(iris), [s.normalizer("l2")]), iris,
                  pipeline=l2),
        regressor("Normalizer MAX, linear regression", LinearRegression(),
                  lambda e: s.linear_regression(e, f(iris), [s.normalizer("max")]), iris,
                  pipeline=max_norm),
        classifier("MLP, 2 classes (ArrayFeatureExtractor)",
                   MLPClassifier(hidden_layer_sizes=(16,), max_iter=2000, random_state=0),
                   lambda e: s.mlp_classifier(e, f(cancer)), cancer),
    ]


GRID = np.arange(5, dtype=np.float32) / 4  # 0, 0.25, ..., 1: inputs and thresholds
MODES = ["BRANCH_LEQ", "BRANCH_LT", "BRANCH_GTE", "BRANCH_GT", "BRANCH_EQ", "BRANCH_NEQ"]
TESTS = {"BRANCH_LEQ": np.less_equal, "BRANCH_LT": np.less, "BRANCH_GTE": np.greater_equal,
         "BRANCH_GT": np.greater, "BRANCH_EQ": np.equal, "BRANCH_NEQ": np.not_equal}


def random_trees(rng, trees, depth, features, prefix, columns, weights):
    """Full trees of `depth` with random modes, features and grid thresholds; every leaf a
    weight per column drawn by weights(rng)."""
    a = {k: [] for k in ["nodes_treeids", "nodes_nodeids", "nodes_featureids", "nodes_modes",
                         "nodes_values", "nodes_truenodeids", "nodes_falsenodeids",
                         f"{prefix}_treeids", f"{prefix}_nodeids", f"{prefix}_ids",
                         f"{prefix}_weights"]}
    for t in range(trees):
        for n in range(2 ** (depth + 1) - 1):
            leaf = n >= 2 ** depth - 1
            a["nodes_treeids"].append(t)
            a["nodes_nodeids"].append(n)
            a["nodes_featureids"].append(0 if leaf else int(rng.integers(features)))
            a["nodes_modes"].append("LEAF" if leaf else MODES[int(rng.integers(len(MODES)))])
            a["nodes_values"].append(0.0 if leaf else float(rng.choice(GRID)))
            a["nodes_truenodeids"].append(0 if leaf else 2 * n + 1)
            a["nodes_falsenodeids"].append(0 if leaf else 2 * n + 2)
            for c in range(columns if leaf else 0):
                a[f"{prefix}_treeids"].append(t)
                a[f"{prefix}_nodeids"].append(n)
                a[f"{prefix}_ids"].append(c)
                a[f"{prefix}_weights"].append(float(np.float32(weights(rng))))
    return a


def ensemble_scores(a, x, prefix, columns, average=False, base=None):
    """onnxruntime's rules: each tree walked from its first node, the reached leaf's weights
    summed (or averaged over the trees), plus the base values; float32 comparisons."""
    index = {(t, n): i for i, (t, n) in enumerate(zip(a["nodes_treeids"], a["nodes_nodeids"]))}
    trees = sorted(set(a["nodes_treeids"]))
    scores = np.zeros(columns)
    for tree in trees:
        i = index[(tree, 0)]
        while a["nodes_modes"][i] != "LEAF":
            decided = TESTS[a["nodes_modes"][i]](x[a["nodes_featureids"][i]],
                                                 np.float32(a["nodes_values"][i]))
            i = index[(tree, a["nodes_truenodeids"][i] if decided else
                       a["nodes_falsenodeids"][i])]
        for k, (t, n) in enumerate(zip(a[f"{prefix}_treeids"], a[f"{prefix}_nodeids"])):
            if (t, n) == (tree, a["nodes_nodeids"][i]):
                scores[a[f"{prefix}_ids"][k]] += a[f"{prefix}_weights"][k]
    if average:
        scores /= len(trees)
    return scores + (base if base is not None else 0)


def as_tensors(a, names):
    """The '_as_tensor' form of float attributes (ai.onnx.ml 3)."""
    for name in names:
        a[f"{name}_as_tensor"] = onnx.helper.make_tensor(f"{name}_as_tensor", onnx.TensorProto.FLOAT,
                                                         [len(a[name])], a.pop(name))
    return a


def hand_built_cases():
    rng = np.random.default_rng(29)
    features = 4
    x_train = rng.choice(GRID, (64, features)).astype(np.float32)
    x_test = rng.choice(GRID, (ROWS, features)).astype(np.float32)
    s = sklearn_onnx
    cases = []

    a = random_trees(rng, 6, 3, features, "target", 2, lambda r: r.normal(0, 1))
    base = [0.5, -0.5]
    outputs = [[ensemble_scores(a, x, "target", 2, True, base).tolist()] for x in x_test]
    node = s.ml_node("TreeEnsembleRegressor", ["input"], ["variable"], n_targets=2,
                     aggregate_function="AVERAGE", base_values=base,
                     **as_tensors(a, ["nodes_values", "target_weights"]))
    proto = s.model("every_mode", [node], features, classifier=False, targets=2,
                    ml_opset=3)  # the '_as_tensor' attributes
    cases.append(("hand-built trees: every branch mode, 2 targets averaged, _as_tensor", proto,
                  x_train, x_test, outputs))

    a = random_trees(rng, 5, 2, features, "class", 1, lambda r: r.uniform(0, 0.2))
    outputs = []
    for x in x_test:
        p = ensemble_scores(a, x, "class", 1)[0]
        outputs.append([[int(p > 0.5)], [1 - p, p]])
    node = s.ml_node("TreeEnsembleClassifier", ["input"], ["label", "probabilities"],
                     classlabels_int64s=[0, 1], post_transform="NONE", **a)
    cases.append(("hand-built trees: binary, no negative weight ([1 - p, p])",
                  s.model("positive_binary", [node] + s.classifier_tail([0, 1]), features),
                  x_train, x_test, outputs))

    w, b = rng.normal(0, 1, features).astype(np.float32), np.float32(0.1)
    outputs = []
    for x in x_test:
        score = float(np.dot(w, x) + b)
        outputs.append([[int(score > 0)], [1 - score, score]])
    node = s.ml_node("LinearClassifier", ["input"], ["label", "probabilities"],
                     coefficients=w.tolist(), intercepts=[float(b)], classlabels_ints=[0, 1],
                     post_transform="LOGISTIC")  # onnxruntime drops it for one row
    cases.append(("hand-built linear classifier: one row for two labels ([1 - s, s])",
                  s.model("one_row", [node] + s.classifier_tail([0, 1]), features),
                  x_train, x_test, outputs))
    return cases


def tensorstark(binary, *args):
    result = subprocess.run([binary, *args], capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"{args[0]} exited {result.returncode}: {result.stderr.strip()}")
    return result.stdout


def write(path, data):
    with open(path, "w") as f:
        json.dump(data, f)


def check(binary, work, name, proto, x_train, x_test, expected):
    model_path, compiled = os.path.join(work, "model.onnx"), os.path.join(work, "model.tsm")
    onnx.save(proto, model_path)
    write(os.path.join(work, "calibration.json"), {"input_data": [x_train.ravel().tolist()]})
    tensorstark(binary, "compile", model_path, "-o", compiled, "--calibration",
                os.path.join(work, "calibration.json"), "--visibility",
                "input=public,weights=public")
    classifier = len(expected[0]) == 2
    targets = np.array([e[0] for e in expected])
    agree, decisive, worst = 0, 0, 0.0
    first_outputs = None
    for row, want in zip(x_test, expected):
        write(os.path.join(work, "input.json"), {"input_data": [row.tolist()]})
        write(os.path.join(work, "expected.json"), {"output_data": want})
        tensorstark(binary, "run", compiled, "--input", os.path.join(work, "input.json"),
                    "--expected", os.path.join(work, "expected.json"), "--output",
                    os.path.join(work, "output.json"))
        with open(os.path.join(work, "output.json")) as f:
            got = json.load(f)["output_data"]
        first_outputs = first_outputs or got
        if classifier:
            top2 = np.sort(want[1])[-2:]
            if top2[1] - top2[0] > MARGIN:
                decisive += 1
                if got[0] != want[0]:
                    return f"label {got[0]} where the reference's is {want[0]} (probabilities {want[1]})"
            agree += got[0] == want[0]
            worst = max(worst, float(np.max(np.abs(np.array(got[1]) - want[1]))))
        else:
            worst = max(worst, float(np.max(np.abs(np.array(got[0]) - want[0]))))
    if classifier:
        print(f"{name}: labels as the reference's on {agree} of {len(expected)} rows ({decisive} "
              f"decisive), probabilities within {worst:.3g}")
        if worst > PROBABILITY_ERROR:
            return f"a probability {worst:.3g} from the reference's"
    else:
        spread = float(targets.max() - targets.min())
        print(f"{name}: predictions within {worst:.3g} of the reference's (targets span {spread:.3g})")
        if worst > REGRESSION_ERROR * spread:
            return f"a prediction {worst:.3g} from the reference's, over {REGRESSION_ERROR:.0%}"
    # The first held-out row proved and verified: the statement holds what run computed.
    write(os.path.join(work, "input.json"), {"input_data": [x_test[0].tolist()]})
    proof = os.path.join(work, "proof.bin")
    tensorstark(binary, "prove", compiled, "--input", os.path.join(work, "input.json"), "-o", proof,
                "--profile", "test")
    verified = json.loads(tensorstark(binary, "verify", compiled, proof, "--min-security-bits",
                                      "0", "--json"))
    stated = [t["values"] for t in verified["public"]["tensors"] if t["kind"] == "output"]
    if [np.ravel(v).tolist() for v in stated] != [np.ravel(v).tolist() for v in first_outputs]:
        return f"the proof states {stated}, run computed {first_outputs}"
    return ""


def refusals(binary, work):
    """Forms the frontend does not take are refused at compile with one line naming the node."""
    one_tree = dict(nodes_treeids=[0, 0, 0], nodes_nodeids=[0, 1, 2], nodes_featureids=[0, 0, 0],
                    nodes_modes=["BRANCH_LEQ", "LEAF", "LEAF"], nodes_values=[0.5, 0.0, 0.0],
                    nodes_truenodeids=[1, 0, 0], nodes_falsenodeids=[2, 0, 0])
    leaves = dict(class_treeids=[0, 0], class_nodeids=[1, 2], class_ids=[0, 0],
                  class_weights=[-1.0, 1.0])
    cases = {
        "string class labels": sklearn_onnx.ml_node(
            "TreeEnsembleClassifier", ["input"], ["label", "probabilities"],
            classlabels_strings=["no", "yes"], **one_tree, **leaves),
        "post_transform 'PROBIT'": sklearn_onnx.ml_node(
            "TreeEnsembleClassifier", ["input"], ["label", "probabilities"],
            classlabels_int64s=[0, 1], post_transform="PROBIT", **one_tree, **leaves),
        "is not supported in domain 'ai.onnx.ml'": sklearn_onnx.ml_node(
            "Binarizer", ["input"], ["variable"]),
        "binary scores with negative weights and post_transform 'NONE'": sklearn_onnx.ml_node(
            "TreeEnsembleClassifier", ["input"], ["label", "probabilities"],
            classlabels_int64s=[0, 1], **one_tree, **leaves),
        "class ids up to 1 for 2 class labels": sklearn_onnx.ml_node(
            "TreeEnsembleClassifier", ["input"], ["label", "probabilities"],
            classlabels_int64s=[0, 1], **one_tree,
            class_treeids=[0, 0, 0, 0], class_nodeids=[1, 1, 2, 2], class_ids=[0, 1, 0, 1],
            class_weights=[0.2, 0.8, 0.7, 0.3]),
        "1 class label(s)": sklearn_onnx.ml_node(
            "LinearClassifier", ["input"], ["label", "probabilities"], coefficients=[1.0, 1.0],
            intercepts=[0.0], classlabels_ints=[0]),
        "post_transform 'PROBIT' is not supported": sklearn_onnx.ml_node(
            "LinearClassifier", ["input"], ["label", "probabilities"], coefficients=[1.0, 1.0],
            intercepts=[0.0], classlabels_ints=[0, 1], post_transform="PROBIT"),
        "nodes_missing_value_tracks_true": sklearn_onnx.ml_node(
            "TreeEnsembleClassifier", ["input"], ["label", "probabilities"],
            classlabels_int64s=[0, 1], post_transform="LOGISTIC",
            nodes_missing_value_tracks_true=[1, 0, 0], **one_tree, **leaves),
    }
    problems = []
    for expected, node in cases.items():
        if node.op_type == "Binarizer":
            proto = sklearn_onnx.model("refused", [node], 2, classifier=False, targets=2)
        else:
            proto = sklearn_onnx.model("refused", [node] + sklearn_onnx.classifier_tail([0, 1]), 2)
        onnx.save(proto, os.path.join(work, "refused.onnx"))
        write(os.path.join(work, "calibration.json"), {"input_data": [[0.0, 1.0, 1.0, 0.0]]})
        result = subprocess.run([binary, "compile", os.path.join(work, "refused.onnx"), "-o",
                                 os.path.join(work, "refused.tsm"), "--calibration",
                                 os.path.join(work, "calibration.json")],
                                capture_output=True, text=True)
        message = result.stderr.strip()
        if result.returncode == 0 or expected not in message or "\n" in message:
            problems.append(f"{expected}: compile exited {result.returncode}: {message}")
    print(f"refusals: {len(cases) - len(problems)} of {len(cases)} refused with one line")
    return problems


def main():
    binary = sys.argv[1]
    with tempfile.TemporaryDirectory() as work:
        failures = refusals(binary, work)
    for name, proto, x_train, x_test, expected in cases() + hand_built_cases():
        with tempfile.TemporaryDirectory() as work:
            try:
                problem = check(binary, work, name, proto, x_train, x_test, expected)
            except RuntimeError as e:
                problem = str(e)
        if problem:
            failures.append(f"{name}: {problem}")
    for line in failures:
        print("FAIL:", line)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
