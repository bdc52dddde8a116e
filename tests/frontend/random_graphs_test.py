#!/usr/bin/python3
"""Property test of the frontend: random small ONNX graphs of the operators the quantizer
supports (slices with negative, open and int64-extreme bounds and steps, concatenations,
broadcasting arithmetic with constants, MatMul/Gemm, ConvTranspose (groups too), activations,
reshapes, transposes, gathers with negative indices, pads, tiles, reductions, softmax (with -inf
masks too) and log-softmax, maxima over more than 64 elements and softmax rows over 256,
comparisons with Where, Max/Min/Sum/Mean, Pow, division by a computed tensor, PRelu, an
embedding lookup by int64 token ids) are compiled, proved and verified by the CLI, and the
outputs the proof states are compared with numpy's evaluation of the same graph, which shares no
code with the frontend. Each graph declares the output shape numpy computes, which compile checks
against its own inference.

usage: random_graphs_test.py TENSORSTARK [--graphs N] [--seed S] [--keep DIR]
Needs Debian's python3-onnx and python3-numpy (scripts/setup.sh installs them)."""
import argparse
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

INT64_MAX = int(np.iinfo(np.int64).max)
INT64_MIN = int(np.iinfo(np.int64).min)
CALIBRATION_SAMPLES = 16


class Graph:
    """A chain of steps on one tensor: ONNX nodes, and the numpy function of each step."""

    def __init__(self, rng, input_shape):
        self.rng = rng
        self.input_shape = input_shape
        self.nodes, self.initializers, self.steps, self.ops = [], [], [], []
        self.current = "input"
        self.count = 0

    def fresh(self, base):
        self.count += 1
        return f"{base}_{self.count}"

    def const(self, value):
        name = self.fresh("c")
        self.initializers.append(numpy_helper.from_array(np.asarray(value), name))
        return name

    def ints(self, values):
        return self.const(np.array(values, dtype=np.int64))

    def floats(self, values):
        return self.const(np.asarray(values, dtype=np.float32))

    def add(self, op, extra_inputs, fn, **attributes):
        """One node reading the current tensor and `extra_inputs`; fn is its numpy function."""
        out = self.fresh(op.lower())
        self.nodes.append(helper.make_node(op, [self.current] + extra_inputs, [out], **attributes))
        self.finish_step(op, out, fn)

    def finish_step(self, label, out, fn):
        self.steps.append(fn)
        self.ops.append(label)
        self.current = out

    def evaluate(self, x):
        for fn in self.steps:
            x = np.asarray(fn(x), dtype=np.float32)
        return x

    def shape(self):
        return self.evaluate(np.zeros(self.input_shape, dtype=np.float32)).shape


def slice_bounds(rng, dim):
    """A start, end and step whose numpy slice is not empty (numpy and ONNX agree on these)."""
    while True:
        step = int(rng.choice([1, 1, 2, -1, -2, INT64_MAX, INT64_MIN]))
        if step > 0:
            start = int(rng.choice([0, 1, -1, -dim, int(rng.integers(-dim, dim)), INT64_MIN]))
            end = int(rng.choice([INT64_MAX, dim, -1, int(rng.integers(-dim, dim + 1))]))
        else:
            start = int(rng.choice([-1, dim - 1, int(rng.integers(-dim, dim)), INT64_MAX]))
            end = int(rng.choice([INT64_MIN, -dim - 1, int(rng.integers(-dim - 1, dim))]))
        if len(range(dim)[slice(start, end, step)]) > 0:
            return start, end, step


def add_slice(g, shape):
    axis = int(g.rng.integers(0, len(shape)))
    start, end, step = slice_bounds(g.rng, shape[axis])
    index = [slice(None)] * len(shape)
    index[axis] = slice(start, end, step)
    g.add("Slice", [g.ints([start]), g.ints([end]), g.ints([axis]), g.ints([step])],
          lambda x, index=tuple(index): x[index])


def add_concat_of_slices(g, shape):
    """cat([x[..., :a], x[..., b:]]) as torch writes it, with end = INT64_MAX."""
    dim = shape[-1]
    a, b = int(g.rng.integers(1, dim + 1)), int(g.rng.integers(0, dim))
    head, tail, out = g.fresh("head"), g.fresh("tail"), g.fresh("concat")
    g.nodes += [
        helper.make_node("Slice", [g.current, g.ints([0]), g.ints([a]), g.ints([-1])], [head]),
        helper.make_node("Slice", [g.current, g.ints([b]), g.ints([INT64_MAX]), g.ints([-1])],
                         [tail]),
        helper.make_node("Concat", [head, tail], [out], axis=-1)]
    g.finish_step("Slice+Concat", out,
                  lambda x: np.concatenate([x[..., :a], x[..., b:]], axis=-1))


