#!/usr/bin/python3
"""Exports a GPT-2-architecture decoder with random weights to ONNX as torch does by default, with
a calibration set and an input, for the benchmarks that need a transformer of tens of millions of
parameters (scripts/bench_slices.sh). The weights are GPT-2's initialisation (normal, standard
deviation 0.02; the residual projections scaled by 1/sqrt(2 · layers)), nothing here being able to
download trained ones. Run with Debian's Python (python3-torch):

    /usr/bin/python3 scripts/export_gpt.py OUT_DIR [--layers 8] [--d-model 512] [--heads 8]
        [--vocabulary 8192] [--context 32] [--samples 4]

Writes OUT_DIR/model.onnx, calibration.json (samples windows of random token ids) and input.json,
in the format `tensorstark compile` and `prove` read. Seeds are fixed.
"""
import argparse
import json
import math
import os

import torch
from torch import nn

from gpt_model import Gpt, GptConfig


def gpt2_init(model: Gpt, layers: int):
    """GPT-2's initialisation: every weight N(0, 0.02), the residual projections N(0, 0.02 /
    sqrt(2 · layers)), biases zero, LayerNorms the identity."""
    for name, parameter in model.named_parameters():
        if name.endswith("bias"):
            nn.init.zeros_(parameter)
        elif ".ln_" in name or name.startswith("ln_f"):
            nn.init.ones_(parameter)
        else:
            residual = name.endswith("c_proj.weight") or name.endswith("mlp.2.weight")
            std = 0.02 / math.sqrt(2 * layers) if residual else 0.02
            nn.init.normal_(parameter, 0.0, std)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out")
    parser.add_argument("--layers", type=int, default=8)
    parser.add_argument("--d-model", type=int, default=512)
    parser.add_argument("--heads", type=int, default=8)
    parser.add_argument("--vocabulary", type=int, default=8192)
    parser.add_argument("--context", type=int, default=32)
    parser.add_argument("--samples", type=int, default=4, help="calibration windows")
    args = parser.parse_args()
    torch.manual_seed(0)
    config = GptConfig(args.vocabulary, args.context, args.d_model, args.heads, args.layers)
    model = Gpt(config)
    gpt2_init(model, args.layers)
    model.eval()
    tokens = torch.randint(0, args.vocabulary, (args.samples + 1, args.context))
    os.makedirs(args.out, exist_ok=True)
    torch.onnx.export(model, tokens[:1], os.path.join(args.out, "model.onnx"),
                      input_names=["tokens"], output_names=["logits"])
    with open(os.path.join(args.out, "calibration.json"), "w") as f:
        json.dump({"input_data": [tokens[1:].reshape(-1).tolist()]}, f)
    with open(os.path.join(args.out, "input.json"), "w") as f:
        json.dump({"input_data": [tokens[0].tolist()]}, f)
    parameters = sum(p.numel() for p in model.parameters())
    print(f"wrote {args.out}: a GPT of {args.layers} layers, d_model {args.d_model}, "
          f"{args.heads} heads, vocabulary {args.vocabulary}, {args.context} tokens: "
          f"{parameters} parameters")


if __name__ == "__main__":
    main()
