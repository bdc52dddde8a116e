#!/usr/bin/python3
"""Trains the nanoGPT example briefly and exports it to ONNX as torch does by default.

The configuration EZKL and JOLT Atlas publish for their nanoGPT benchmarks: 4 layers, 4 heads,
d_model 64, context 64, a vocabulary of 65 characters, character-level on a text Debian ships
(the GPL's text). Run with Debian's Python (python3-torch, python3-numpy):

    /usr/bin/python3 scripts/train_nanogpt.py [--steps N]

Writes examples/nanogpt/: model.onnx (torch.onnx.export at its default opset, no edits),
calibration.json (token windows the scales are chosen from), input.json (one window of 64 token
ids) and float_outputs.json (torch's logits for it), committed so that neither CI nor users need
torch. Seeds are fixed; torch does not promise bit-identical training across versions.
"""
import argparse
import collections
import json
import os

import torch
from torch.nn import functional as F

from gpt_model import Gpt, GptConfig

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TEXT = "/usr/share/common-licenses/GPL-3"
VOCABULARY, CONTEXT = 65, 64
CONFIG = GptConfig(VOCABULARY, CONTEXT, d_model=64, heads=4, layers=4)
N_CALIBRATION = 16


def encode_text():
    """The text as token ids: its 64 most frequent characters, and one id for all others."""
    with open(TEXT, encoding="utf-8") as f:
        text = f.read()
    common = [c for c, _ in collections.Counter(text).most_common(VOCABULARY - 1)]
    ids = {c: i for i, c in enumerate(sorted(common))}
    return torch.tensor([ids.get(c, VOCABULARY - 1) for c in text], dtype=torch.long)


def train(model, data, steps):
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3)
    rng = torch.Generator().manual_seed(1)
    for step in range(steps):
        starts = torch.randint(0, len(data) - CONTEXT - 1, (32,), generator=rng)
        x = torch.stack([data[s:s + CONTEXT] for s in starts])
        y = torch.stack([data[s + 1:s + CONTEXT + 1] for s in starts])
        loss = F.cross_entropy(model(x).reshape(-1, VOCABULARY), y.reshape(-1))
        opt.zero_grad()
        loss.backward()
        opt.step()
        if (step + 1) % 100 == 0:
            print(f"  step {step + 1}: loss {loss.item():.4f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=600)
    args = parser.parse_args()
    torch.manual_seed(0)
    torch.set_num_threads(os.cpu_count() or 1)
    data = encode_text()
    split = int(0.9 * len(data))
    model = Gpt(CONFIG)
    train(model, data[:split], args.steps)
    model.eval()
    out_dir = os.path.join(ROOT, "examples", "nanogpt")
    os.makedirs(out_dir, exist_ok=True)
    sample = torch.zeros((1, CONTEXT), dtype=torch.long)
    torch.onnx.export(model, sample, os.path.join(out_dir, "model.onnx"),
                      input_names=["tokens"], output_names=["logits"])
    held_out = data[split:]
    windows = [held_out[i * CONTEXT:(i + 1) * CONTEXT] for i in range(N_CALIBRATION + 1)]
    with open(os.path.join(out_dir, "calibration.json"), "w") as f:
        json.dump({"input_data": [torch.cat(windows[1:]).tolist()]}, f)
    with open(os.path.join(out_dir, "input.json"), "w") as f:
        json.dump({"input_data": [windows[0].tolist()]}, f)
    with torch.no_grad():
        logits = model(windows[0].reshape(1, CONTEXT))
        targets = held_out[1:CONTEXT + 1]
        accuracy = (logits[0].argmax(-1) == targets).float().mean().item()
    print(f"  next-character accuracy on the input window: {accuracy:.3f}")
    with open(os.path.join(out_dir, "float_outputs.json"), "w") as f:
        json.dump({"output_data": [[round(float(v), 6) for v in logits.reshape(-1)]]}, f)
    print(f"  wrote {out_dir}")


if __name__ == "__main__":
    main()