def add_arithmetic(g, shape):
    op = str(g.rng.choice(["Add", "Sub", "Mul", "Div"]))
    # A constant that broadcasts: a scalar, the last axis, or a 1 in front.
    const_shapes = [[], [shape[-1]], [1] * (len(shape) - 1) + [shape[-1]]]
    const_shape = const_shapes[int(g.rng.integers(0, 3))]
    if op == "Div":
        c = g.rng.uniform(0.5, 2.0, const_shape) * g.rng.choice([-1, 1], const_shape)
    else:
        c = g.rng.normal(0, 1, const_shape)
    c = np.asarray(c, dtype=np.float32)
    fn = {"Add": np.add, "Sub": np.subtract, "Mul": np.multiply, "Div": np.divide}[op]
    g.add(op, [g.floats(c)], lambda x: fn(x, c))


def add_linear(g, shape):
    k, m = shape[-1], int(g.rng.integers(2, 13))
    w = g.rng.normal(0, 1 / np.sqrt(k), (k, m)).astype(np.float32)
    if len(shape) == 2 and g.rng.random() < 0.5:
        bias = g.rng.normal(0, 0.3, m).astype(np.float32)
        g.add("Gemm", [g.floats(w.T), g.floats(bias)], lambda x: x @ w + bias, transB=1)
    else:
        g.add("MatMul", [g.floats(w)], lambda x: x @ w)


def add_activation(g, shape):
    op = str(g.rng.choice(["Relu", "Sigmoid", "Tanh", "Neg", "Clip"]))
    if op == "Clip":
        lo, hi = sorted(g.rng.normal(0, 0.7, 2).astype(np.float32))
        g.add("Clip", [g.floats(lo), g.floats(hi)], lambda x: np.clip(x, lo, hi))
        return
    fn = {"Relu": lambda x: np.maximum(x, 0), "Sigmoid": lambda x: 1 / (1 + np.exp(-x)),
          "Tanh": np.tanh, "Neg": np.negative}[op]
    g.add(op, [], fn)


def add_reshape(g, shape):
    size = int(np.prod(shape))
    choice = int(g.rng.integers(0, 3))
    if choice == 0 and len(shape) == 2:
        g.add("Transpose", [], lambda x: x.T, perm=[1, 0])
    elif choice == 1:
        divisors = [d for d in range(1, size + 1) if size % d == 0]
        last = int(g.rng.choice(divisors))
        g.add("Reshape", [g.ints([-1, last])], lambda x: x.reshape(-1, last))
    else:
        g.add("Flatten", [], lambda x: x.reshape(x.shape[0], -1), axis=1)


def add_gather(g, shape):
    axis = len(shape) - 1
    dim = shape[axis]
    indices = g.rng.integers(-dim, dim, int(g.rng.integers(1, dim + 2)))
    g.add("Gather", [g.ints(indices)], lambda x: np.take(x, indices, axis=axis), axis=axis)


def add_pad_or_tile(g, shape):
    rank = len(shape)
    if g.rng.random() < 0.5:
        before, after = int(g.rng.integers(0, 3)), int(g.rng.integers(0, 3))
        value = np.float32(g.rng.normal(0, 1))
        pads = [0] * rank + [0] * rank
        pads[rank - 1], pads[2 * rank - 1] = before, after
        widths = [(0, 0)] * (rank - 1) + [(before, after)]
        g.add("Pad", [g.ints(pads), g.floats(value)],
              lambda x: np.pad(x, widths, constant_values=value))
    else:
        repeats = [1] * rank
        repeats[int(g.rng.integers(0, rank))] = 2
        g.add("Tile", [g.ints(repeats)], lambda x: np.tile(x, repeats))


