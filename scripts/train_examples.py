#!/usr/bin/python3
"""Trains the example models and exports them to ONNX with their calibration sets and inputs.

Run with Debian's Python (python3-torch, python3-onnx, python3-numpy; the data from
dataset-fashion-mnist):

    /usr/bin/python3 scripts/train_examples.py [--only fashion_mlp,fashion_lenet,pinn,tiny_mlp,
                                                        cifar_cnn]

Writes, for each model, examples/<name>/: model.onnx, calibration.json (inputs the scales are
chosen from), input.json (a sample input) and float_outputs.json (the float model's outputs for
it). The outputs are committed, so neither CI nor users need torch. Seeds are fixed, but torch
does not promise bit-identical training across versions or thread counts.
"""
import argparse
import gzip
import json
import math
import os
import struct

import numpy as np
import torch
from torch import nn

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FASHION = "/usr/share/datasets/fashion-mnist"
N_CALIBRATION = 100


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    _, _, _, dims = struct.unpack(">BBBB", data[:4])
    shape = struct.unpack(">" + "I" * dims, data[4:4 + 4 * dims])
    return np.frombuffer(data[4 + 4 * dims:], dtype=np.uint8).reshape(shape)


def fashion(split):
    prefix = "train" if split == "train" else "t10k"
    images = read_idx(f"{FASHION}/{prefix}-images-idx3-ubyte.gz").astype(np.float32) / 255.0
    labels = read_idx(f"{FASHION}/{prefix}-labels-idx1-ubyte.gz").astype(np.int64)
    return torch.from_numpy(images), torch.from_numpy(labels)


class Mlp(nn.Module):
    """n_in-n_hidden-n_out with ReLU; input [1, n_in]. fashion_mlp is 784-56-10; tiny_mlp, 8-4-2
    with seeded random weights, not trained, is the small synthetic model whose proofs the Cairo
    verifier's quickest end-to-end test verifies."""

    def __init__(self, n_in, n_hidden, n_out):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(n_in, n_hidden), nn.ReLU(), nn.Linear(n_hidden, n_out))

    def forward(self, x):
        return self.net(x)


class FashionLenet(nn.Module):
    """LeNet-5 on [1, 1, 28, 28]: conv5x5(6)-relu-avgpool2-conv5x5(16)-relu-avgpool2-120-84-10."""

    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 6, 5), nn.ReLU(), nn.AvgPool2d(2),
            nn.Conv2d(6, 16, 5), nn.ReLU(), nn.AvgPool2d(2))
        self.classifier = nn.Sequential(
            nn.Flatten(), nn.Linear(256, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(),
            nn.Linear(84, 10))

    def forward(self, x):
        return self.classifier(self.features(x))


class CifarCnn(nn.Module):
    """A CIFAR-size CNN on [1, 3, 32, 32], 258k parameters: (conv3x3 pad 1, BatchNorm, ReLU,
    maxpool2) with 32, 64 and 128 channels, then 2048-80-10. BatchNorm folds into the convolutions
    when exported in eval mode."""

    def __init__(self):
        super().__init__()
        layers = []
        for n_in, n_out in ((3, 32), (32, 64), (64, 128)):
            layers += [nn.Conv2d(n_in, n_out, 3, padding=1), nn.BatchNorm2d(n_out), nn.ReLU(),
                       nn.MaxPool2d(2)]
        self.features = nn.Sequential(*layers)
        self.classifier = nn.Sequential(nn.Flatten(), nn.Linear(2048, 80), nn.ReLU(),
                                        nn.Linear(80, 10))

    def forward(self, x):
        return self.classifier(self.features(x))


def cifar_size(images):
    """Fashion-MNIST images as CIFAR-size inputs: padded to 32x32 and repeated over 3 channels (no
    CIFAR data is packaged by Debian; the model's shape and cost are what the example is for)."""
    padded = nn.functional.pad(images, (2, 2, 2, 2))
    return padded.unsqueeze(1).repeat(1, 3, 1, 1)


class Pinn(nn.Module):
    """Linear(2,64)-Tanh-Linear(64,64)-Tanh-Linear(64,1); input [1, 2] = (S/K, tau)."""

    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(2, 64), nn.Tanh(), nn.Linear(64, 64), nn.Tanh(),
                                 nn.Linear(64, 1))

    def forward(self, x):
        return self.net(x)


def classifier_input(images, flatten):
    """[N, 28, 28] images as a classifier takes them: flat rows, one channel, or already shaped."""
    if flatten:
        return images.reshape(len(images), -1)
    return images.unsqueeze(1) if images.dim() == 3 else images


