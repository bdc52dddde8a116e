#!/usr/bin/python3
"""Writes the LayerNormalization test model (a Gemm, then LayerNormalization over the last axis with
a scale and a bias) and its calibration and input files. Run with Debian's /usr/bin/python3
(python3-onnx, python3-numpy); the outputs are committed."""
import json
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

rng = np.random.default_rng(7)
here = os.path.dirname(os.path.abspath(__file__))
weight = rng.normal(0, 0.4, (16, 16)).astype(np.float32)
bias = rng.normal(0, 0.2, 16).astype(np.float32)
scale = rng.uniform(0.5, 1.5, 16).astype(np.float32)
shift = rng.normal(0, 0.3, 16).astype(np.float32)
graph = helper.make_graph(
    [helper.make_node("Gemm", ["input", "weight", "bias"], ["hidden"]),
     helper.make_node("LayerNormalization", ["hidden", "scale", "shift"], ["output"], axis=-1,
                      epsilon=1e-5)],
    "layer_norm",
    [helper.make_tensor_value_info("input", TensorProto.FLOAT, [2, 16])],
    [helper.make_tensor_value_info("output", TensorProto.FLOAT, [2, 16])],
    [numpy_helper.from_array(weight, "weight"), numpy_helper.from_array(bias, "bias"),
     numpy_helper.from_array(scale, "scale"), numpy_helper.from_array(shift, "shift")])
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
onnx.checker.check_model(model)
onnx.save(model, os.path.join(here, "model.onnx"))
samples = rng.normal(0, 1, (64, 32)).round(4)
with open(os.path.join(here, "calibration.json"), "w") as f:
    json.dump({"input_data": [samples.reshape(-1).tolist()]}, f)
with open(os.path.join(here, "input.json"), "w") as f:
    json.dump({"input_data": [rng.normal(0, 1, 32).round(4).tolist()]}, f)
