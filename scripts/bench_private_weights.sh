#!/usr/bin/env bash
# The cost of private weights (issue 6, compile --visibility weights=private): fashion_mlp,
# fashion_lenet and pinn proved 3 times each with public and with private weights, every proof
# zero-knowledge, fast profile (BLAKE2s, 96 bits), 2 threads, each proof in its own process and
# verified (a private-weights proof against the verifying model). Every run appends one JSON object
# to bench/results/private_weights.jsonl; the summary prints the medians side by side. The onchain
# profile is left out: fashion_mlp's onchain proof with private weights takes about 160 s and
# 22 GB here (docs/models.md, "Private weights").
# Usage: scripts/bench_private_weights.sh [build-dir]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/bench_env.sh bench/results/private_weights.jsonl "${1:-build}"

for model in fashion_mlp fashion_lenet pinn; do
  for weights in public private; do
    echo "== $model, $weights weights" >&2
    "$cli" compile "examples/$model/model.onnx" -o "$work/$weights.tsm" \
      --calibration "examples/$model/calibration.json" --visibility "input=public,weights=$weights" \
      >/dev/null
    verifying="$work/$weights.tsm"
    [ "$weights" = private ] && verifying="$work/$weights.verifying.tsm"
    tag="example='$model', weights='$weights'"
    for run in 1 2 3; do
      bench_prove "$tag, run=$run" "$work/$weights.tsm" "examples/$model/input.json" \
        --profile fast --hash blake2s --zk
      bench_verify "$tag, run=$run" "$verifying"
    done
  done
done
/usr/bin/python3 - "$out" <<'PY'
import json, statistics, sys
rows = [json.loads(line) for line in open(sys.argv[1])]
def median(kind, key, **match):
    return statistics.median(r[key] for r in rows
                             if r["kind"] == kind and all(r[k] == v for k, v in match.items()))
print("| model (fast, zk) | prove ms public / private | proof bytes public / private "
      "| verify ms public / private | peak RSS MiB public / private |")
print("| --- | --- | --- | --- | --- |")
for model in ("fashion_mlp", "fashion_lenet", "pinn"):
    cells = []
    for kind, key, fmt in (("prove", "prove_ms", ",.0f"), ("prove", "proof_bytes", ",.0f"),
                           ("verify", "verify_ms", ".1f"), ("prove", "peak_rss_mb", ",.0f")):
        public, private = (median(kind, key, example=model, weights=w)
                           for w in ("public", "private"))
        cells.append(f"{public:{fmt}} / {private:{fmt}}")
    print(f"| {model} | " + " | ".join(cells) + " |")
PY
