#!/usr/bin/env bash
# The credit-scoring examples (examples/credit/gbt: sklearn's GradientBoostingClassifier, 100
# trees of depth 3; examples/credit/mlp: an MLPClassifier 30-100-2) on 2 threads: each compiled
# with public weights and proved 3 times with the fast profile, then compiled with compile's
# defaults (weights private, zero knowledge) and proved 3 times. Every proof appends one JSON row
# to bench/results/credit.jsonl (prove --json: times, peak RSS, proof size) with the CPU, the SIMD
# level, the compile time, and how many of the 100 held-out rows of examples/credit/heldout.json
# the compiled model labels as sklearn does (by `run`, the integer semantics a proof proves).
# Usage: scripts/bench_credit.sh [build-dir]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/bench_env.sh bench/results/credit.jsonl "${1:-build}"

# How many held-out rows model $1 (examples/credit/$2) labels as sklearn does.
heldout_agreement() {
  /usr/bin/python3 - "$cli" "$1" "$2" "$work" <<'PY'
import json, subprocess, sys
cli, model, name, work = sys.argv[1:]
heldout = json.load(open("examples/credit/heldout.json"))
agree = 0
for row, label in zip(heldout["inputs"], heldout[name]["predicted"]):
    json.dump({"input_data": [row]}, open(f"{work}/row.json", "w"))
    subprocess.run([cli, "run", model, "--input", f"{work}/row.json", "--output",
                    f"{work}/row.json"], check=True, capture_output=True)
    agree += json.load(open(f"{work}/row.json"))["output_data"][0][0] == label
print(agree)
PY
}

for name in gbt mlp; do
  dir=examples/credit/$name
  for visibility in public defaults; do
    options=()
    [ "$visibility" = public ] && options=(--visibility input=public,weights=public)
    start=$(date +%s%N)
    "$cli" compile "$dir/model.onnx" --calibration "$dir/calibration.json" \
      -o "$work/$name.tsm" "${options[@]}" >/dev/null
    compile_ms=$(( ($(date +%s%N) - start) / 1000000 ))
    agree=$(heldout_agreement "$work/$name.tsm" "$name")
    echo "== credit/$name, $visibility: compile $compile_ms ms, held-out labels $agree/100" >&2
    for run in 1 2 3; do
      bench_prove "example='credit/$name', visibility='$visibility', run=$run, \
compile_ms=$compile_ms, heldout_agree=$agree, heldout_rows=100" \
        "$work/$name.tsm" "$dir/input.json" --profile fast
      tail -1 "$out" | /usr/bin/python3 -c "import json,sys; d=json.load(sys.stdin); print(f\"  {d['total_ms']:.0f} ms, {d['peak_rss_mb']:.0f} MiB, {d['proof_bytes']} B\")" >&2
    done
  done
done
