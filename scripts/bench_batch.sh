#!/usr/bin/env bash
# Many inferences in one final proof through the aggregation tree (docs/pipeline.md): N proofs
# (default 64; N=... to change) of tiny_mlp with compile's defaults (private input and weights),
# each on its own input (the example's, shifted), proved at the recursive profile, then one final
# proof of all of them (compress --profile onchain: a leaf each, the nodes, the final proof) next
# to the final proof of one of them (the direct path: an outer proof, then its final proof), and
# both proofs' Starknet calldata. Each step in its own process, 2 threads. Appends one JSON row per
# step to bench/results/batch.jsonl (compress --json's total_ms, peak_rss_mb, proof_bytes,
# phases_ms; the calldata's felts) and prints the table: the aggregation's time per inference and
# the calldata of N against one.
# Usage: scripts/bench_batch.sh [build-dir]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/bench_env.sh bench/results/batch.jsonl "${1:-build}"
n=${N:-64}
dir=examples/tiny_mlp

"$cli" compile "$dir/model.onnx" -o "$work/tiny.tsm" --calibration "$dir/calibration.json" >/dev/null
proofs=()
for i in $(seq 1 "$n"); do
  /usr/bin/python3 -c "import json,sys; d=json.load(open(sys.argv[1])); d['input_data']=[[v + 0.01 * int(sys.argv[2]) for v in r] for r in d['input_data']]; json.dump(d, open(sys.argv[3], 'w'))" \
    "$dir/input.json" "$i" "$work/input$i.json"
  "$cli" prove "$work/tiny.tsm" --input "$work/input$i.json" -o "$work/proof$i.bin" \
    --profile recursive --threads 2 >/dev/null 2>&1
  proofs+=("$work/proof$i.bin")
done

# final NAME PROOF...: the final proof of the proofs, its compress --json row and calldata row.
final() {
  local name=$1
  shift
  echo "== $name: compress --profile onchain of $# proof(s)" >&2
  "$cli" compress "$work/tiny.tsm" "$@" -o "$work/$name.bin" --profile onchain --threads 2 \
    --json >"$work/compress.json"
  /usr/bin/python3 -c "import json,sys; d=json.load(open(sys.argv[1])); d.pop('identity'); d.pop('starknet', None); d.update(kind='compress', $machine, example='$name', inferences=$#); print(json.dumps(d))" \
    "$work/compress.json" >>"$out"
  "$cli" calldata "$work/tiny.verifying.tsm" "$work/$name.bin" -o "$work/calldata.json" |
    sed -n 's/^wrote .*: \([0-9]*\) felts.*/\1/p' |
    /usr/bin/python3 -c "import json,sys; print(json.dumps(dict(kind='calldata', felts=int(sys.stdin.read()), $machine, example='$name', inferences=$#)))" \
      >>"$out"
}

final one "${proofs[0]}"
final batch "${proofs[@]}"

/usr/bin/python3 - "$out" <<'PY'
import json, sys
rows = [json.loads(line) for line in open(sys.argv[1])]
by = lambda kind, name: next(r for r in rows if r["kind"] == kind and r["example"] == name)
one, batch = by("compress", "one"), by("compress", "batch")
n = batch["inferences"]
print("| proofs | compress s | of which before the final proof s | per inference s "
      "| peak MiB | calldata felts |")
print("| --- " * 6 + "|")
for r in (one, batch):
    tree_ms = r["total_ms"] - sum(p["ms"] for p in r["phases_ms"] if p["phase"].startswith("final:"))
    felts = by("calldata", r["example"])["felts"]
    print(f"| {r['inferences']} | {r['total_ms'] / 1000:.1f} | {tree_ms / 1000:.1f} | "
          f"{tree_ms / 1000 / r['inferences']:.1f} | {r['peak_rss_mb']:,.0f} | {felts:,} |")
print(f"calldata of {n} against one: {by('calldata', 'batch')['felts'] / by('calldata', 'one')['felts']:.2f}x")
PY
