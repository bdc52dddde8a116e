#!/usr/bin/python3
"""Trains the credit-scoring examples on scikit-learn's breast-cancer set and exports them to ONNX
as skl2onnx does at its defaults.

A lender's models on a public tabular dataset Debian ships (sklearn's bundled breast-cancer
table: 569 rows, 30 features, 2 classes), standardized with the training rows' mean and
deviation: a gradient-boosted tree ensemble (GradientBoostingClassifier at its defaults: 100
trees of depth 3) and an MLP (MLPClassifier, one hidden layer of 100 ReLUs). Debian has no
skl2onnx, so scripts/sklearn_onnx.py writes the graphs node for node as skl2onnx 1.x does for
these estimators (TreeEnsembleClassifier + ZipMap in domain ai.onnx.ml; MatMul/Add/Relu/Sigmoid
and ArrayFeatureExtractor for the MLP); the frontend imports them as they are.

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
from sklearn.datasets import load_breast_cancer
from sklearn.ensemble import GradientBoostingClassifier
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import StandardScaler

import sklearn_onnx

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "examples", "credit")
HELD_OUT = 100


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
    exports = {"gbt": sklearn_onnx.gradient_boosting_classifier,
               "mlp": sklearn_onnx.mlp_classifier}
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
