#!/usr/bin/env bash
# scripts/cairo/verify.mjs end to end on proofs made now, one case per CTest entry (each compiles
# the verifier in the Cairo runner once per transaction, the cost of these tests, so each case
# verifies what no other test does, on the smallest model that shows it):
#   zk_at_once       tiny_mlp's zero-knowledge proof verified at once through the contracts by its
#                    zero-knowledge verifier (cairo-gen --zk), and its tampered copies rejected,
#                    each at its check;
#   lenet_batches    fashion_lenet's proof in two query batches, a transaction at a time (the only
#                    full verification of its AIR: at once it is too large for one runner);
#   private_inputs   tiny_mlp with private inputs: a zero-knowledge proof that states the outputs
#                    only, in two query batches;
#   committed        tiny_mlp with committed inputs and outputs and private weights, from its
#                    verifying model, in two query batches;
#   refusals         a proof of another model rejected with exit code 1; --tampered of a batched
#                    proof, a BLAKE2s proof, a missing file or a missing argument refused with a
#                    one-line error and exit code 2.
# fashion_mlp's and tiny_mlp's public proofs, at once and in batches, are verified through the
# contracts by the package's own tests (scripts/cairo/test.mjs), from proofs that CTest
# cairo_airs_current checks are the ones the prover makes now.
# usage: cairo_verify_test.sh TENSORSTARK ROOT CASE
set -euo pipefail
ts=$1
root=$2
case=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
verify="$root/scripts/cairo/verify.mjs"
tiny=$root/examples/tiny_mlp
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
# compile NAME EXAMPLE VISIBILITY: the example compiled into $work/NAME.tsm.
compile() {
  "$ts" compile "$root/examples/$2/model.onnx" -o "$work/$1.tsm" \
    --calibration "$root/examples/$2/calibration.json" --visibility "$3" >/dev/null
}
# prove NAME EXAMPLE ARGS...: an onchain proof of the example's input, $work/NAME.bin.
prove() {
  local name=$1 example=$2; shift 2
  "$ts" prove "$work/$name.tsm" --input "$root/examples/$example/input.json" -o "$work/$name.bin" \
    --profile onchain --hash poseidon252 "$@" >/dev/null 2>&1
}
batched_ok="valid in Cairo: the head and each of the 2 query batches verify"
# prove_and_verify NAME EXAMPLE MODEL PROVE_ARGS... [-- VERIFY_ARGS...]: a fresh proof,
# $work/NAME.bin, verified by verify.mjs against MODEL, which must accept it; its output in
# $work/out. A zero-knowledge proof's queries are random, and some proofs cross the test
# runner's memory limit: a runner crash (exit 2, nothing checked) gets one more try with a fresh
# proof.
prove_and_verify() {
  local name=$1 example=$2 model=$3 prove_args=() try
  shift 3
  while [ $# -gt 0 ] && [ "$1" != -- ]; do prove_args+=("$1"); shift; done
  [ $# -gt 0 ] && shift
  for try in 1 2; do
    prove "$name" "$example" "${prove_args[@]}"
    status=0
    node "$verify" "$ts" "$model" "$work/$name.bin" "$@" >"$work/out" 2>&1 || status=$?
    [ "$status" = 2 ] && grep -q "runner crashed" "$work/out" && [ "$try" = 1 ] && continue
    break
  done
  [ "$status" = 0 ] || fail "$name's proof exited $status: $(cat "$work/out")"
}

case $case in
  zk_at_once)
    compile tiny tiny_mlp "$public"
    # Verified at once, this proof is near the test runner's memory limit.
    prove_and_verify tiny tiny_mlp "$work/tiny.tsm" --zk -- --tampered --class-hash 0x7e57
    grep -q "rejected in Cairo: all 7 tampered copies" "$work/out" \
      || fail "the tampered copies were not all rejected: $(cat "$work/out")"
    grep -q "valid in Cairo: the fact registry recorded the proof's fact" "$work/out" \
      || fail "tiny_mlp's zero-knowledge proof did not verify: $(cat "$work/out")"
    # The fact printed for the class given is Poseidon(model, class, inputs hash, outputs hash)
    # of the printed values, by @scure/starknet (the hashes are the ones the registry recorded).
    (cd "$root" && node --input-type=module -e "
      import { readFileSync } from 'node:fs';
      import { poseidonHashMany } from '@scure/starknet';
      const out = readFileSync('$work/out', 'utf8');
      const printed = (re) => BigInt(re.exec(out)[1]);
      const expected = poseidonHashMany([printed(/model (0x\w+) \(the model on Starknet/),
        0x7e57n, printed(/inputs hash (0x\w+)/), printed(/outputs hash (0x\w+)/)]);
      process.exit(printed(/with the verifier of class 0x7e57: (0x\w+)/) === expected ? 0 : 1);") \
      || fail "the fact under 0x7e57 is not Poseidon(model, class, hashes): $(cat "$work/out")"
    ;;
  lenet_batches)
    compile lenet fashion_lenet "$public"
    prove lenet fashion_lenet --query-batches 2
    expect_exit 0 "$batched_ok" node "$verify" "$ts" "$work/lenet.tsm" "$work/lenet.bin"
    ;;
  private_inputs)
    # The proof states the outputs only, and the fact the registry records hashes no input values.
    # In 2 query batches: at once, its verification (about 1.3 million steps) is at the test
    # runner's memory limit, which some proofs' random queries cross.
    compile private tiny_mlp input=private,weights=public
    prove_and_verify private tiny_mlp "$work/private.tsm" --query-batches 2
    grep -q "$batched_ok" "$work/out" || fail "not verified in batches: $(cat "$work/out")"
    ;;
  committed)
    # The proof states the inputs' and outputs' Poseidon2 digests, which the fact hashes (the
    # head's statement gives the fact fact.mjs computes from the proof's digests), and its AIR
    # fixes the weights' digest, which the model commitment in the fact binds. The Cairo AIR is
    # generated from the verifying model, which has no weights. Its sponges make it too large
    # for one runner at once: 2 query batches.
    compile committed tiny_mlp input=committed,output=committed,weights=private
    prove_and_verify committed tiny_mlp "$work/committed.verifying.tsm" --query-batches 2
    grep -q "$batched_ok" "$work/out" || fail "not verified in batches: $(cat "$work/out")"
    ;;
  refusals)
    compile tiny tiny_mlp "$public"
    compile pinn pinn "$public"
    prove pinn pinn
    expect_exit 1 "invalid in Cairo" node "$verify" "$ts" "$work/tiny.tsm" "$work/pinn.bin"
    prove tiny tiny_mlp --query-batches 2
    expect_exit 2 "needs a proof verified at once" \
      node "$verify" "$ts" "$work/tiny.tsm" "$work/tiny.bin" --tampered
    "$ts" prove "$work/tiny.tsm" --input "$tiny/input.json" -o "$work/blake.bin" --profile test \
      >/dev/null 2>&1
    expect_exit 2 "is a blake2s proof" node "$verify" "$ts" "$work/tiny.tsm" "$work/blake.bin"
    expect_exit 2 "no such file: $work/missing.bin" \
      node "$verify" "$ts" "$work/tiny.tsm" "$work/missing.bin"
    expect_exit 2 "usage:" node "$verify" "$ts" "$work/tiny.tsm"
    expect_exit 2 "--class-hash takes a class hash in hex" \
      node "$verify" "$ts" "$work/tiny.tsm" "$work/tiny.bin" --class-hash tiny_mlp
    ;;
  *)
    echo "usage: cairo_verify_test.sh TENSORSTARK ROOT CASE (zk_at_once, lenet_batches," \
      "private_inputs, committed, refusals)" >&2
    exit 2
    ;;
esac
cat "$work/out"
echo "cairo_verify $case: all checks passed"
