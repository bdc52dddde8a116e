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
import math
import os

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TEXT = "/usr/share/common-licenses/GPL-3"
VOCABULARY, CONTEXT, D_MODEL, HEADS, LAYERS = 65, 64, 64, 4, 4
N_CALIBRATION = 16


class SelfAttention(nn.Module):
    """Causal multi-head attention with a fused QKV projection, as nanoGPT writes it."""

    def __init__(self):
        super().__init__()
        self.c_attn = nn.Linear(D_MODEL, 3 * D_MODEL)
        self.c_proj = nn.Linear(D_MODEL, D_MODEL)
        mask = torch.tril(torch.ones(CONTEXT, CONTEXT)).view(1, 1, CONTEXT, CONTEXT)
        self.register_buffer("bias", mask)

    def forward(self, x):
        b, t, c = x.size()
        q, k, v = self.c_attn(x).split(D_MODEL, dim=2)
        q = q.view(b, t, HEADS, c // HEADS).transpose(1, 2)
        k = k.view(b, t, HEADS, c // HEADS).transpose(1, 2)
        v = v.view(b, t, HEADS, c // HEADS).transpose(1, 2)
        att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(k.size(-1)))
        att = att.masked_fill(self.bias[:, :, :t, :t] == 0, float("-inf"))
        att = F.softmax(att, dim=-1)
        y = (att @ v).transpose(1, 2).contiguous().view(b, t, c)
        return self.c_proj(y)


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.ln_1 = nn.LayerNorm(D_MODEL)
        self.attn = SelfAttention()
        self.ln_2 = nn.LayerNorm(D_MODEL)
        self.mlp = nn.Sequential(nn.Linear(D_MODEL, 4 * D_MODEL), nn.GELU(),
                                 nn.Linear(4 * D_MODEL, D_MODEL))

    def forward(self, x):
        x = x + self.attn(self.ln_1(x))
        return x + self.mlp(self.ln_2(x))


class NanoGpt(nn.Module):
    def __init__(self):
        super().__init__()
        self.wte = nn.Embedding(VOCABULARY, D_MODEL)
        self.wpe = nn.Embedding(CONTEXT, D_MODEL)
        self.blocks = nn.Sequential(*[Block() for _ in range(LAYERS)])
        self.ln_f = nn.LayerNorm(D_MODEL)
        self.lm_head = nn.Linear(D_MODEL, VOCABULARY)

    def forward(self, idx):
        positions = torch.arange(idx.size(1), dtype=torch.long)
        x = self.wte(idx) + self.wpe(positions)
        return self.lm_head(self.ln_f(self.blocks(x)))


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
    model = NanoGpt()
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
