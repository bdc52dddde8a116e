#!/usr/bin/env bash
# scripts/cairo/verify.mjs end to end: a fresh onchain proof of fashion_mlp is verified by the Cairo
# verifier's contracts, which record the fact computed from its public inputs (the same test as
# the package's verify_fashion_mlp, on an AIR and a proof made now), and the same proof opened in
# query batches, a transaction at a time, as is fashion_lenet's; a proof of another model is
# rejected with exit code 1; zero-knowledge proofs of tiny_mlp (with tampered copies rejected)
# and fashion_mlp (in query batches) verify, and so do tiny_mlp's with private inputs and with
# committed inputs and outputs and private weights (from its verifying model); a BLAKE2s
# proof, a missing file or a missing argument get a one-line error and exit code 2.
# usage: cairo_verify_test.sh TENSORSTARK ROOT
set -euo pipefail
ts=$1
root=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
verify="$root/scripts/cairo/verify.mjs"
# Everything public, but where a case says otherwise (compile's defaults are private inputs and
# weights).
public=input=public,weights=public

fail() { echo "FAIL: $*"; exit 1; }
# expect_exit CODE SUBSTRING COMMAND...: the command exits with CODE and its output names SUBSTRING.
expect_exit() {
  local code=$1 text=$2; shift 2
  local status=0
  "$@" >"$work/out" 2>"$work/err" || status=$?
  [ "$status" = "$code" ] || fail "$* exited $status, expected $code: $(cat "$work/err" "$work/out")"
  grep -q -- "$text" "$work/err" "$work/out" || fail "$* did not say '$text': $(cat "$work/err" "$work/out")"
}

for model in fashion_mlp pinn; do
  example=$root/examples/$model
  "$ts" compile "$example/model.onnx" -o "$work/$model.tsm" --calibration "$example/calibration.json" \
    --visibility "$public" >/dev/null
  "$ts" prove "$work/$model.tsm" --input "$example/input.json" -o "$work/$model.bin" \
    --profile onchain --hash poseidon252 >/dev/null 2>&1
done
mlp=$root/examples/fashion_mlp

expect_exit 0 "valid in Cairo: the fact registry recorded fact 0x" \
  node "$verify" "$ts" "$work/fashion_mlp.tsm" "$work/fashion_mlp.bin"
cat "$work/out"
# The same proof opened in two query batches: the head and each batch verify, one call each.
"$ts" prove "$work/fashion_mlp.tsm" --input "$mlp/input.json" -o "$work/batched.bin" \
  --profile onchain --hash poseidon252 --query-batches 2 >/dev/null 2>&1
expect_exit 0 "valid in Cairo: the head and each of the 2 query batches verify" \
  node "$verify" "$ts" "$work/fashion_mlp.tsm" "$work/batched.bin"
cat "$work/out"
# fashion_lenet, whose verification at once is too large for one runner, in two query batches:
# three transactions, each verified in a runner of its own.
lenet=$root/examples/fashion_lenet
"$ts" compile "$lenet/model.onnx" -o "$work/lenet.tsm" --calibration "$lenet/calibration.json" \
  --visibility "$public" >/dev/null
"$ts" prove "$work/lenet.tsm" --input "$lenet/input.json" -o "$work/lenet.bin" \
  --profile onchain --hash poseidon252 --query-batches 2 >/dev/null 2>&1
expect_exit 0 "valid in Cairo: the head and each of the 2 query batches verify" \
  node "$verify" "$ts" "$work/lenet.tsm" "$work/lenet.bin"
cat "$work/out"
expect_exit 1 "invalid in Cairo" \
  node "$verify" "$ts" "$work/fashion_mlp.tsm" "$work/pinn.bin"

# Zero-knowledge proofs, verified by the model's zero-knowledge verifier (cairo-gen --zk):
# tiny_mlp's through the contracts, and its tampered copies rejected, each at its check (the
# generic ones, the flag dropped, an unknown flag); fashion_mlp's in 2 query batches (at once, its
# verification is too large for one runner).
tiny=$root/examples/tiny_mlp
"$ts" compile "$tiny/model.onnx" -o "$work/tiny.tsm" --calibration "$tiny/calibration.json" \
  --visibility "$public" >/dev/null
