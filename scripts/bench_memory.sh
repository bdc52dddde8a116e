#!/usr/bin/env bash
# prove's memory estimate (api/memory_check.h) against the measured peak (issue 61): the examples
# with compile's defaults (private weights, zero knowledge) and with everything public, at the
# fast, recursive and onchain profiles, and torchvision's ResNet-18 (random weights,
# scripts/export_resnet18.py; 11.7M parameters) at 64x64 with public weights (fast), and with the
# defaults, which a 24 GB machine cannot prove: prove must refuse it in seconds (its estimate, the
# refusal's time and message) instead of being killed. Each proof in its own process, 2 threads.
# Appends one JSON row per proof to bench/results/memory.jsonl (estimated_peak_mb, peak_rss_mb,
# committed_mb) and prints the table with the ratio estimate / peak, which must be at least 1.
# Usage: scripts/bench_memory.sh [build-dir] (SKIP_RESNET=1: the examples only)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/bench_env.sh bench/results/memory.jsonl "${1:-build}"

# prove_or_refusal TAG MODEL INPUT [OPTIONS...]: a row of the proof (prove --json), or of the
# refusal: its time and message.
prove_or_refusal() {
  local tag=$1 model=$2 input=$3 start
  shift 3
  start=$(date +%s%N)
  if "$cli" prove "$model" --input "$input" -o "$work/proof.bin" --threads 2 --json "$@" \
    >"$work/prove.json" 2>"$work/prove_err.txt"; then
    /usr/bin/python3 -c "import json,sys; d=json.load(open(sys.argv[1])); d.update(kind='prove', $machine, $tag); print(json.dumps(d))" \
      "$work/prove.json" >>"$out"
  else
    /usr/bin/python3 -c "import json,sys; print(json.dumps(dict(kind='refused', refused_ms=($(date +%s%N) - $start) / 1e6, message=open(sys.argv[1]).read().strip(), $machine, $tag)))" \
      "$work/prove_err.txt" >>"$out"
  fi
}

# compile_and_prove NAME DIR VISIBILITY PROFILE...: the model compiled (defaults, or public), then
# proved at each profile.
compile_and_prove() {
  local name=$1 dir=$2 visibility=$3 options=()
  shift 3
  [ "$visibility" = public ] && options=(--visibility input=public,weights=public)
  # One slice whatever its size: the estimate is measured against whole proofs (bench_slices.sh
  # measures slices).
  "$cli" compile "$dir/model.onnx" -o "$work/$name.tsm" --calibration "$dir/calibration.json" \
    --proof-memory 1024 "${options[@]}" >/dev/null
  for profile in "$@"; do
    echo "== $name, $visibility, $profile" >&2
    prove_or_refusal "example='$name', visibility='$visibility', profile='$profile'" \
      "$work/$name.tsm" "$dir/input.json" --profile "$profile"
  done
}

for model in tiny_mlp fashion_mlp fashion_lenet pinn cifar_cnn nanogpt; do
  for visibility in defaults public; do
    compile_and_prove "$model" "examples/$model" "$visibility" fast recursive onchain
  done
done
if [ "${SKIP_RESNET:-}" != 1 ]; then
  /usr/bin/python3 scripts/export_resnet18.py "$work/resnet18" --size 64 >&2
  compile_and_prove resnet18_64 "$work/resnet18" public fast
  compile_and_prove resnet18_64 "$work/resnet18" defaults fast
fi

/usr/bin/python3 - "$out" <<'PY'
import json, sys
rows = [json.loads(line) for line in open(sys.argv[1])]
print("| model | visibility | profile | committed MiB | estimate MiB | peak RSS MiB | estimate / peak |")
print("| --- | --- | --- | --- | --- | --- | --- |")
low = []
for r in rows:
    if r["kind"] == "refused":
        print(f"| {r['example']} | {r['visibility']} | {r['profile']} | | | refused in "
              f"{r['refused_ms'] / 1000:.1f} s | {r['message']} |")
        continue
    ratio = r["estimated_peak_mb"] / r["peak_rss_mb"]
    if ratio < 1:
        low.append(r)
    print(f"| {r['example']} | {r['visibility']} | {r['profile']} | {r['committed_mb']:,.0f} | "
          f"{r['estimated_peak_mb']:,.0f} | {r['peak_rss_mb']:,.0f} | {ratio:.2f} |")
if low:
    print(f"\nthe estimate is below the peak in {len(low)} rows")
    sys.exit(1)
PY
