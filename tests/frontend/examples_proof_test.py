#!/usr/bin/python3
"""The framework-exported examples end to end through the CLI: compiled (weights public, to keep
CI quick), proved with the test profile, verified, and the outputs the verified statement holds
compared with the framework's own (examples/<name>/float_outputs.json, written by torch when the
example was trained): every element within the tolerance, and the prediction (the argmax of each
row of logits) the same wherever the framework's is decisive (its two best logits further apart
than the margin); a near-tie may go either way within the quantization's error.

The credit classifiers (examples/credit/<gbt|mlp>, scikit-learn's) are checked the same way on
their proved input (label and probabilities against sklearn's), and on the 100 held-out rows of
examples/credit/heldout.json by `run` (the integer semantics a proof proves): the label sklearn
predicts on every row where its two probabilities are more than CREDIT_MARGIN apart.

The same check serves torch's recurrent test models (tests/frontend/data/recurrent_*), named on
the command line with that folder as EXAMPLES_DIR.

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
    # torch's recurrent nets (tests/frontend/data/make_recurrent_models.py), unrolled at import:
    # outputs up to 0.15-0.4, so a row is decisive from a margin of 0.02
    **{name: (3, 0.02, 0.05)
       for name in ["recurrent_lstm_bi", "recurrent_gru_bi", "recurrent_rnn_uni"]},
}
CREDIT = ["credit/gbt", "credit/mlp"]
CREDIT_MARGIN = 0.02
CREDIT_PROBABILITY_ERROR = 0.02


def run(command):
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"FAIL: {' '.join(command[:2])} exited {result.returncode}: "
                 f"{result.stderr.strip()}")
    return result.stdout


def prove_and_verify(tensorstark, directory, name, work):
    """Compiles (weights public), proves the example's input and verifies: the model file and
    the outputs the verified statement holds."""
    model = os.path.join(work, f"{name.replace('/', '_')}.tsm")
    proof = model.replace(".tsm", ".bin")
    run([tensorstark, "compile", os.path.join(directory, "model.onnx"), "-o", model,
         "--calibration", os.path.join(directory, "calibration.json"),
         "--visibility", "input=public,weights=public"])
    run([tensorstark, "prove", model, "--input", os.path.join(directory, "input.json"), "-o",
         proof, "--profile", "test"])
    verified = json.loads(run([tensorstark, "verify", model, proof, "--min-security-bits", "0",
                               "--json"]))
    stated = [np.array(t["values"]) for t in verified["public"]["tensors"] if t["kind"] == "output"]
    with open(os.path.join(directory, "float_outputs.json")) as f:
        framework = [np.array(o) for o in json.load(f)["output_data"]]
    return model, stated, framework


def check_credit(tensorstark, examples, name, work):
    directory = os.path.join(examples, name)
    model, stated, framework = prove_and_verify(tensorstark, directory, name, work)
    if stated[0].tolist() != framework[0].tolist():
        return f"the proof states label {stated[0].tolist()}, sklearn's is {framework[0].tolist()}"
    if np.max(np.abs(stated[1].ravel() - framework[1])) > CREDIT_PROBABILITY_ERROR:
        return f"the proof states probabilities {stated[1].tolist()}, sklearn's {framework[1]}"
    with open(os.path.join(examples, "credit", "heldout.json")) as f:
        heldout = json.load(f)
    want = heldout[name.split("/")[1]]
    agree, decisive = 0, 0
    for i, (row, label, p) in enumerate(zip(heldout["inputs"], want["predicted"],
                                            want["probabilities"])):
        path = os.path.join(work, "row.json")
        with open(path, "w") as f:
            json.dump({"input_data": [row]}, f)
        run([tensorstark, "run", model, "--input", path, "--output", path])
        with open(path) as f:
            got = json.load(f)["output_data"][0][0]
        agree += got == label
        if abs(p[1] - p[0]) > CREDIT_MARGIN:
            decisive += 1
            if got != label:
                return f"held-out row {i}: label {got}, sklearn's {label}"
    print(f"{name}: the proof states sklearn's label; labels as sklearn's on {agree} of "
          f"{len(want['predicted'])} held-out rows ({decisive} decisive)")
    return ""


def check(tensorstark, examples, name, work):
    if name in CREDIT:
        return check_credit(tensorstark, examples, name, work)
    row, margin, max_error = EXAMPLES[name]
    _, stated, framework = prove_and_verify(tensorstark, os.path.join(examples, name), name, work)
    got, want = stated[0], framework[0]
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
    names = sys.argv[3:] or ["nanogpt"] + CREDIT
    failures = []
    with tempfile.TemporaryDirectory() as work:
        for name in names:
            problem = check(tensorstark, examples, name, work)
            if problem:
                failures.append(f"{name}: {problem}")
    for line in failures:
        print("FAIL:", line)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
