#!/usr/bin/env bash
# Sliced models to Starknet through the aggregation tree (docs/pipeline.md): each model compiled
# with compile's defaults (private input and weights) at a budget that cuts it (pinn at 1.3 GiB: two
# slices; nanoGPT at the default 8 GiB: three), proved at the recursive profile, compressed into its
# final proof (compress --profile onchain: a leaf per slice, the nodes, the final proof), verified
# with the verifying model twice (first deriving the tree's roots and final key, then with them
# cached), and its Starknet calldata counted. Each step in its own process, 2 threads. Appends one
# JSON row per step to bench/results/tree.jsonl (compress --json's total_ms, peak_rss_mb,
# proof_bytes, phases_ms; verify's time, setup_ms and peak; the calldata's felts) and prints the
# table.
# Usage: scripts/bench_tree.sh [build-dir]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/bench_env.sh bench/results/tree.jsonl "${1:-build}"

# tree NAME DIR BUDGET_GIB
tree() {
  local name=$1 dir=$2 budget=$3
  echo "== $name (--proof-memory $budget): prove, compress --profile onchain, verify" >&2
  "$cli" compile "$dir/model.onnx" -o "$work/$name.tsm" --calibration "$dir/calibration.json" \
    --proof-memory "$budget" >/dev/null
  bench_prove "example='$name', budget_gib=$budget, profile='recursive'" "$work/$name.tsm" \
    "$dir/input.json" --profile recursive
  /usr/bin/time -f '%e %M' -o "$work/time.txt" "$cli" compress "$work/$name.tsm" \
    "$work/proof.bin" -o "$work/final.bin" --profile onchain --threads 2 --json >"$work/compress.json"
  /usr/bin/python3 -c "import json,sys; d=json.load(open(sys.argv[1])); d.pop('identity'); d.update(kind='compress', $machine, example='$name', budget_gib=$budget); print(json.dumps(d))" \
    "$work/compress.json" >>"$out"
  for cache in cold cached; do
    [ "$cache" = cold ] && rm -rf "$TENSORSTARK_CACHE_DIR"
    /usr/bin/time -f '%e %M' -o "$work/time.txt" "$cli" verify "$work/$name.verifying.tsm" \
      "$work/final.bin" --json >"$work/verify.json"
    /usr/bin/python3 -c "import json,sys; d=json.load(open(sys.argv[1])); s, kb = open(sys.argv[2]).read().split(); print(json.dumps(dict(kind='verify', keys='$cache', valid=d['valid'], verify_ms=d['verify_ms'], setup_ms=d['setup_ms'], total_s=float(s), peak_rss_mb=int(kb) / 1024, $machine, example='$name')))" \
      "$work/verify.json" "$work/time.txt" >>"$out"
  done
  "$cli" calldata "$work/$name.verifying.tsm" "$work/final.bin" -o "$work/calldata.json" |
    sed -n 's/^wrote .*: \([0-9]*\) felts.*/\1/p' |
    /usr/bin/python3 -c "import json,sys; print(json.dumps(dict(kind='calldata', felts=int(sys.stdin.read()), $machine, example='$name')))" \
      >>"$out"
}

tree pinn_sliced examples/pinn 1.3
tree nanogpt_sliced examples/nanogpt 8

/usr/bin/python3 - "$out" <<'PY'
import json, sys
rows = [json.loads(line) for line in open(sys.argv[1])]
by = lambda kind, name, **k: next(r for r in rows if r["kind"] == kind and r["example"] == name
                                  and all(r.get(a) == b for a, b in k.items()))
print("| model | slices | prove s | compress s (peak MiB) | final proof bytes | verify s cold (peak MiB) "
      "| verify s cached | calldata felts |")
print("| --- " * 8 + "|")
for name in dict.fromkeys(r["example"] for r in rows):
    p, c = by("prove", name), by("compress", name)
    cold, warm, felts = by("verify", name, keys="cold"), by("verify", name, keys="cached"), by("calldata", name)
    print(f"| {name} | {p['slices']} | {p['total_ms'] / 1000:.1f} | {c['total_ms'] / 1000:.1f} "
          f"({c['peak_rss_mb']:,.0f}) | {c['proof_bytes']:,} | {cold['total_s']:.1f} "
          f"({cold['peak_rss_mb']:,.0f}) | {warm['total_s']:.2f} | {felts['felts']:,} |")
PY
