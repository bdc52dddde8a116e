#!/usr/bin/env bash
# The model benchmarks of issue 4: fashion_mlp, fashion_lenet and pinn, compiled with each trace
# layout (narrow, the default, and wide), then proved 3 times and verified 5 times per profile (fast with BLAKE2s, onchain with Poseidon252) on 2
# threads, each proof in its own process (so peak RSS is per proof). Every run appends one JSON
# object to bench/results/models.jsonl; scripts/models_summary.py prints the medians, the
# per-phase breakdown and the targets.
# Usage: scripts/bench_models.sh [build-dir]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/bench_env.sh bench/results/models.jsonl "${1:-build}"

for model in fashion_mlp fashion_lenet pinn; do
  for layout in narrow wide; do
    "$cli" compile "examples/$model/model.onnx" -o "$work/$model.tsm" --layout "$layout" \
      --visibility input=public,weights=public >/dev/null
    for config in "fast blake2s" "onchain poseidon252"; do
      set -- $config
      profile=$1 hash=$2
      echo "== $model, $layout layout, $profile, $hash" >&2
      tag="example='$model', layout='$layout'"
      for run in 1 2 3; do
        bench_prove "$tag, run=$run" "$work/$model.tsm" "examples/$model/input.json" \
          --profile "$profile" --hash "$hash"
      done
      for run in 1 2 3 4 5; do
        bench_verify "$tag, profile='$profile', hash='$hash', run=$run" "$work/$model.tsm"
      done
    done
  done
done
python3 scripts/models_summary.py "$out"
