"""A GPT-2-architecture decoder as nanoGPT writes it (pre-LayerNorm blocks, causal multi-head
attention with a fused QKV projection, a GELU MLP of 4 × d_model, learned positions, an untied
head), for scripts/train_nanogpt.py (the example) and scripts/export_gpt.py (a large one for the
benchmarks). The modules are created in the same order for every configuration, so a seed gives
the same weights as before the configuration was a parameter.
"""
import math
from dataclasses import dataclass

import torch
from torch import nn
from torch.nn import functional as F


@dataclass(frozen=True)
class GptConfig:
    vocabulary: int
    context: int
    d_model: int
    heads: int
    layers: int


class SelfAttention(nn.Module):
    """Causal multi-head attention with a fused QKV projection, as nanoGPT writes it."""

    def __init__(self, config: GptConfig):
        super().__init__()
        self.config = config
        self.c_attn = nn.Linear(config.d_model, 3 * config.d_model)
        self.c_proj = nn.Linear(config.d_model, config.d_model)
        mask = torch.tril(torch.ones(config.context, config.context))
        self.register_buffer("bias", mask.view(1, 1, config.context, config.context))

    def forward(self, x):
        b, t, c = x.size()
        heads = self.config.heads
        q, k, v = self.c_attn(x).split(self.config.d_model, dim=2)
        q = q.view(b, t, heads, c // heads).transpose(1, 2)
        k = k.view(b, t, heads, c // heads).transpose(1, 2)
        v = v.view(b, t, heads, c // heads).transpose(1, 2)
        att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(k.size(-1)))
        att = att.masked_fill(self.bias[:, :, :t, :t] == 0, float("-inf"))
        att = F.softmax(att, dim=-1)
        y = (att @ v).transpose(1, 2).contiguous().view(b, t, c)
        return self.c_proj(y)


class Block(nn.Module):
    def __init__(self, config: GptConfig):
        super().__init__()
        d = config.d_model
        self.ln_1 = nn.LayerNorm(d)
        self.attn = SelfAttention(config)
        self.ln_2 = nn.LayerNorm(d)
        self.mlp = nn.Sequential(nn.Linear(d, 4 * d), nn.GELU(), nn.Linear(4 * d, d))

    def forward(self, x):
        x = x + self.attn(self.ln_1(x))
        return x + self.mlp(self.ln_2(x))


class Gpt(nn.Module):
    def __init__(self, config: GptConfig):
        super().__init__()
        self.wte = nn.Embedding(config.vocabulary, config.d_model)
        self.wpe = nn.Embedding(config.context, config.d_model)
        self.blocks = nn.Sequential(*[Block(config) for _ in range(config.layers)])
        self.ln_f = nn.LayerNorm(config.d_model)
        self.lm_head = nn.Linear(config.d_model, config.vocabulary)

    def forward(self, idx):
        positions = torch.arange(idx.size(1), dtype=torch.long)
        x = self.wte(idx) + self.wpe(positions)
        return self.lm_head(self.ln_f(self.blocks(x)))
