#!/usr/bin/python3
"""Writes the frontend's small test models next to this file, each with model.onnx,
calibration.json and input.json:
- layer_norm/: a Gemm, then LayerNormalization over the last axis with a scale and a bias;
- grouped_conv/: a Conv with 2 groups, padding and a bias, ReLU, MaxPool, then a depthwise Conv;
- open_slices/ and last_slice/: slices as torch exports them, with end = INT64_MAX
  (y = cat([x[:, :2], x[:, 6:]]) * 2 and y = x[:, -1:] * 3), and float_outputs.json, numpy's
  outputs for input.json, a reference the frontend does not share;
- argmax_offset/: argmax(x) + 100, an int64 output computed with an int64 constant, and numpy's
  float_outputs.json;
- wide_max/: a maximum over 80 elements (more than the prover's maximum takes at once: proved
  in chunks), and numpy's float_outputs.json;
- wide_argmax/: first- and last-index argmax over 150 elements with ties within and across
  chunks of 64, and numpy's float_outputs.json;
- long_softmax/: a causal mask, then Softmax over rows of 300 (through their log-sum-exp), and
  numpy's float_outputs.json;
- misdeclared/: x * 2 with its output declared [1, 5] where it is [1, 4].
Run with Debian's /usr/bin/python3 (python3-onnx, python3-numpy); the outputs are committed."""
import json
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))


def write(name, nodes, input_shape, output_shape, initializers, opset, rng, samples,
          reference=None, output_type=TensorProto.FLOAT, scale=1, grid=None,
          edit_input=lambda x: x):
    directory = os.path.join(HERE, name)
    os.makedirs(directory, exist_ok=True)
    graph = helper.make_graph(
        nodes, name, [helper.make_tensor_value_info("input", TensorProto.FLOAT, input_shape)],
        [helper.make_tensor_value_info("output", output_type, output_shape)],
        [numpy_helper.from_array(value, key) for key, value in initializers.items()])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    onnx.checker.check_model(model)
    onnx.save(model, os.path.join(directory, "model.onnx"))
    size = int(np.prod(input_shape))
    def draw(shape):  # normal values to 4 decimals, or on a grid
        values = rng.normal(0, scale, shape)
        return (values / grid).round() * grid if grid else values.round(4)
    calibration = draw((samples, size))
    with open(os.path.join(directory, "calibration.json"), "w") as f:
        json.dump({"input_data": [calibration.reshape(-1).tolist()]}, f)
    x = edit_input(draw(size).reshape(input_shape)).reshape(-1)
    with open(os.path.join(directory, "input.json"), "w") as f:
        json.dump({"input_data": [x.tolist()]}, f)
    if reference:
        y = reference(x.astype(np.float32).reshape(input_shape))
        assert list(y.shape) == output_shape
        values = y.reshape(-1).tolist() if y.dtype == np.int64 else \
            y.reshape(-1).astype(float).round(6).tolist()
        with open(os.path.join(directory, "float_outputs.json"), "w") as f:
            json.dump({"output_data": [values]}, f)


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


INT64_MAX = np.iinfo(np.int64).max


def ints(values):
    return np.array(values, dtype=np.int64)


def open_slices():
    initializers = {"zero": ints([0]), "two": ints([2]), "six": ints([6]),
                    "end": ints([INT64_MAX]), "axis": ints([1]),
                    "factor": np.array(2, dtype=np.float32)}
    nodes = [helper.make_node("Slice", ["input", "zero", "two", "axis"], ["head"]),
             helper.make_node("Slice", ["input", "six", "end", "axis"], ["tail"]),
             helper.make_node("Concat", ["head", "tail"], ["both"], axis=1),
             helper.make_node("Mul", ["both", "factor"], ["output"])]
    write("open_slices", nodes, [1, 8], [1, 4], initializers, 13, np.random.default_rng(3), 16,
          lambda x: np.concatenate([x[:, :2], x[:, 6:]], axis=1) * 2)


def last_slice():
    initializers = {"start": ints([-1]), "end": ints([INT64_MAX]), "axis": ints([1]),
                    "factor": np.array(3, dtype=np.float32)}
    nodes = [helper.make_node("Slice", ["input", "start", "end", "axis"], ["last"]),
             helper.make_node("Mul", ["last", "factor"], ["output"])]
    write("last_slice", nodes, [1, 8], [1, 1], initializers, 13, np.random.default_rng(5), 16,
          lambda x: x[:, -1:] * 3)


def argmax_offset():
    nodes = [helper.make_node("ArgMax", ["input"], ["index"], axis=1, keepdims=1),
             helper.make_node("Add", ["index", "offset"], ["output"])]
    write("argmax_offset", nodes, [1, 6], [1, 1], {"offset": ints([[100]])}, 13,
          np.random.default_rng(15), 16, lambda x: np.argmax(x, axis=1, keepdims=True) + 100,
          TensorProto.INT64)


def wide_max():
    nodes = [helper.make_node("ReduceMax", ["input"], ["output"], axes=[1], keepdims=1)]
    write("wide_max", nodes, [1, 80], [1, 1], {}, 13, np.random.default_rng(9), 8,
          lambda x: np.max(x, axis=1, keepdims=True))


def wide_argmax():
    # Values on a grid of 0.5, so rows hold ties; row 0's maximum is at 10 and at 140 (chunks 0
    # and 2 of 64), which the first-index and the last-index argmax must tell apart.
    nodes = [helper.make_node("ArgMax", ["input"], ["first"], axis=1, keepdims=1),
             helper.make_node("ArgMax", ["input"], ["last"], axis=1, keepdims=1,
                              select_last_index=1),
             helper.make_node("Concat", ["first", "last"], ["output"], axis=1)]

    def tie_at_10_and_140(x):
        x[0, 10] = x[0, 140] = x[0].max() + 0.5
        return x

    def reference(x):
        last = x.shape[1] - 1 - np.argmax(x[:, ::-1], axis=1, keepdims=True)
        return np.concatenate([np.argmax(x, axis=1, keepdims=True), last], axis=1)
    write("wide_argmax", nodes, [2, 150], [2, 2], {}, 13, np.random.default_rng(17), 8,
          reference, TensorProto.INT64, grid=0.5, edit_input=tie_at_10_and_140)


def long_softmax():
    # A causal mask's -inf (Where on a constant condition: 151 and 290 elements kept), then
    # Softmax over rows of 300: rows longer than a sum's reciprocal takes, computed through their
    # log-sum-exp.
    rows, n = 2, 300
    mask = np.arange(n)[None, :] <= np.array([[150], [289]])
    nodes = [helper.make_node("Where", ["mask", "input", "minus_inf"], ["masked"]),
             helper.make_node("Softmax", ["masked"], ["output"], axis=1)]
    initializers = {"mask": mask, "minus_inf": np.array(-np.inf, dtype=np.float32)}

    def reference(x):
        z = np.where(mask, x.astype(np.float64), -np.inf)
        e = np.exp(z - z.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)
    write("long_softmax", nodes, [rows, n], [rows, n], initializers, 13,
          np.random.default_rng(19), 8, reference, scale=3)


def misdeclared():
    nodes = [helper.make_node("Mul", ["input", "factor"], ["output"])]
    write("misdeclared", nodes, [1, 4], [1, 5], {"factor": np.array(2, dtype=np.float32)}, 13,
          np.random.default_rng(13), 4)


layer_norm()
grouped_conv()
open_slices()
last_slice()
argmax_offset()
wide_max()
wide_argmax()
long_softmax()
misdeclared()
