#!/usr/bin/python3
"""Writes the frontend's small test models next to this file: layer_norm/ (a Gemm, then
LayerNormalization over the last axis with a scale and a bias) and grouped_conv/ (a Conv with 2
groups, padding and a bias, ReLU, MaxPool, then a depthwise Conv), each with model.onnx,
calibration.json and input.json. Run with Debian's /usr/bin/python3 (python3-onnx,
python3-numpy); the outputs are committed."""
import json
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))


def write(name, nodes, input_shape, output_shape, initializers, opset, rng, samples):
    directory = os.path.join(HERE, name)
    os.makedirs(directory, exist_ok=True)
    graph = helper.make_graph(
        nodes, name, [helper.make_tensor_value_info("input", TensorProto.FLOAT, input_shape)],
        [helper.make_tensor_value_info("output", TensorProto.FLOAT, output_shape)],
        [numpy_helper.from_array(value, key) for key, value in initializers.items()])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    onnx.checker.check_model(model)
    onnx.save(model, os.path.join(directory, "model.onnx"))
    size = int(np.prod(input_shape))
    calibration = rng.normal(0, 1, (samples, size)).round(4)
    with open(os.path.join(directory, "calibration.json"), "w") as f:
        json.dump({"input_data": [calibration.reshape(-1).tolist()]}, f)
    with open(os.path.join(directory, "input.json"), "w") as f:
        json.dump({"input_data": [rng.normal(0, 1, size).round(4).tolist()]}, f)


def layer_norm():
    rng = np.random.default_rng(7)
    initializers = {
        "weight": rng.normal(0, 0.4, (16, 16)).astype(np.float32),
        "bias": rng.normal(0, 0.2, 16).astype(np.float32),
        "scale": rng.uniform(0.5, 1.5, 16).astype(np.float32),
        "shift": rng.normal(0, 0.3, 16).astype(np.float32),
    }
    nodes = [helper.make_node("Gemm", ["input", "weight", "bias"], ["hidden"]),
             helper.make_node("LayerNormalization", ["hidden", "scale", "shift"], ["output"],
                              axis=-1, epsilon=1e-5)]
    write("layer_norm", nodes, [2, 16], [2, 16], initializers, 17, rng, 64)


def grouped_conv():
    rng = np.random.default_rng(11)
    initializers = {
        "w1": rng.normal(0, 0.4, (4, 1, 3, 3)).astype(np.float32),  # 2 channels, 2 groups
        "b1": rng.normal(0, 0.1, 4).astype(np.float32),
        "w2": rng.normal(0, 0.4, (4, 1, 2, 2)).astype(np.float32),  # depthwise
    }
    nodes = [helper.make_node("Conv", ["input", "w1", "b1"], ["conv1"], group=2,
                              pads=[1, 1, 1, 1]),
             helper.make_node("Relu", ["conv1"], ["relu1"]),
             helper.make_node("MaxPool", ["relu1"], ["pool"], kernel_shape=[2, 2], strides=[2, 2]),
             helper.make_node("Conv", ["pool", "w2"], ["output"], group=4)]
    write("grouped_conv", nodes, [1, 2, 6, 6], [1, 4, 2, 2], initializers, 13, rng, 32)


layer_norm()
grouped_conv()
