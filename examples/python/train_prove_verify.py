"""Train a model, prove an inference and verify it, all from Python.

Trains a small MLP on Fashion-MNIST with torch, exports it to ONNX in memory, compiles it with
tensorstark's defaults (the input and the weights private, the output public), proves one
inference, verifies the proof against the verifying model (which holds no weights), and prints
the proved outputs next to torch's.

    make python
    PYTHONPATH=build/python /usr/bin/python3 examples/python/train_prove_verify.py

Needs Debian's python3-torch and dataset-fashion-mnist (scripts/setup.sh installs both).
"""

import argparse
import gzip
import io
import os
import struct
import sys
import time

import numpy as np

try:
    import torch
    from torch import nn
except ImportError:
    sys.exit("this example trains with torch: apt-get install python3-torch")

import tensorstark as ts

FASHION = "/usr/share/datasets/fashion-mnist"
CLASSES = ["T-shirt", "trouser", "pullover", "dress", "coat", "sandal", "shirt", "sneaker", "bag",
           "boot"]


def fashion(prefix, count):
    """The first `count` images (flattened, in [0, 1]) and labels of a Fashion-MNIST split."""
    def read(kind):
        with gzip.open(f"{FASHION}/{prefix}-{kind}-idx{3 if kind == 'images' else 1}-ubyte.gz") as f:
            data = f.read()
        dims = data[3]
        shape = struct.unpack(">" + "I" * dims, data[4:4 + 4 * dims])
        return np.frombuffer(data[4 + 4 * dims:], dtype=np.uint8).reshape(shape)[:count]
    images = read("images").reshape(-1, 784).astype(np.float32) / 255.0
    return images, read("labels").astype(np.int64)


def train(images, labels, epochs):
    torch.manual_seed(0)
    model = nn.Sequential(nn.Linear(784, 32), nn.ReLU(), nn.Linear(32, 10))
    optimizer = torch.optim.Adam(model.parameters(), lr=2e-3)
    x, y = torch.from_numpy(images), torch.from_numpy(labels)
    for _ in range(epochs):
        for batch in torch.randperm(len(x)).split(64):
            optimizer.zero_grad()
            nn.functional.cross_entropy(model(x[batch]), y[batch]).backward()
            optimizer.step()
    return model.eval()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--train", type=int, default=6000, help="training images")
    parser.add_argument("--epochs", type=int, default=3)
    args = parser.parse_args()

    start = time.perf_counter()
    images, labels = fashion("train", args.train)
    model = train(images, labels, args.epochs)
    test_images, test_labels = fashion("t10k", 1000)
    with torch.no_grad():
        accuracy = (model(torch.from_numpy(test_images)).argmax(1).numpy() == test_labels).mean()
    print(f"trained a 784-32-10 MLP on {args.train} images in {time.perf_counter() - start:.1f} s:"
          f" {accuracy:.1%} on 1000 test images")

    onnx = io.BytesIO()
    torch.onnx.export(model, torch.zeros(1, 784), onnx, input_names=["image"],
                      output_names=["logits"], opset_version=13)
    start = time.perf_counter()
    compiled = ts.compile(onnx.getvalue(), calibration=images[:200])
    print(f"compiled in {time.perf_counter() - start:.2f} s (input and weights private):")
    for line in compiled.accuracy:
        print("  " + line)

    x = test_images[:1]
    start = time.perf_counter()
    proof = compiled.prove(x)
    print(f"proved in {time.perf_counter() - start:.2f} s: {len(proof)} bytes, zero knowledge")

    # A verifier holds the verifying model (no weights) and the proof, and reads the output from
    # the statement.
    verifier_model = ts.Model.from_bytes(compiled.verifying_model.to_bytes())
    start = time.perf_counter()
    statement = ts.verify(verifier_model, ts.Proof.from_bytes(proof.to_bytes()))
    print(f"verified in {time.perf_counter() - start:.3f} s: {statement.security_bits} bits, "
          f"model {statement.model[:18]}...")

    proved = statement.outputs[0].reshape(-1)
    with torch.no_grad():
        reference = model(torch.from_numpy(x)).numpy().reshape(-1)
    print(f"{'class':>10} {'proved':>9} {'torch':>9}")
    for c, name in enumerate(CLASSES):
        print(f"{name:>10} {proved[c]:9.4f} {reference[c]:9.4f}")
    print(f"label {CLASSES[test_labels[0]]}; proved argmax {CLASSES[proved.argmax()]}, torch's "
          f"{CLASSES[reference.argmax()]}; largest |difference| {np.abs(proved - reference).max():.4f}")
    if proved.argmax() != reference.argmax():
        sys.exit("the proved class is not torch's")


if __name__ == "__main__":
    main()
