#!/usr/bin/python3
"""Writes the recurrent test models next to this file: torch's LSTM and GRU bidirectional
(batch-first, so the export transposes) and RNN one-directional (5 inputs, hidden size 8, 3 steps:
each step is a few operators with lookup tables of their own, so the sequence is kept short for
CI), followed by a Linear to 3 outputs, exported by torch.onnx.export at its default opset with no
edits. Each directory has model.onnx, calibration.json (16 random sequences),
input.json and float_outputs.json (torch's outputs: the reference the frontend does not share).
Run with Debian's /usr/bin/python3 (python3-torch); the outputs are committed."""
import json
import os

import torch

HERE = os.path.dirname(os.path.abspath(__file__))


class Recurrent(torch.nn.Module):
    def __init__(self, kind, bidirectional):
        super().__init__()
        self.rnn = getattr(torch.nn, kind)(input_size=5, hidden_size=8, batch_first=bidirectional,
                                           bidirectional=bidirectional)
        self.out = torch.nn.Linear(8 * (2 if bidirectional else 1), 3)

    def forward(self, x):
        y, _ = self.rnn(x)
        return self.out(y)


def main():
    torch.manual_seed(0)
    for kind, bidirectional in [("LSTM", True), ("GRU", True), ("RNN", False)]:
        name = f"recurrent_{kind.lower()}_{'bi' if bidirectional else 'uni'}"
        directory = os.path.join(HERE, name)
        os.makedirs(directory, exist_ok=True)
        model = Recurrent(kind, bidirectional).eval()
        shape = (1, 3, 5) if bidirectional else (3, 1, 5)
        x, calibration = torch.randn(*shape), torch.randn(16, *shape)
        torch.onnx.export(model, x, os.path.join(directory, "model.onnx"),
                          input_names=["x"], output_names=["y"])
        with torch.no_grad():
            y = model(x)
        for file, key, value in [("calibration.json", "input_data", calibration),
                                 ("input.json", "input_data", x),
                                 ("float_outputs.json", "output_data", y)]:
            with open(os.path.join(directory, file), "w") as f:
                json.dump({key: [[round(v, 7) for v in value.flatten().tolist()]]}, f)


if __name__ == "__main__":
    main()
