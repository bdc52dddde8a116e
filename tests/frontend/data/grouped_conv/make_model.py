#!/usr/bin/python3
"""Writes the grouped-convolution test model (Conv with 2 groups, padding and a bias, ReLU, then
MaxPool and a depthwise Conv) and its calibration and input files. Run with Debian's
/usr/bin/python3 (python3-onnx, python3-numpy); the outputs are committed."""
import json
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

rng = np.random.default_rng(11)
here = os.path.dirname(os.path.abspath(__file__))
w1 = rng.normal(0, 0.4, (4, 1, 3, 3)).astype(np.float32)  # 2 input channels, 2 groups
b1 = rng.normal(0, 0.1, 4).astype(np.float32)
w2 = rng.normal(0, 0.4, (4, 1, 2, 2)).astype(np.float32)  # depthwise
graph = helper.make_graph(
    [helper.make_node("Conv", ["input", "w1", "b1"], ["conv1"], group=2, pads=[1, 1, 1, 1]),
     helper.make_node("Relu", ["conv1"], ["relu1"]),
     helper.make_node("MaxPool", ["relu1"], ["pool"], kernel_shape=[2, 2], strides=[2, 2]),
     helper.make_node("Conv", ["pool", "w2"], ["output"], group=4)],
    "grouped_conv",
    [helper.make_tensor_value_info("input", TensorProto.FLOAT, [1, 2, 6, 6])],
    [helper.make_tensor_value_info("output", TensorProto.FLOAT, [1, 4, 2, 2])],
    [numpy_helper.from_array(w1, "w1"), numpy_helper.from_array(b1, "b1"),
     numpy_helper.from_array(w2, "w2")])
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
onnx.checker.check_model(model)
onnx.save(model, os.path.join(here, "model.onnx"))
samples = rng.normal(0, 1, (32, 72)).round(4)
with open(os.path.join(here, "calibration.json"), "w") as f:
    json.dump({"input_data": [samples.reshape(-1).tolist()]}, f)
with open(os.path.join(here, "input.json"), "w") as f:
    json.dump({"input_data": [rng.normal(0, 1, 72).round(4).tolist()]}, f)