def train_classifier(model, images, labels, epochs, flatten):
    x = classifier_input(images, flatten)
    model.train()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    for epoch in range(epochs):
        perm = torch.randperm(len(x))
        for i in range(0, len(x), 128):
            idx = perm[i:i + 128]
            loss = nn.functional.cross_entropy(model(x[idx]), labels[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
        print(f"  epoch {epoch + 1}: loss {loss.item():.4f}")


def accuracy(model, images, labels, flatten):
    x = classifier_input(images, flatten)
    model.eval()
    with torch.no_grad():
        return (model(x).argmax(1) == labels).float().mean().item()


# Black-Scholes call, strike 1 (prices in units of K), rate R, volatility SIGMA, time to expiry tau.
R, SIGMA = 0.05, 0.2


def black_scholes(s, tau):
    tau = torch.clamp(tau, min=1e-6)
    d1 = (torch.log(s) + (R + 0.5 * SIGMA ** 2) * tau) / (SIGMA * torch.sqrt(tau))
    d2 = d1 - SIGMA * torch.sqrt(tau)
    normal = torch.distributions.Normal(0.0, 1.0)
    return s * normal.cdf(d1) - torch.exp(-R * tau) * normal.cdf(d2)


def train_pinn(model, steps):
    """Physics-informed: the Black-Scholes PDE residual on random points, the payoff at tau = 0,
    and the analytic price on a few anchor points."""
    opt = torch.optim.Adam(model.parameters(), lr=2e-3)
    for step in range(steps):
        s = (torch.rand(512, 1) * 1.5 + 0.5).requires_grad_(True)
        tau = torch.rand(512, 1).requires_grad_(True)
        v = model(torch.cat([s, tau], 1))
        v_s, v_tau = torch.autograd.grad(v.sum(), (s, tau), create_graph=True)
        v_ss = torch.autograd.grad(v_s.sum(), s, create_graph=True)[0]
        residual = -v_tau + 0.5 * SIGMA ** 2 * s ** 2 * v_ss + R * s * v_s - R * v
        s0 = torch.rand(256, 1) * 1.5 + 0.5
        payoff = model(torch.cat([s0, torch.zeros_like(s0)], 1)) - torch.clamp(s0 - 1, min=0)
        sa, ta = torch.rand(256, 1) * 1.5 + 0.5, torch.rand(256, 1)
        anchor = model(torch.cat([sa, ta], 1)) - black_scholes(sa, ta)
        loss = residual.pow(2).mean() + payoff.pow(2).mean() + anchor.pow(2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        if (step + 1) % 1000 == 0:
            print(f"  step {step + 1}: loss {loss.item():.6f}")


def export(model, name, sample_shape, calibration, sample):
    out_dir = os.path.join(ROOT, "examples", name)
    os.makedirs(out_dir, exist_ok=True)
    model.eval()
    torch.onnx.export(model, torch.zeros(sample_shape), os.path.join(out_dir, "model.onnx"),
                      input_names=["input"], output_names=["output"], opset_version=13)

    def values(t):
        return [round(float(v), 6) for v in t.reshape(-1)]

    # EZKL's shape: one flat list per model input; calibration samples are concatenated.
    with open(os.path.join(out_dir, "calibration.json"), "w") as f:
        json.dump({"input_data": [values(calibration)]}, f)
    with open(os.path.join(out_dir, "input.json"), "w") as f:
        json.dump({"input_data": [values(sample)]}, f)
    with torch.no_grad():
        outputs = model(sample.reshape(sample_shape))
    with open(os.path.join(out_dir, "float_outputs.json"), "w") as f:
        json.dump({"output_data": [values(outputs)]}, f)
    print(f"  wrote {out_dir}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", default="fashion_mlp,fashion_lenet,pinn,tiny_mlp,cifar_cnn")
    args = parser.parse_args()
    only = set(args.only.split(","))
    torch.manual_seed(0)
    torch.set_num_threads(os.cpu_count() or 1)
    if only & {"fashion_mlp", "fashion_lenet", "cifar_cnn"}:
        train_x, train_y = fashion("train")
        test_x, test_y = fashion("test")
        calibration = train_x[:N_CALIBRATION]
    if "fashion_mlp" in only:
        print("fashion_mlp")
        model = Mlp(784, 56, 10)
        train_classifier(model, train_x, train_y, epochs=8, flatten=True)
        print(f"  test accuracy {accuracy(model, test_x, test_y, True):.4f}")
        export(model, "fashion_mlp", (1, 784), calibration, test_x[0])
    if "fashion_lenet" in only:
        print("fashion_lenet")
        model = FashionLenet()
        train_classifier(model, train_x, train_y, epochs=6, flatten=False)
        print(f"  test accuracy {accuracy(model, test_x, test_y, False):.4f}")
        export(model, "fashion_lenet", (1, 1, 28, 28), calibration, test_x[0])
    if "cifar_cnn" in only:
        print("cifar_cnn")
        model = CifarCnn()
        train_classifier(model, cifar_size(train_x), train_y, epochs=2, flatten=False)
        print(f"  test accuracy {accuracy(model, cifar_size(test_x), test_y, False):.4f}")
        # 32 calibration images: 100 would make a 2.5 MB calibration.json.
        export(model, "cifar_cnn", (1, 3, 32, 32), cifar_size(calibration[:32]),
               cifar_size(test_x[:1]))
    if "pinn" in only:
        print("pinn")
        model = Pinn()
        train_pinn(model, steps=4000)
        grid = torch.tensor([[0.5 + 1.5 * i / 9, j / 9] for i in range(10) for j in range(10)])
        with torch.no_grad():
            err = (model(grid) - black_scholes(grid[:, :1], grid[:, 1:])).abs().max().item()
        print(f"  max abs error against Black-Scholes on a 10x10 grid: {err:.4f}")
        export(model, "pinn", (1, 2), grid, torch.tensor([1.1, 0.5]))
    if "tiny_mlp" in only:
        print("tiny_mlp")
        generator = torch.Generator().manual_seed(8)
        model = Mlp(8, 4, 2)
        with torch.no_grad():
            for parameter in model.parameters():
                parameter.copy_(torch.rand(parameter.shape, generator=generator) * 2 - 1)
        calibration = torch.rand((N_CALIBRATION, 8), generator=generator) * 2 - 1
        export(model, "tiny_mlp", (1, 8), calibration, calibration[0])


if __name__ == "__main__":
    main()
