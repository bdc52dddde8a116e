#!/usr/bin/env bash
# Models in slices (compile --proof-memory, docs/pipeline.md) against the same model in one slice,
# side by side in one run: nanoGPT with compile's defaults (private weights and input), which the
# default budget of 8 GiB cuts into slices, and the same compiled with a budget it fits (one
# slice), each proved at the fast and the recursive profiles and verified with its verifying
# model. With LARGE=1, also the large models, random weights, compile's defaults otherwise: a
# GPT-2-architecture decoder of 33.6M parameters (scripts/export_gpt.py: 8 layers, d_model 512,
# vocabulary 8,192, 32 tokens; its N(0, 0.02) weights at 2^-11), at the default budget and at the
# one it compiles with today (14 GiB, its 262,144 logits committed rather than public: about 30
# minutes at the recursive profile), and torchvision's ResNet-18 at 224x224
# (scripts/export_resnet18.py) at the default budget, at the fast profile; a compile that refuses
# is a row of its own (docs/pipeline.md says what they still need). Each step in its
# own process, 2 threads. Appends one JSON row per step to bench/results/slices.jsonl (compile's
# time and peak; prove --json's: total_ms, peak_rss_mb, estimated_peak_mb, slices, proof_bytes;
# verify's time and peak) and prints the table.
# Usage: scripts/bench_slices.sh [build-dir] (LARGE=1: the large models too)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/bench_env.sh bench/results/slices.jsonl "${1:-build}"

# compile_prove_verify NAME DIR BUDGET_GIB "COMPILE OPTIONS" PROFILE...
compile_prove_verify() {
  local name=$1 dir=$2 budget=$3 options=$4
  shift 4
  # shellcheck disable=SC2086  # the options split into words
  if ! /usr/bin/time -f '%e %M' -o "$work/time.txt" "$cli" compile "$dir/model.onnx" \
    -o "$work/$name.tsm" --calibration "$dir/calibration.json" --proof-memory "$budget" \
    $options >"$work/compile.txt" 2>&1; then
    /usr/bin/python3 -c "import json,sys; print(json.dumps(dict(kind='refused', message=[l for l in open(sys.argv[1]) if 'tensorstark compile:' in l][-1].strip(), $machine, example='$name', budget_gib=$budget)))" \
      "$work/compile.txt" >>"$out"
    return
  fi
  /usr/bin/python3 -c "import json,sys; s, kb = open(sys.argv[1]).read().split(); print(json.dumps(dict(kind='compile', total_s=float(s), peak_rss_mb=int(kb) / 1024, $machine, example='$name', budget_gib=$budget)))" \
    "$work/time.txt" >>"$out"
  for profile in "$@"; do
    echo "== $name (--proof-memory $budget), $profile" >&2
    bench_prove "example='$name', budget_gib=$budget, profile='$profile'" "$work/$name.tsm" \
      "$dir/input.json" --profile "$profile"
    /usr/bin/time -f '%e %M' -o "$work/time.txt" "$cli" verify "$work/$name.verifying.tsm" \
      "$work/proof.bin" --json >"$work/verify.json"
    /usr/bin/python3 -c "import json,sys; d=json.load(open(sys.argv[1])); s, kb = open(sys.argv[2]).read().split(); print(json.dumps(dict(kind='verify', valid=d['valid'], verify_ms=d['verify_ms'], setup_ms=d['setup_ms'], total_s=float(s), peak_rss_mb=int(kb) / 1024, $machine, example='$name', budget_gib=$budget, profile='$profile')))" \
      "$work/verify.json" "$work/time.txt" >>"$out"
  done
}

compile_prove_verify nanogpt_sliced examples/nanogpt 8 "" fast recursive
compile_prove_verify nanogpt_whole examples/nanogpt 64 "" fast recursive
if [ "${LARGE:-}" = 1 ]; then
  /usr/bin/python3 scripts/export_gpt.py "$work/gpt" >&2
  compile_prove_verify gpt_33m "$work/gpt" 8 "--weight-frac-bits 11" fast
  compile_prove_verify gpt_33m_committed "$work/gpt" 14 \
    "--weight-frac-bits 11 --visibility output=committed" recursive
  /usr/bin/python3 scripts/export_resnet18.py "$work/resnet18" --size 224 >&2
  compile_prove_verify resnet18_224 "$work/resnet18" 8 "" fast
fi

/usr/bin/python3 - "$out" <<'PY'
import json, sys
rows = [json.loads(line) for line in open(sys.argv[1])]
print("| model | budget GiB | profile | slices | compile s (peak MiB) | prove s | peak RSS MiB "
      "| estimate MiB | proof bytes | verify s (peak MiB) |")
print("| --- " * 10 + "|")
verifies = {(r["example"], r["profile"]): r for r in rows if r["kind"] == "verify"}
compiles = {r["example"]: r for r in rows if r["kind"] == "compile"}
for r in rows:
    if r["kind"] == "refused":
        print(f"| {r['example']} | {r['budget_gib']} | | | refused: {r['message']} | | | | | |")
    if r["kind"] != "prove":
        continue
    v = verifies[(r["example"], r["profile"])]
    c = compiles[r["example"]]
    print(f"| {r['example']} | {r['budget_gib']} | {r['profile']} | {r['slices']} | "
          f"{c['total_s']:.1f} ({c['peak_rss_mb']:,.0f}) | {r['total_ms'] / 1000:.1f} | "
          f"{r['peak_rss_mb']:,.0f} | {r['estimated_peak_mb']:,.0f} | {r['proof_bytes']:,} | "
          f"{v['total_s']:.1f} ({v['peak_rss_mb']:,.0f}) |")
PY