def add_reduction(g, shape, op=None):
    op = op or str(g.rng.choice(["ReduceSum", "ReduceMean", "ReduceMax", "Softmax"]))
    if shape[-1] < 2:
        return add_activation(g, shape)
    if op == "Softmax":
        def softmax(x):
            e = np.exp(x - x.max(axis=-1, keepdims=True))
            return e / e.sum(axis=-1, keepdims=True)
        g.add("Softmax", [], softmax, axis=-1)
        return
    if op == "LogSoftmax":
        def log_softmax(x):
            z = x - x.max(axis=-1, keepdims=True)
            return z - np.log(np.exp(z).sum(axis=-1, keepdims=True))
        g.add("LogSoftmax", [], log_softmax, axis=-1)
        return
    fn = {"ReduceSum": np.sum, "ReduceMean": np.mean, "ReduceMax": np.max}[op]
    reduce = lambda x: fn(x, axis=-1, keepdims=True)  # noqa: E731
    if op == "ReduceSum":  # its axes are an operand from opset 13 on
        g.add(op, [g.ints([-1])], reduce, keepdims=1)
    else:
        g.add(op, [], reduce, axes=[-1], keepdims=1)


def add_wide_maximum(g, shape):
    """A maximum, softmax (masked too) or log-softmax over more elements than the prover's
    maximum takes at once (64), or than a softmax row's reciprocal takes (256): the last axis
    tiled past 64 or 256 elements, then reduced; the softmax's small weights then averaged by a
    MatMul, as attention does."""
    length = int(g.rng.choice([65, 300]))
    repeats = [1] * (len(shape) - 1) + [-(-length // shape[-1])]
    g.add("Tile", [g.ints(repeats)], lambda x: np.tile(x, repeats))
    op = str(g.rng.choice(["ReduceMax", "Softmax", "LogSoftmax", "Masked"]))
    if op == "Masked":
        return add_masked_softmax(g, list(g.shape()))
    add_reduction(g, list(g.shape()), op)
    if op == "Softmax":
        add_linear(g, list(g.shape()))


def add_masked_softmax(g, shape):
    """An attention-style mask: a constant condition choosing x or a fill of -inf (or float32's
    lowest value, as torch's masked_fill(mask, finfo.min) writes it), then Softmax, whose masked
    weights must be 0, and a MatMul averaging with them."""
    if shape[-1] < 2:
        return add_activation(g, shape)
    mask = g.rng.random(shape) < 0.6
    mask[..., int(g.rng.integers(0, shape[-1]))] = True  # every row keeps an element
    fill = np.float32(-np.inf) if g.rng.random() < 0.5 else np.finfo(np.float32).min
    masked, out = g.fresh("masked"), g.fresh("softmax")
    g.nodes += [helper.make_node("Where", [g.const(mask), g.current, g.floats(fill)], [masked]),
                helper.make_node("Softmax", [masked], [out], axis=-1)]

    def softmax(x):
        z = np.where(mask, x, -np.inf)
        e = np.exp(z - z.max(axis=-1, keepdims=True))
        return e / e.sum(axis=-1, keepdims=True)
    g.finish_step("Where(mask)+Softmax", out, softmax)
    add_linear(g, list(g.shape()))


def add_selection(g, shape):
    """Two computed operands met by Max/Min/Sum/Mean, a Where on a comparison (continuous where
    the condition flips, so rounding near the threshold cannot move the result far), x/(x²+1)
    through Pow and a computed divisor, or PRelu with a slope per channel."""
    x = g.current
    choice = str(g.rng.choice(["Max", "Min", "Sum", "Mean", "Where", "Div", "PRelu"]))
    c = g.rng.uniform(-1.5, 1.5, [shape[-1]]).astype(np.float32)
    if choice in ("Max", "Min", "Sum", "Mean"):
        other, out = g.fresh("other"), g.fresh(choice.lower())
        g.nodes += [helper.make_node("Mul", [x, g.floats(c)], [other]),
                    helper.make_node(choice, [x, other], [out])]
        fn = {"Max": np.maximum, "Min": np.minimum, "Sum": np.add,
              "Mean": lambda a, b: (a + b) / 2}[choice]
        g.finish_step(f"Mul+{choice}", out, lambda v: fn(v, v * c))
    elif choice == "Where":
        compare = str(g.rng.choice(["Greater", "Less", "GreaterOrEqual", "LessOrEqual"]))
        test = {"Greater": np.greater, "Less": np.less, "GreaterOrEqual": np.greater_equal,
                "LessOrEqual": np.less_equal}[compare]
        condition, scaled, out = g.fresh("condition"), g.fresh("scaled"), g.fresh("where")
        g.nodes += [helper.make_node(compare, [x, g.floats(np.float32(0))], [condition]),
                    helper.make_node("Mul", [x, g.floats(c)], [scaled]),
                    helper.make_node("Where", [condition, x, scaled], [out])]
        g.finish_step(f"{compare}+Where", out, lambda v: np.where(test(v, 0), v, v * c))
    elif choice == "Div":
        square, denominator, out = g.fresh("square"), g.fresh("denominator"), g.fresh("div")
        g.nodes += [helper.make_node("Pow", [x, g.floats(np.float32(2))], [square]),
                    helper.make_node("Add", [square, g.floats(np.float32(1))], [denominator]),
                    helper.make_node("Div", [x, denominator], [out])]
        g.finish_step("Pow+Add+Div", out, lambda v: v / (v * v + 1))
    else:
        g.add("PRelu", [g.floats(c)], lambda v: np.where(v >= 0, v, v * c))


def conv_transpose_1d(x, w, stride, pads, output_padding, group):
    """numpy's ConvTranspose, one spatial axis: every input element adds its weighted kernel at
    stride spacing, then the pads are cut from the full length (which output_padding extends)."""
    n, c, length = x.shape
    per_group, k = w.shape[1], w.shape[2]
    full = (length - 1) * stride + k + output_padding
    y = np.zeros((n, per_group * group, full), dtype=np.float64)
    for g in range(group):
        for ci in range(c // group):
            for o in range(per_group):
                for i in range(length):
                    y[:, g * per_group + o, i * stride:i * stride + k] += \
                        x[:, g * (c // group) + ci, i:i + 1] * w[g * (c // group) + ci, o]
    return y[:, :, pads[0]:full - pads[1]]


def add_conv_transpose(g, shape):
    """The tensor as [1, channels, length], a ConvTranspose (strides, pads, output_padding,
    groups), then flattened back."""
    size = int(np.prod(shape))
    group = 2 if size % 2 == 0 and g.rng.random() < 0.5 else 1
    channels = group * int(g.rng.choice([d for d in range(1, size // group + 1)
                                         if size % (group * d) == 0]))
    length = size // channels
    g.add("Reshape", [g.ints([1, channels, length])], lambda x: x.reshape(1, channels, length))
    stride, k = int(g.rng.integers(1, 4)), int(g.rng.integers(1, 4))
    pads = [int(g.rng.integers(0, k)), int(g.rng.integers(0, k))]
    output_padding = int(g.rng.integers(0, stride))
    if (length - 1) * stride + k + output_padding - sum(pads) < 1:
        pads = [0, 0]
    per_group = int(g.rng.integers(1, 4))
    w = g.rng.normal(0, 0.5, (channels, per_group, k)).astype(np.float32)
    g.add("ConvTranspose", [g.floats(w)],
          lambda x: conv_transpose_1d(x, w, stride, pads, output_padding, group),
          strides=[stride], pads=pads, output_padding=[output_padding], group=group)
    g.add("Flatten", [], lambda x: x.reshape(1, -1), axis=1)


STEPS = [add_slice, add_concat_of_slices, add_arithmetic, add_linear, add_activation,
         add_reshape, add_gather, add_pad_or_tile, add_reduction, add_selection,
         add_wide_maximum, add_masked_softmax, add_conv_transpose]


def random_graph(rng):
    g = EmbeddingGraph(rng) if rng.random() < 0.15 else \
        Graph(rng, [int(rng.integers(1, 4)), int(rng.integers(2, 13))])
    for _ in range(int(rng.integers(2, 6))):
        step = STEPS[int(rng.integers(0, len(STEPS)))]
        step(g, list(g.shape()))
        if int(np.prod(g.shape())) > 256:  # keep the graphs small
            add_slice(g, list(g.shape()))
    return g


class EmbeddingGraph(Graph):
    """Token ids (an int64 input) gathered from a constant table, then the random steps: the
    embedding lookup by computed indices."""

    def __init__(self, rng):
        self.vocabulary, self.dim = int(rng.integers(2, 40)), int(rng.integers(1, 9))
        super().__init__(rng, [1, int(rng.integers(1, 9))])
        table = rng.normal(0, 1, (self.vocabulary, self.dim)).astype(np.float32)
        self.input_type = TensorProto.INT64
        self.add("Gather", [], lambda ids: table[ids.astype(np.int64)], axis=0)
        self.nodes[-1].input[:] = [self.floats(table), "input"]

    def sample(self, rng, shape):
        return rng.integers(0, self.vocabulary, shape)


def write_case(g, directory, rng):
    os.makedirs(directory, exist_ok=True)
    output_shape = list(g.shape())
    input_type = getattr(g, "input_type", TensorProto.FLOAT)
    graph = helper.make_graph(
        g.nodes, "random", [helper.make_tensor_value_info("input", input_type, g.input_shape)],
        [helper.make_tensor_value_info(g.current, TensorProto.FLOAT, output_shape)],
        g.initializers)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    onnx.checker.check_model(model)
    onnx.save(model, os.path.join(directory, "model.onnx"))
    sample = getattr(g, "sample", lambda r, shape: r.normal(0, 1, shape).astype(np.float32))
    calibration = sample(rng, [CALIBRATION_SAMPLES] + g.input_shape)
    with open(os.path.join(directory, "calibration.json"), "w") as f:
        json.dump({"input_data": [calibration.reshape(-1).tolist()]}, f)
    x = sample(rng, g.input_shape)
    with open(os.path.join(directory, "input.json"), "w") as f:
        json.dump({"input_data": [x.reshape(-1).tolist()]}, f)
    return g.evaluate(x)


def run(command):
    return subprocess.run(command, capture_output=True, text=True)


def check_case(tensorstark, g, directory, rng):
    """'' if the proof states numpy's outputs, 'refused: ...' when compile refuses the graph
    with an error (exit 1: an output that would lose its precision, a construct the prover does
    not support), or the failure (a shape other than numpy's among them)."""
    want = write_case(g, directory, rng)
    model, proof = os.path.join(directory, "model.tsm"), os.path.join(directory, "proof.bin")
    proved = os.path.join(directory, "proved.json")
    compiled = run([tensorstark, "compile", os.path.join(directory, "model.onnx"), "-o", model,
                    "--calibration", os.path.join(directory, "calibration.json"),
                    "--visibility", "input=public,weights=public"])
    # A shape other than the declared one (numpy's) is the frontend computing another model.
    if compiled.returncode == 1 and len(compiled.stderr.strip().splitlines()) == 1 \
            and "the model declares" not in compiled.stderr:
        return "refused: " + compiled.stderr.strip()
    if compiled.returncode != 0:
        return f"compile exited {compiled.returncode}: {compiled.stderr.strip()}"
    proved_run = run([tensorstark, "prove", model, "--input", os.path.join(directory, "input.json"),
                      "-o", proof, "--profile", "test", "--outputs", proved])
    if proved_run.returncode != 0:
        return f"prove exited {proved_run.returncode}: {proved_run.stderr.strip()}"
    verified = run([tensorstark, "verify", model, proof, "--min-security-bits", "0", "--json"])
    if verified.returncode != 0:
        return f"verify exited {verified.returncode}: {verified.stdout.strip()}"
    stated = [t for t in json.loads(verified.stdout)["public"]["tensors"] if t["kind"] == "output"]
    got = np.array(stated[0]["values"])
    with open(proved) as f:
        if json.load(f)["output_data"][0] != stated[0]["values"]:
            return "prove's outputs differ from the verified statement's"
    if got.size != want.size:
        return f"{got.size} output values, numpy has {want.size} (shape {list(want.shape)})"
    # The quantization's tolerance: a few steps of the output scale, relative to the output's range.
    tolerance = 0.03 * max(1.0, float(np.max(np.abs(want))))
    error = np.abs(got - want.reshape(-1))
    if not np.all(error <= tolerance):
        i = int(np.argmax(error))
        return f"element {i} is {got[i]:.5g}, numpy's {want.reshape(-1)[i]:.5g} (tolerance {tolerance:.3g})"
    return ""


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tensorstark")
    parser.add_argument("--graphs", type=int, default=40)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--keep", help="write the graphs under this directory and keep them")
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    failures, refusals = [], []
    with tempfile.TemporaryDirectory() as scratch:
        root = args.keep or scratch
        for i in range(args.graphs):
            g = random_graph(rng)
            directory = os.path.join(root, f"graph_{i:03d}")
            result = check_case(args.tensorstark, g, directory, rng)
            label = f"graph {i} ({' → '.join(g.ops)})"
            if result.startswith("refused: "):
                refusals.append(f"{label}: {result}")
            elif result:
                failures.append(f"{label}: {result}")
    for line in refusals:
        print("refused:", line)
    for line in failures:
        print("FAIL:", line)
    print(f"random graphs (seed {args.seed}): {args.graphs - len(failures) - len(refusals)} agree "
          f"with numpy, {len(refusals)} refused by compile, {len(failures)} failed")
    # A refusal is no wrong answer, but a generator whose graphs are mostly refused tests nothing.
    sys.exit(1 if failures or len(refusals) > args.graphs // 5 else 0)


if __name__ == "__main__":
    main()
