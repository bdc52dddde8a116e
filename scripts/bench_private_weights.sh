#!/usr/bin/env bash
# The cost of private weights (issue 30's numbers; compile --visibility weights=private):
# fashion_mlp, fashion_lenet, pinn and the CIFAR-size CNN, each compiled with public and with
# private weights (inputs public) and proved 3 times, every proof zero-knowledge, fast profile
# (BLAKE2s, 96 bits), 2 threads, each proof in its own process and verified (a private-weights
# proof against the verifying model). Every compile and every run appends one JSON object to
# bench/results/private_weights.jsonl; the summary prints the medians side by side, the ratios
# private / public and the prover memory per private weight, next to issue 30's goals. The
# onchain profile is left out: fashion_mlp's onchain proof with private weights took about 160 s
# and 22 GB on a 2-vCPU AVX2 EPYC (docs/models.md, "Private weights").
# Usage: scripts/bench_private_weights.sh [build-dir]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/bench_env.sh bench/results/private_weights.jsonl "${1:-build}"

for model in fashion_mlp fashion_lenet pinn cifar_cnn; do
  for weights in public private; do
    echo "== $model, $weights weights" >&2
    tag="example='$model', weights='$weights'"
    # compile's wall time (to the nanosecond: small models compile in tens of ms) and peak RSS,
    # and the weights and biases it counts.
    start=$(date +%s%N)
    /usr/bin/time -f "%M" -o "$work/rss.txt" "$cli" compile "examples/$model/model.onnx" \
      -o "$work/$weights.tsm" --calibration "examples/$model/calibration.json" \
      --visibility "input=public,weights=$weights" >"$work/compile.txt"
    nanoseconds=$(($(date +%s%N) - start))
    kib=$(cat "$work/rss.txt")
    n_weights=$(sed -n 's/.* operators, \([0-9]*\) [a-z]* weights and biases.*/\1/p' "$work/compile.txt")
    /usr/bin/python3 -c "import json; print(json.dumps(dict(kind='compile', compile_ms=$nanoseconds / 1e6, peak_rss_mb=$kib / 1024, weights_and_biases=$n_weights, $machine, $tag)))" >>"$out"
    verifying="$work/$weights.tsm"
    [ "$weights" = private ] && verifying="$work/$weights.verifying.tsm"
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
# This machine's rows (the newest row's CPU and SIMD level), when other machines' were appended.
rows = [r for r in rows if (r.get("cpu"), r.get("simd")) == (rows[-1]["cpu"], rows[-1]["simd"])]
def median(kind, key, **match):
    return statistics.median(r[key] for r in rows
                             if r["kind"] == kind and all(r.get(k) == v for k, v in match.items()))
print("| model (fast, zk) | prove ms public / private | peak RSS MiB public / private "
      "| compile ms public / private | proof bytes public / private | verify ms public / private "
      "| prover KiB per private weight |")
print("| --- | --- | --- | --- | --- | --- | --- |")
goals = []
for model in ("fashion_mlp", "fashion_lenet", "pinn", "cifar_cnn"):
    cells, ratios = [], {}
    for name, kind, key, fmt in (
            ("prove", "prove", "prove_ms", ",.0f"), ("memory", "prove", "peak_rss_mb", ",.0f"),
            ("compile", "compile", "compile_ms", ",.0f"), ("proof", "prove", "proof_bytes", ",.0f"),
            ("verify", "verify", "verify_ms", ".1f")):
        public, private = (median(kind, key, example=model, weights=w)
                           for w in ("public", "private"))
        cells.append(f"{public:{fmt}} / {private:{fmt}}")
        ratios[name] = private / public
    weights = median("compile", "weights_and_biases", example=model, weights="private")
    extra_kib = (median("prove", "peak_rss_mb", example=model, weights="private") -
                 median("prove", "peak_rss_mb", example=model, weights="public")) * 1024
    cells.append(f"{extra_kib / weights:.1f}")
    print(f"| {model} | " + " | ".join(cells) + " |")
    goals.append(f"{model}: prove {ratios['prove']:.1f}x (goal 1.5x), memory "
                 f"{ratios['memory']:.1f}x (goal 2x), compile {ratios['compile']:.1f}x (goal 2x)")
print("\nprivate / public, against issue 30's goals:")
for line in goals:
    print("  " + line)
PY
