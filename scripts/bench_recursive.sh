#!/usr/bin/env bash
# The recursive profile (Poseidon2-M31, blowup 8, 26 queries) next to fast (BLAKE2s), measured side
# by side in one run on 2 threads: wide-fib 100 × 2^18 (tensorstark bench, median of 3 proofs),
# and every example model with everything public, proved 3 times and verified 3 times per
# profile, each proof in its own process. One JSON object per line goes to
# bench/results/recursive.jsonl, each naming the CPU and the build's SIMD level;
# scripts/recursive_summary.py prints the medians side by side.
# Usage: scripts/bench_recursive.sh [build-dir]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/bench_env.sh bench/results/recursive.jsonl "${1:-build}"

for profile in fast recursive; do
  echo "== wide-fib 100 x 2^18, $profile" >&2
  "$cli" bench wide-fib --log-rows 18 --columns 100 --profile "$profile" --threads 2 --runs 3 \
    --json | /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); d.update(kind='bench', $machine, example='wide-fib 100 x 2^18'); print(json.dumps(d))" \
    >>"$out"
done
for model in tiny_mlp fashion_mlp fashion_lenet pinn; do
  "$cli" compile "examples/$model/model.onnx" -o "$work/$model.tsm" \
    --calibration "examples/$model/calibration.json" \
    --visibility input=public,weights=public >/dev/null
  for profile in fast recursive; do
    echo "== $model, $profile" >&2
    for run in 1 2 3; do
      bench_prove "example='$model', run=$run" "$work/$model.tsm" "examples/$model/input.json" \
        --profile "$profile"
      bench_verify "example='$model', profile='$profile', run=$run" "$work/$model.tsm"
    done
  done
done
/usr/bin/python3 scripts/recursive_summary.py "$out"
