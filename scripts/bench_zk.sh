#!/usr/bin/env bash
# The cost of zero knowledge. First the mode (issue 6): fashion_mlp, fashion_lenet and pinn (narrow
# layout) proved and verified 3 times with and without --zk per profile (fast with BLAKE2s, onchain
# with Poseidon252). Then compile's visibilities (issue 66): fashion_mlp, cifar_cnn and nanogpt
# compiled all public, with a private input (zero-knowledge, public weights) and with compile's
# defaults (private input and weights), each in one slice (--proof-memory 24), proved 3 times with
# the fast profile. 2 threads, each proof in its own process. Every run appends one JSON object to
# bench/results/zk.jsonl; the summaries print the medians side by side.
# Usage: scripts/bench_zk.sh [build-dir]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/bench_env.sh bench/results/zk.jsonl "${1:-build}"

for model in fashion_mlp fashion_lenet pinn; do
  "$cli" compile "examples/$model/model.onnx" -o "$work/$model.tsm" \
    --calibration "examples/$model/calibration.json" --visibility input=public,weights=public \
    >/dev/null
  for config in "fast blake2s" "onchain poseidon252"; do
    set -- $config
    profile=$1 hash=$2
    for zk in "" --zk; do
      echo "== $model, $profile, $hash ${zk:-(plain)}" >&2
      is_zk=False; [ -n "$zk" ] && is_zk=True
      tag="example='$model', zk=$is_zk"
      for run in 1 2 3; do
        bench_prove "$tag, run=$run" "$work/$model.tsm" "examples/$model/input.json" \
          --profile "$profile" --hash "$hash" $zk
        bench_verify "$tag, profile='$profile', hash='$hash', run=$run" "$work/$model.tsm"
      done
    done
  done
done
for model in fashion_mlp cifar_cnn nanogpt; do
  for visibility in public input-private defaults; do
    case $visibility in
      public) options=(--visibility input=public,weights=public) ;;
      input-private) options=(--visibility input=private,weights=public) ;;
      defaults) options=() ;;
    esac
    "$cli" compile "examples/$model/model.onnx" -o "$work/$model.tsm" --proof-memory 24 \
      --calibration "examples/$model/calibration.json" "${options[@]}" >/dev/null
    echo "== $model, $visibility" >&2
    for run in 1 2 3; do
      bench_prove "example='$model', visibility='$visibility', run=$run" "$work/$model.tsm" \
        "examples/$model/input.json"
    done
  done
done
/usr/bin/python3 - "$out" <<'PY'
import json, statistics, sys
rows = [json.loads(line) for line in open(sys.argv[1])]
def median(kind, key, **match):
    return statistics.median(r[key] for r in rows
                             if r["kind"] == kind and all(r.get(k) == v for k, v in match.items()))
print("| model | profile | prove ms plain / zk | proof bytes plain / zk | verify ms plain / zk "
      "| peak RSS MiB plain / zk |")
print("| --- | --- | --- | --- | --- | --- |")
for model in ("fashion_mlp", "fashion_lenet", "pinn"):
    for profile, hash in (("fast", "blake2s"), ("onchain", "poseidon252")):
        p = {zk: median("prove", "prove_ms", example=model, profile=profile, zk=zk)
             for zk in (False, True)}
        b = {zk: median("prove", "proof_bytes", example=model, profile=profile, zk=zk)
             for zk in (False, True)}
        v = {zk: median("verify", "verify_ms", example=model, profile=profile, zk=zk)
             for zk in (False, True)}
        m = {zk: median("prove", "peak_rss_mb", example=model, profile=profile, zk=zk)
             for zk in (False, True)}
        print(f"| {model} | {profile}, {hash} | {p[False]:,.0f} / {p[True]:,.0f} "
              f"({p[True] / p[False]:.1f}x) | {b[False]:,.0f} / {b[True]:,.0f} "
              f"({b[True] / b[False]:.2f}x) | {v[False]:.1f} / {v[True]:.1f} "
              f"| {m[False]:,.0f} / {m[True]:,.0f} |")

print("\n| model | prove ms public / input private / defaults | peak RSS MiB public / input private "
      "/ defaults | proof bytes public / input private / defaults |")
print("| --- | --- | --- | --- |")
visibilities = ("public", "input-private", "defaults")
for model in ("fashion_mlp", "cifar_cnn", "nanogpt"):
    cells = []
    for key in ("prove_ms", "peak_rss_mb", "proof_bytes"):
        v = [median("prove", key, example=model, visibility=vis) for vis in visibilities]
        ratios = "" if key == "proof_bytes" else f" ({v[1] / v[0]:.2f}x, {v[2] / v[0]:.2f}x)"
        cells.append(" / ".join(f"{x:,.0f}" for x in v) + ratios)
    print(f"| {model} | " + " | ".join(cells) + " |")
PY