# Verified at once, this proof is near the test runner's memory limit, which it has crashed on
# (exit 2, nothing checked) for some proofs' random queries: a runner crash gets one more try,
# with a fresh proof.
for try in 1 2; do
  "$ts" prove "$work/tiny.tsm" --input "$tiny/input.json" -o "$work/tiny_zk.bin" --profile onchain \
    --hash poseidon252 --zk >/dev/null 2>&1
  status=0
  node "$verify" "$ts" "$work/tiny.tsm" "$work/tiny_zk.bin" --tampered >"$work/out" 2>&1 || status=$?
  [ "$status" = 2 ] && grep -q "runner crashed" "$work/out" && [ "$try" = 1 ] && continue
  break
done
[ "$status" = 0 ] || fail "tiny_mlp's zero-knowledge proof exited $status: $(cat "$work/out")"
grep -q "rejected in Cairo: all 7 tampered copies" "$work/out" \
  || fail "the tampered copies were not all rejected: $(cat "$work/out")"
grep -q "valid in Cairo: the fact registry recorded fact 0x" "$work/out" \
  || fail "tiny_mlp's zero-knowledge proof did not verify: $(cat "$work/out")"
cat "$work/out"
# tiny_mlp with private inputs: its (zero-knowledge) proof states the outputs only, and the fact
# the registry records hashes no input values. In 2 query batches: at once, its verification
# (about 1.3 million steps) is at the test runner's memory limit, which some proofs' random
# queries cross (the runner crashes, nothing checked).
"$ts" compile "$tiny/model.onnx" -o "$work/tiny_private.tsm" --calibration "$tiny/calibration.json" \
  --visibility input=private,weights=public >/dev/null
"$ts" prove "$work/tiny_private.tsm" --input "$tiny/input.json" -o "$work/tiny_private.bin" \
  --profile onchain --hash poseidon252 --query-batches 2 >/dev/null 2>&1
expect_exit 0 "valid in Cairo: the head and each of the 2 query batches verify" \
  node "$verify" "$ts" "$work/tiny_private.tsm" "$work/tiny_private.bin"
cat "$work/out"
# tiny_mlp with committed inputs and outputs and private weights: its proof states the inputs' and
# outputs' Poseidon2 digests, which the fact hashes (the head's statement gives the fact fact.mjs
# computes from the proof's digests), and its AIR fixes the weights' digest, which the model
# commitment in the fact binds. The Cairo AIR is generated from the verifying model, which has no
# weights. Its sponges make it too large for one runner at once: 2 query batches.
"$ts" compile "$tiny/model.onnx" -o "$work/tiny_committed.tsm" --calibration "$tiny/calibration.json" \
  --visibility input=committed,output=committed,weights=private >/dev/null
"$ts" prove "$work/tiny_committed.tsm" --input "$tiny/input.json" -o "$work/tiny_committed.bin" \
  --profile onchain --hash poseidon252 --query-batches 2 >/dev/null 2>&1
expect_exit 0 "valid in Cairo: the head and each of the 2 query batches verify" \
  node "$verify" "$ts" "$work/tiny_committed.verifying.tsm" "$work/tiny_committed.bin"
cat "$work/out"
"$ts" prove "$work/fashion_mlp.tsm" --input "$mlp/input.json" -o "$work/zk.bin" --profile onchain \
  --hash poseidon252 --zk --query-batches 2 >/dev/null 2>&1
expect_exit 0 "valid in Cairo: the head and each of the 2 query batches verify" \
  node "$verify" "$ts" "$work/fashion_mlp.tsm" "$work/zk.bin"
cat "$work/out"
expect_exit 2 "needs a proof verified at once" \
  node "$verify" "$ts" "$work/fashion_mlp.tsm" "$work/zk.bin" --tampered

"$ts" prove "$work/fashion_mlp.tsm" --input "$mlp/input.json" -o "$work/blake.bin" --profile test \
  >/dev/null 2>&1
expect_exit 2 "is a blake2s proof" \
  node "$verify" "$ts" "$work/fashion_mlp.tsm" "$work/blake.bin"
expect_exit 2 "no such file: $work/missing.bin" \
  node "$verify" "$ts" "$work/fashion_mlp.tsm" "$work/missing.bin"
expect_exit 2 "usage:" node "$verify" "$ts" "$work/fashion_mlp.tsm"
echo "cairo_verify: all checks passed"
