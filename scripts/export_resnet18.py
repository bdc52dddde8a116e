#!/usr/bin/python3
"""Exports torchvision's ResNet-18 with random weights (nothing here can download pretrained
ones) to ONNX as torch does by default, with a calibration set and an input, for the benchmarks
that need a model of 11 million parameters (scripts/bench_memory.sh). Run with Debian's Python
(python3-torch, python3-torchvision):

    /usr/bin/python3 scripts/export_resnet18.py OUT_DIR [--size 64] [--samples 4]

Writes OUT_DIR/model.onnx, calibration.json (samples images of size × size, three channels) and
input.json, in the format `tensorstark compile` and `prove` read. Seeds are fixed.
"""
import argparse
import json
import os

import torch
import torchvision


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out")
    parser.add_argument("--size", type=int, default=64, help="the input images' side (pixels)")
    parser.add_argument("--samples", type=int, default=4, help="calibration images")
    args = parser.parse_args()
    torch.manual_seed(0)
    model = torchvision.models.resnet18(weights=None).eval()
    images = torch.rand(args.samples + 1, 3, args.size, args.size) * 2 - 1
    os.makedirs(args.out, exist_ok=True)
    x = images[:1]
    torch.onnx.export(model, x, os.path.join(args.out, "model.onnx"), input_names=["input"],
                      output_names=["logits"])
    flat = lambda t: t.reshape(-1).tolist()  # noqa: E731
    with open(os.path.join(args.out, "calibration.json"), "w") as f:
        json.dump({"input_data": [flat(images[1:])]}, f)
    with open(os.path.join(args.out, "input.json"), "w") as f:
        json.dump({"input_data": [flat(x)]}, f)
    parameters = sum(p.numel() for p in model.parameters())
    print(f"wrote {args.out}: ResNet-18, {parameters} parameters, {args.size}x{args.size} input")


if __name__ == "__main__":
    main()
