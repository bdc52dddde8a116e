#!/usr/bin/env bash
# Compressed proofs of the example models (compile's defaults: private inputs and weights; for
# cifar_cnn public weights), on 2 threads: the inner proof (profile recursive), then compress with
# the outer profiles fast and recursive, and verify of the compressed proof, 3 runs each, each in
# its own process, with a key cache that starts empty for each model. One JSON object per line goes
# to bench/results/compress.jsonl, each naming the
# CPU and the build's SIMD level; scripts/compress_summary.py prints the medians.
# Usage: scripts/bench_compress.sh [build-dir [model ...]] (default: the five examples)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/bench_env.sh bench/results/compress.jsonl "${1:-build}"

models=("${@:2}")
[ ${#models[@]} -gt 0 ] || models=(tiny_mlp fashion_mlp pinn fashion_lenet cifar_cnn)
for model in "${models[@]}"; do
  # cifar_cnn's 258k weights private make a verifier circuit larger than the standard size class
  # (22,474 Poseidon2 gates against 2^14), which compress refuses: its input stays private (a
  # zero-knowledge inner proof), its weights are public.
  visibility=()
  [ "$model" = cifar_cnn ] && visibility=(--visibility weights=public)
  "$cli" compile "examples/$model/model.onnx" -o "$work/$model.tsm" \
    --calibration "examples/$model/calibration.json" "${visibility[@]}" >/dev/null
  # The model without its weights when they are private.
  verifier="$work/$model.verifying.tsm"
  [ -e "$verifier" ] || verifier="$work/$model.tsm"
  # An empty key cache per model: run 1 derives the keys (roots, circuit), runs 2 and 3 read them.
  export TENSORSTARK_CACHE_DIR="$work/cache/$model"
  for run in 1 2 3; do
    echo "== $model, run $run" >&2
    bench_prove "example='$model', run=$run" "$work/$model.tsm" "examples/$model/input.json" \
      --profile recursive
    for outer in fast recursive; do
      "$cli" compress "$work/$model.tsm" "$work/proof.bin" -o "$work/outer.bin" \
        --profile "$outer" --threads 2 --json |
        /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); d.update(kind='compress', $machine, example='$model', run=$run); print(json.dumps(d))" \
          >>"$out"
      "$cli" verify "$verifier" "$work/outer.bin" --json |
        /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); d.pop('public'); d.pop('identity'); d.update(kind='verify', $machine, example='$model', profile='$outer', run=$run); print(json.dumps(d))" \
          >>"$out"
    done
  done
done
/usr/bin/python3 scripts/compress_summary.py "$out"
