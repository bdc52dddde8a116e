#!/usr/bin/python3
"""The framework-exported examples end to end through the CLI: compiled (weights public, to keep
CI quick), proved with the test profile, verified, and the outputs the verified statement holds
compared with the framework's own (examples/<name>/float_outputs.json, written by torch when the
example was trained): every element within the tolerance, and the prediction (the argmax of each
row of logits) the same wherever the framework's is decisive (its two best logits further apart
than the margin); a near-tie may go either way within the quantization's error.

usage: examples_proof_test.py TENSORSTARK EXAMPLES_DIR [name ...]
Needs Debian's python3-numpy."""
import json
import os
import subprocess
import sys
import tempfile

import numpy as np

# name: (the logits' row length, the margin above which a row's argmax must agree, the largest
# error allowed as a fraction of the outputs' largest magnitude)
EXAMPLES = {
    "nanogpt": (65, 0.1, 0.05),
}


def run(command):
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"FAIL: {' '.join(command[:2])} exited {result.returncode}: "
                 f"{result.stderr.strip()}")
    return result.stdout


def check(tensorstark, directory, name, work):
    row, margin, max_error = EXAMPLES[name]
    model, proof = os.path.join(work, f"{name}.tsm"), os.path.join(work, f"{name}.bin")
    run([tensorstark, "compile", os.path.join(directory, "model.onnx"), "-o", model,
         "--calibration", os.path.join(directory, "calibration.json"),
         "--visibility", "input=public,weights=public"])
    run([tensorstark, "prove", model, "--input", os.path.join(directory, "input.json"), "-o",
         proof, "--profile", "test"])
    verified = json.loads(run([tensorstark, "verify", model, proof, "--min-security-bits", "0",
                               "--json"]))
    stated = [t for t in verified["public"]["tensors"] if t["kind"] == "output"]
    got = np.array(stated[0]["values"])
    with open(os.path.join(directory, "float_outputs.json")) as f:
        want = np.array(json.load(f)["output_data"][0])
    if got.shape != want.shape:
        return f"{got.size} output values, the framework's {want.size}"
    error = float(np.max(np.abs(got - want)))
    scale = float(np.max(np.abs(want)))
    got, want = got.reshape(-1, row), want.reshape(-1, row)
    agrees = got.argmax(1) == want.argmax(1)
    top2 = np.sort(want, axis=1)[:, -2:]
    decisive = top2[:, 1] - top2[:, 0] > margin
    print(f"{name}: argmax agrees on {int(agrees.sum())} of {len(agrees)} rows "
          f"({int(decisive.sum())} decisive, margin > {margin}), largest |error| {error:.4g} "
          f"(outputs up to {scale:.4g})")
    wrong = np.where(decisive & ~agrees)[0]
    if len(wrong):
        return f"argmax differs on decisive rows {wrong.tolist()}"
    if error > max_error * scale:
        return f"largest |error| {error:.4g} exceeds {max_error:.0%} of {scale:.4g}"
    return ""


def main():
    tensorstark, examples = sys.argv[1], sys.argv[2]
    names = sys.argv[3:] or sorted(EXAMPLES)
    failures = []
    with tempfile.TemporaryDirectory() as work:
        for name in names:
            problem = check(tensorstark, os.path.join(examples, name), name, work)
            if problem:
                failures.append(f"{name}: {problem}")
    for line in failures:
        print("FAIL:", line)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
