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
    "$cli" compile "examples/$model/model.onnx" -o "$work/$model.tsm" --layout "$layout" >/dev/null
    for config in "fast blake2s" "onchain poseidon252"; do
      set -- $config
      profile=$1 hash=$2
      echo "== $model, $layout layout, $profile, $hash" >&2
      tag="example='$model', layout='$layout'"
      for run in 1 2 3; do
        "$cli" prove "$work/$model.tsm" --input "examples/$model/input.json" -o "$work/proof.bin" \
          --profile "$profile" --hash "$hash" --threads 2 --json 2>/dev/null |
          python3 -c "import json,sys; d=json.load(sys.stdin); d.update(kind='prove', $tag, run=$run); print(json.dumps(d))" \
          >> "$out"
      done
      for run in 1 2 3 4 5; do
        "$cli" verify "$work/$model.tsm" "$work/proof.bin" --json |
          python3 -c "import json,sys; d=json.load(sys.stdin); d.pop('public'); d.update(kind='verify', $tag, profile='$profile', hash='$hash', run=$run); print(json.dumps(d))" \
          >> "$out"
      done
    done
  done
done
python3 scripts/models_summary.py "$out"
