#!/usr/bin/env bash
# nanoGPT (examples/nanogpt: 4 layers, 4 heads, d_model 64, context 64, 65 characters) on 2
# threads: compiled with public weights and proved 3 times with the fast profile, then compiled
# with compile's defaults (weights private, zero knowledge) and proved once. Every proof appends
# one JSON row to bench/results/nanogpt.jsonl (prove --json: times, peak RSS, proof size) with the
# CPU, the SIMD level, and how many of the 64 positions' argmax agree with torch's logits.
# Anchors stated in docs/benchmarks.md: JOLT Atlas 2.3 s on an M3 laptop (not zero knowledge),
# EZKL 237 s.
# Usage: scripts/bench_nanogpt.sh [build-dir]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/bench_env.sh bench/results/nanogpt.jsonl "${1:-build}"
dir=examples/nanogpt

# Proves $work/$1.tsm with the options after it, appending the row with tag $2 and the argmax
# agreement of the outputs the proof states.
prove_row() {
  local model=$1 tag=$2
  shift 2
  "$cli" prove "$work/$model.tsm" --input "$dir/input.json" -o "$work/proof.bin" --threads 2 \
    --json --outputs "$work/outputs.json" "$@" 2>/dev/null >"$work/row.json"
  /usr/bin/python3 - "$work/row.json" "$work/outputs.json" "$dir/float_outputs.json" >>"$out" <<PY
import json, sys
import numpy as np
row = json.load(open(sys.argv[1]))
got = np.array(json.load(open(sys.argv[2]))["output_data"][0]).reshape(-1, 65)
want = np.array(json.load(open(sys.argv[3]))["output_data"][0]).reshape(-1, 65)
row.update(kind="prove", $machine, $tag,
           argmax_agree=int((got.argmax(1) == want.argmax(1)).sum()), positions=len(want))
print(json.dumps(row))
PY
  tail -1 "$out" | /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); print(f\"  {d['total_ms']:.0f} ms, {d['peak_rss_mb']:.0f} MiB, {d['proof_bytes']} B, argmax {d['argmax_agree']}/{d['positions']}\")" >&2
}

echo "== nanogpt, weights public, fast" >&2
"$cli" compile "$dir/model.onnx" --calibration "$dir/calibration.json" -o "$work/public.tsm" \
  --visibility input=public,weights=public >/dev/null
for run in 1 2 3; do
  prove_row public "example='nanogpt', visibility='public', run=$run" --profile fast
done
echo "== nanogpt, compile's defaults (weights private, zero knowledge)" >&2
start=$(date +%s%N)
"$cli" compile "$dir/model.onnx" --calibration "$dir/calibration.json" -o "$work/defaults.tsm" \
  >/dev/null
echo "  compile: $(( ($(date +%s%N) - start) / 1000000 )) ms" >&2
prove_row defaults "example='nanogpt', visibility='defaults', run=1"
