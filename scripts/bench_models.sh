#!/usr/bin/env bash
# The model benchmarks of issue 4: fashion_mlp, fashion_lenet and pinn, compiled with each trace
# layout (narrow, the default, and wide), then proved 3 times and verified 5 times per profile
# (fast with BLAKE2s, onchain with Poseidon252) on 2 threads, each proof in its own process (so
# peak RSS is per proof); and issue 31's: the CIFAR-size CNN and nanoGPT (4 layers), narrow, fast
# with BLAKE2s only. Everything public. Every run appends one JSON object, with the CPU and the
# SIMD level, to bench/results/models.jsonl; scripts/models_summary.py prints the medians, the
# per-phase breakdown (composition and the interaction trace's share) and the targets.
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
for model in cifar_cnn nanogpt; do
  "$cli" compile "examples/$model/model.onnx" -o "$work/$model.tsm" \
    --calibration "examples/$model/calibration.json" --visibility input=public,weights=public \
    >/dev/null
  echo "== $model, narrow layout, fast, blake2s" >&2
  tag="example='$model', layout='narrow'"
  for run in 1 2 3; do
    bench_prove "$tag, run=$run" "$work/$model.tsm" "examples/$model/input.json" \
      --profile fast --hash blake2s
  done
  for run in 1 2 3 4 5; do
    bench_verify "$tag, profile='fast', hash='blake2s', run=$run" "$work/$model.tsm"
  done
done
python3 scripts/models_summary.py "$out"
